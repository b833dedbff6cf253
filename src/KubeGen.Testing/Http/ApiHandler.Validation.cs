using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Validation;

namespace KubeGen.Testing.Http;

/// <summary>The 422 checks: names, labels, annotations, and the kind's schema (built-in rules, or a CRD's structural schema).</summary>
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

        ValidateAnnotations(obj, causes);
        JsonElement? schema = SchemaOf(resource);
        if (resource.IsCustom)
        {
            // apiextensions: the schema's checks, then the list-type uniqueness rules.
            _schemaValidator.Validate(obj, schema, "", causes);
            _listSemantics.Validate(obj, schema, "", causes);
        }
        else
        {
            _builtInRules.Validate(obj, resource, schema, causes);
        }

        if (resource.Group == "apiextensions.k8s.io" && resource.Kind == "CustomResourceDefinition")
        {
            CustomResources.CrdValidation.Validate(obj, causes);
        }

        if (causes.Count > 0)
        {
            throw StatusErrors.Invalid(resource, name, [.. causes]);
        }
    }

    /// <summary>ValidateAnnotations: the keys and values together may not exceed 256 KiB.</summary>
    private static void ValidateAnnotations(JsonObject obj, List<FieldCause> causes)
    {
        const long TotalAnnotationSizeLimit = 256 * 1024;
        if (obj["metadata"]?["annotations"] is JsonObject annotations
            && annotations.Sum(a => (long)a.Key.Length + (a.Value is JsonValue v && v.TryGetValue(out string? text) ? text.Length : 0)) > TotalAnnotationSizeLimit)
        {
            causes.Add(FieldErrors.TooLong("metadata.annotations", TotalAnnotationSizeLimit));
        }
    }
}
