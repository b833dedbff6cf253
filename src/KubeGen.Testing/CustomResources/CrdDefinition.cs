using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.CustomResources;

/// <summary>One entry of a CRD's <c>spec.versions</c>, as far as serving it needs.</summary>
internal sealed record CrdVersion(string Name, bool Served, bool Storage, JsonObject? Schema, bool Status, ScalePaths? Scale, IReadOnlyList<PrinterColumn> Columns);

/// <summary>
/// What a CustomResourceDefinition (apiextensions.k8s.io/v1) says about the resource it defines:
/// names, scope, versions with their schemas, subresources and printer columns. Read from the stored
/// CRD object, which validation (<see cref="CrdValidation"/>) and defaulting have already seen.
/// </summary>
internal sealed record CrdDefinition(
    string Name,
    string Group,
    string Plural,
    string Singular,
    string Kind,
    string ListKind,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    bool Namespaced,
    IReadOnlyList<CrdVersion> Versions)
{
    public static CrdDefinition Read(JsonObject crd)
    {
        JsonObject? spec = crd["spec"] as JsonObject;
        JsonObject? names = spec?["names"] as JsonObject;
        string kind = Text(names?["kind"]);
        var versions = new List<CrdVersion>();
        foreach (JsonObject version in (spec?["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            JsonObject? subresources = version["subresources"] as JsonObject;
            ScalePaths? scale = subresources?["scale"] is JsonObject s
                ? new ScalePaths(Text(s["specReplicasPath"]), Text(s["statusReplicasPath"]), s["labelSelectorPath"] is JsonValue selector ? selector.GetValue<string>() : null)
                : null;
            var columns = new List<PrinterColumn>();
            foreach (JsonObject column in (version["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>())
            {
                columns.Add(new PrinterColumn(
                    Text(column["name"]),
                    Text(column["type"]),
                    Text(column["format"]),
                    Text(column["description"]),
                    Serialization.JsonNodes.TryGetInt64(column["priority"], out long priority) ? (int)priority : 0,
                    Text(column["jsonPath"])));
            }

            versions.Add(new CrdVersion(
                Text(version["name"]),
                version["served"] is JsonValue served && served.TryGetValue(out bool isServed) && isServed,
                version["storage"] is JsonValue storage && storage.TryGetValue(out bool isStorage) && isStorage,
                (version["schema"] as JsonObject)?["openAPIV3Schema"] as JsonObject,
                subresources?["status"] is JsonObject,
                scale,
                columns));
        }

        return new CrdDefinition(
            Text((crd["metadata"] as JsonObject)?["name"]),
            Text(spec?["group"]),
            Text(names?["plural"]),
            Text(names?["singular"]) is { Length: > 0 } singular ? singular : kind.ToLowerInvariant(),
            kind,
            Text(names?["listKind"]) is { Length: > 0 } listKind ? listKind : kind + "List",
            Strings(names?["shortNames"]),
            Strings(names?["categories"]),
            Text(spec?["scope"]) != "Cluster",
            versions);
    }

    /// <summary>The OpenAPI definition name kube-apiserver publishes a CRD's kind under: the group reversed, then version and kind (<c>com.example.stable.v1.CronTab</c>).</summary>
    public string DefinitionName(string version, string kind) => string.Join('.', Group.Split('.').Reverse()) + "." + version + "." + kind;

    private static string[] Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(Text).Where(s => s.Length > 0)] : [];
}
