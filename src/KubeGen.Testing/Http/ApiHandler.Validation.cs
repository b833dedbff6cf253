using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>The 422 checks: names, labels, and the required properties of the spec's schemas.</summary>
internal sealed partial class ApiHandler
{
    private const string DnsSubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string DnsLabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex QualifiedName();

    private void Validate(JsonObject obj, ApiResource resource)
    {
        var causes = new List<FieldCause>();
        string name = MetaString(obj, "name") ?? "";
        if (name.Length == 0)
        {
            causes.Add(new FieldCause("FieldValueRequired", "metadata.name", "name or generateName is required"));
        }
        else
        {
            bool label = resource.Group.Length == 0 && resource.Plural is "namespaces" or "services";
            if (label ? !DnsLabel().IsMatch(name) || name.Length > 63 : !DnsSubdomain().IsMatch(name) || name.Length > 253)
            {
                causes.Add(new FieldCause("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {(label ? DnsLabelMessage : DnsSubdomainMessage)}"));
            }
        }

        if (obj["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (KeyValuePair<string, JsonNode?> label in labels)
            {
                if (!QualifiedName().IsMatch(label.Key))
                {
                    causes.Add(new FieldCause("FieldValueInvalid", "metadata.labels", $"Invalid value: \"{label.Key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
                }

                string value = label.Value?.GetValue<string>() ?? "";
                if (value.Length > 63)
                {
                    causes.Add(new FieldCause("FieldValueInvalid", "metadata.labels", $"Invalid value: \"{value}\": must be no more than 63 characters"));
                }
                else if (!LabelValue().IsMatch(value))
                {
                    causes.Add(new FieldCause("FieldValueInvalid", "metadata.labels", $"Invalid value: \"{value}\": {LabelValueMessage}"));
                }
            }
        }

        JsonElement? schema = SchemaOf(resource);
        if (schema is not null)
        {
            foreach (KeyValuePair<string, JsonNode?> entry in obj)
            {
                if (entry.Key is "metadata" or "apiVersion" or "kind")
                {
                    continue;
                }

                CheckRequired(entry.Value, _catalog.Schemas.Property(schema, entry.Key), entry.Key, causes, 0);
            }
        }

        if (causes.Count > 0)
        {
            throw StatusErrors.Invalid(resource, name, [.. causes]);
        }
    }

    private void CheckRequired(JsonNode? node, JsonElement? schema, string path, List<FieldCause> causes, int depth)
    {
        if (depth > 32 || schema is null)
        {
            return;
        }

        JsonElement? resolved = _catalog.Schemas.Resolve(schema);
        if (resolved is not { } s)
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                if (s.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement r in required.EnumerateArray())
                    {
                        if (r.GetString() is string field && !o.ContainsKey(field))
                        {
                            causes.Add(new FieldCause("FieldValueRequired", path + "." + field, ""));
                        }
                    }
                }

                if (s.TryGetProperty("properties", out JsonElement properties))
                {
                    foreach (KeyValuePair<string, JsonNode?> entry in o)
                    {
                        if (properties.TryGetProperty(entry.Key, out JsonElement property))
                        {
                            CheckRequired(entry.Value, property, path + "." + entry.Key, causes, depth + 1);
                        }
                    }
                }

                break;
            case JsonArray a when s.TryGetProperty("items", out JsonElement items):
                for (int i = 0; i < a.Count; i++)
                {
                    CheckRequired(a[i], items, $"{path}[{i}]", causes, depth + 1);
                }

                break;
        }
    }
}
