using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// The type errors Go's JSON decoder (sigs.k8s.io/json) finds when a built-in object is decoded
/// into its Go struct: a value of the wrong JSON type, or a number its integer field cannot hold.
/// kube-apiserver answers them with a 400 before anything else is checked; the text is
/// <c>UnmarshalTypeError</c>'s: <c>json: cannot unmarshal string into Go struct field
/// DeploymentSpec.spec.replicas of type int32</c> (the struct that has the field, then the JSON
/// field names from the root without indexes). The decoder reports the first error in document order.
/// Types with their own decoders (times, quantities, IntOrString, raw JSON) are left to
/// <see cref="CanonicalForms"/>.
/// </summary>
internal sealed class GoDecoding(SchemaIndex schemas)
{
    private const int MaxDepth = 64;

    private static readonly HashSet<string> OwnDecoders = new(StringComparer.Ordinal)
    {
        "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
        "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
        "io.k8s.apimachinery.pkg.api.resource.Quantity",
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
        "io.k8s.apimachinery.pkg.runtime.RawExtension",
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
    };

    /// <summary>The first type error of <paramref name="obj"/> as Go words it, or null.</summary>
    public string? FirstError(JsonObject obj, string? definitionName)
        => definitionName is null ? null : Struct(obj, definitionName, "", 0);

    private string? Struct(JsonObject obj, string definitionName, string fieldPath, int depth)
    {
        if (depth > MaxDepth || schemas.Definition(definitionName) is not { } definition || !definition.TryGetProperty("properties", out JsonElement properties))
        {
            return null;
        }

        string structName = definitionName[(definitionName.LastIndexOf('.') + 1)..];
        foreach (KeyValuePair<string, JsonNode?> entry in obj)
        {
            if (entry.Value is null || !properties.TryGetProperty(entry.Key, out JsonElement property))
            {
                continue;
            }

            string path = fieldPath.Length == 0 ? entry.Key : fieldPath + "." + entry.Key;
            if (Value(entry.Value, property, structName, path, depth) is string error)
            {
                return error;
            }
        }

        return null;
    }

    private string? Value(JsonNode value, JsonElement schema, string structName, string path, int depth)
    {
        string? definition = Reference(schema);
        if (definition is not null && OwnDecoders.Contains(definition))
        {
            return null;
        }

        if (definition is not null)
        {
            return value is JsonObject nested
                ? Struct(nested, definition, path, depth + 1)
                : Mismatch(value, structName, path, GoType(schema));
        }

        JsonElement s = schemas.Resolve(schema) ?? schema;
        string type = s.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        switch (type)
        {
            case "string":
                return value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? null : Mismatch(value, structName, path, "string");
            case "boolean":
                return value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : Mismatch(value, structName, path, "bool");
            case "integer":
            case "number":
                return Number(value, s, structName, path);
            case "array":
                if (value is not JsonArray array)
                {
                    return Mismatch(value, structName, path, GoType(schema));
                }

                JsonElement? items = s.TryGetProperty("items", out JsonElement i) ? i : null;
                foreach (JsonNode? item in array)
                {
                    if (item is not null && items is { } itemSchema && Value(item, itemSchema, structName, path, depth + 1) is string error)
                    {
                        return error;
                    }
                }

                return null;
            case "object":
                if (value is not JsonObject map)
                {
                    return Mismatch(value, structName, path, GoType(schema));
                }

                if (s.TryGetProperty("additionalProperties", out JsonElement values) && values.ValueKind == JsonValueKind.Object)
                {
                    foreach (KeyValuePair<string, JsonNode?> entry in map)
                    {
                        if (entry.Value is not null && Value(entry.Value, values, structName, path, depth + 1) is string error)
                        {
                            return error;
                        }
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string? Number(JsonNode value, JsonElement s, string structName, string path)
    {
        string format = s.TryGetProperty("format", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "";
        string goType = (s.GetProperty("type").GetString(), format) switch
        {
            ("integer", "int32") => "int32",
            ("integer", "int64") => "int64",
            ("integer", _) => "int",
            (_, "float") => "float32",
            _ => "float64",
        };
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return Mismatch(value, structName, path, goType);
        }

        if (goType is "float32" or "float64")
        {
            return null;
        }

        string text = v.ToJsonString();
        bool fits = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && (goType != "int32" || n is >= int.MinValue and <= int.MaxValue);
        return fits ? null : Message("number " + text, structName, path, goType);
    }

    private static string Mismatch(JsonNode value, string structName, string path, string goType)
    {
        string kind = value switch
        {
            JsonObject => "object",
            JsonArray => "array",
            JsonValue v => v.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                _ => "bool",
            },
            _ => "null",
        };
        return Message(kind, structName, path, goType);
    }

    private static string Message(string found, string structName, string path, string goType)
        => $"json: cannot unmarshal {found} into Go struct field {structName}.{path} of type {goType}";

    private string GoType(JsonElement schema)
    {
        if (Reference(schema) is string definition)
        {
            // io.k8s.api.apps.v1.DeploymentSpec → v1.DeploymentSpec (Go prints package.Type).
            string[] parts = definition.Split('.');
            return parts.Length >= 2 ? parts[^2] + "." + parts[^1] : definition;
        }

        JsonElement s = schemas.Resolve(schema) ?? schema;
        string type = s.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        return type switch
        {
            "array" => "[]" + (s.TryGetProperty("items", out JsonElement items) ? GoType(items) : "interface {}"),
            "object" => "map[string]" + (s.TryGetProperty("additionalProperties", out JsonElement values) && values.ValueKind == JsonValueKind.Object ? GoType(values) : "interface {}"),
            "string" => "string",
            "boolean" => "bool",
            "integer" => s.TryGetProperty("format", out JsonElement f) && f.GetString() is "int32" or "int64" ? f.GetString()! : "int",
            "number" => "float64",
            _ => "interface {}",
        };
    }

    private static string? Reference(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("$ref", out JsonElement r) && r.GetString() is string reference)
        {
            return reference[(reference.LastIndexOf('/') + 1)..];
        }

        // OpenAPI 3's allOf: [{$ref}] wrapper around a reference with a sibling description or default.
        if (schema.TryGetProperty("allOf", out JsonElement allOf) && allOf.ValueKind == JsonValueKind.Array && allOf.GetArrayLength() == 1)
        {
            return Reference(allOf[0]);
        }

        return null;
    }
}
