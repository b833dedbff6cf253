using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// Rewrites the values whose Go types have a canonical JSON form into that form, the way
/// kube-apiserver's decode and re-encode of a built-in object does: <c>metav1.Time</c> and
/// <c>metav1.MicroTime</c> (<see cref="KubeTime"/>), <c>resource.Quantity</c>
/// (<see cref="Quantity"/>), and <c>[]byte</c> (schema <c>format: byte</c>: standard base64, checked
/// and re-encoded); a declared field set to null is dropped (Go reads it as the zero value and
/// writes nothing back). The spec's schema says where these types are; what a schema does not type
/// (custom resources' <c>format: date-time</c> strings) is left alone, as a real server leaves it.
/// </summary>
internal sealed class CanonicalForms(SchemaIndex schemas)
{
    private const string TimeDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    private const string MicroTimeDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
    private const string QuantityDefinition = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private const int MaxDepth = 64;

    /// <summary>Rewrites <paramref name="obj"/> in place.</summary>
    /// <exception cref="FormatException">A value that the Go type cannot hold, with Go's error text.</exception>
    public void Apply(JsonObject obj, JsonElement? schema)
    {
        if (schema is not null)
        {
            Walk(obj, schema, 0);
        }
    }

    private void Walk(JsonNode? node, JsonElement? schema, int depth)
    {
        if (node is null || schema is not { } s || depth > MaxDepth)
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                JsonElement? properties = schemas.Resolve(s) is { } resolved && resolved.TryGetProperty("properties", out JsonElement p) ? p : null;
                foreach (KeyValuePair<string, JsonNode?> entry in o.ToList())
                {
                    JsonElement? property = schemas.Property(s, entry.Key);
                    if (entry.Value is null && properties is { } declared && declared.TryGetProperty(entry.Key, out JsonElement field) && !Nullable(field))
                    {
                        // Go decodes null as the zero value, which its encoder leaves out (omitempty,
                        // omitzero); apiextensions prunes nulls of non-nullable fields the same way.
                        o.Remove(entry.Key);
                    }
                    else if (entry.Value is JsonValue value && Convert(value, property) is string converted)
                    {
                        o[entry.Key] = converted;
                    }
                    else
                    {
                        Walk(entry.Value, property, depth + 1);
                    }
                }

                break;
            case JsonArray a:
                JsonElement? items = schemas.Items(s);
                for (int i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue value && Convert(value, items) is string converted)
                    {
                        a[i] = converted;
                    }
                    else
                    {
                        Walk(a[i], items, depth + 1);
                    }
                }

                break;
        }
    }

    private bool Nullable(JsonElement property)
        => schemas.Resolve(property) is { } s && ((s.TryGetProperty("nullable", out JsonElement n) && n.ValueKind == JsonValueKind.True) || (s.TryGetProperty("x-nullable", out JsonElement x) && x.ValueKind == JsonValueKind.True));

    /// <summary>The canonical form of a string the schema types, or null to leave the value as it is.</summary>
    private string? Convert(JsonValue value, JsonElement? schema)
    {
        if (schema is not { ValueKind: JsonValueKind.Object } s)
        {
            return null;
        }

        string? reference = s.TryGetProperty("$ref", out JsonElement r) ? r.GetString() : null;
        string? definition = reference?[(reference.LastIndexOf('/') + 1)..];
        switch (definition)
        {
            case TimeDefinition:
                return value.TryGetValue(out string? time) ? KubeTime.CanonicalTime(time) : null;
            case MicroTimeDefinition:
                return value.TryGetValue(out string? micro) ? KubeTime.CanonicalMicroTime(micro) : null;
            case QuantityDefinition:
                return value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number ? Quantity.Canonical(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()) : null;
        }

        JsonElement? resolved = schemas.Resolve(s);
        if (resolved is { } t && t.TryGetProperty("format", out JsonElement format) && format.GetString() == "byte" && value.TryGetValue(out string? bytes))
        {
            return CanonicalBase64(bytes);
        }

        return null;
    }

    /// <summary>Go's <c>[]byte</c> JSON form: standard base64 with padding (line breaks are skipped on decode).</summary>
    /// <exception cref="FormatException">Go's <c>illegal base64 data at input byte N</c>.</exception>
    public static string CanonicalBase64(string text)
    {
        string compact = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        try
        {
            return System.Convert.ToBase64String(System.Convert.FromBase64String(compact));
        }
        catch (FormatException)
        {
            int at = 0;
            while (at < compact.Length && (char.IsAsciiLetterOrDigit(compact[at]) || compact[at] is '+' or '/'))
            {
                at++;
            }

            throw new FormatException($"illegal base64 data at input byte {at}");
        }
    }
}
