using System.Text.Json;

namespace KubeGen.Generator.OpenApi;

/// <summary>Reading the few schema members every step needs, the same way everywhere.</summary>
internal static class SpecSchemas
{
    /// <summary>A direct $ref, or OpenAPI 3's <c>allOf: [{$ref}]</c> wrapper used to attach a description or default.</summary>
    public static string? ReferenceOf(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            return reference.GetString();
        }

        if (schema.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array && allOf.GetArrayLength() == 1)
        {
            var only = allOf[0];
            if (only.ValueKind == JsonValueKind.Object && only.TryGetProperty("$ref", out reference) && reference.ValueKind == JsonValueKind.String)
            {
                return reference.GetString();
            }
        }

        return null;
    }

    public static string? DescriptionOf(JsonElement schema)
        => schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String
            ? description.GetString()
            : null;
}
