using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Validation;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.CustomResources;

/// <summary>
/// The checks of apiextensions' <c>ValidateCustomResourceDefinition</c> that decide whether a CRD
/// can be served at all: its name is <c>plural.group</c>, the group is a domain, names and scope are
/// given, exactly one served version is the storage version, and every version has an object schema.
/// (The full structural-schema rules are not checked; a schema is used as given.)
/// </summary>
internal static class CrdValidation
{
    public static void Validate(JsonObject crd, List<FieldCause> causes)
    {
        JsonObject? spec = crd["spec"] as JsonObject;
        string group = Text(spec?["group"]);
        JsonObject? names = spec?["names"] as JsonObject;
        string plural = Text(names?["plural"]);
        string name = Text(crd["metadata"]?["name"]);
        if (name.Length > 0 && name != plural + "." + group)
        {
            causes.Add(FieldErrors.Invalid("metadata.name", JsonValue.Create(name), "must be spec.names.plural+\".\"+spec.group"));
        }

        if (group.Length == 0)
        {
            causes.Add(FieldErrors.Required("spec.group"));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            causes.Add(FieldErrors.Invalid("spec.group", JsonValue.Create(group), "should be a domain with at least one dot"));
        }

        if (plural.Length == 0)
        {
            causes.Add(FieldErrors.Required("spec.names.plural"));
        }

        if (Text(names?["kind"]).Length == 0)
        {
            causes.Add(FieldErrors.Required("spec.names.kind"));
        }

        string scope = Text(spec?["scope"]);
        if (scope.Length == 0)
        {
            causes.Add(FieldErrors.Required("spec.scope"));
        }
        else if (scope is not ("Cluster" or "Namespaced"))
        {
            causes.Add(FieldErrors.NotSupported("spec.scope", JsonValue.Create(scope), ["Cluster", "Namespaced"]));
        }

        JsonArray versions = spec?["versions"] as JsonArray ?? [];
        if (versions.Count == 0)
        {
            causes.Add(FieldErrors.Invalid("spec.versions", versions.DeepClone(), "must have exactly one version marked as storage version"));
            return;
        }

        if (versions.Count(v => (v as JsonObject)?["storage"] is JsonValue s && s.TryGetValue(out bool storage) && storage) != 1)
        {
            causes.Add(FieldErrors.Invalid("spec.versions", versions.DeepClone(), "must have exactly one version marked as storage version"));
        }

        for (int i = 0; i < versions.Count; i++)
        {
            string path = $"spec.versions[{i}]";
            JsonObject? version = versions[i] as JsonObject;
            if (Text(version?["name"]).Length == 0)
            {
                causes.Add(FieldErrors.Required(path + ".name"));
            }

            if ((version?["schema"] as JsonObject)?["openAPIV3Schema"] is not JsonObject schema)
            {
                causes.Add(FieldErrors.Required(path + ".schema.openAPIV3Schema", "schemas are required"));
            }
            else if (Text(schema["type"]) != "object" && schema["x-kubernetes-preserve-unknown-fields"] is null)
            {
                causes.Add(Text(schema["type"]).Length == 0
                    ? FieldErrors.Required(path + ".schema.openAPIV3Schema.type", "must not be empty at the root")
                    : FieldErrors.Invalid(path + ".schema.openAPIV3Schema.type", schema["type"]!.DeepClone(), "must be object at the root"));
            }
        }
    }
}
