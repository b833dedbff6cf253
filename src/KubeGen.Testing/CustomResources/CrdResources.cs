using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.CustomResources;

/// <summary>
/// The resources a CRD serves, one per served version, with the schema each is validated, pruned and
/// defaulted by: the version's <c>openAPIV3Schema</c> with <c>apiVersion</c>, <c>kind</c> and
/// <c>metadata</c> (ObjectMeta) added at the root, as kube-apiserver publishes it, and the group-version-kind.
/// </summary>
internal static class CrdResources
{
    private const string ObjectMetaReference = "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    public static List<(ApiResource Resource, JsonElement Schema)> For(CrdDefinition crd)
    {
        var served = new List<(ApiResource, JsonElement)>();
        foreach (CrdVersion version in crd.Versions.Where(v => v.Served && v.Name.Length > 0))
        {
            var resource = new ApiResource
            {
                Group = crd.Group,
                Version = version.Name,
                Plural = crd.Plural,
                Kind = crd.Kind,
                Singular = crd.Singular,
                Namespaced = crd.Namespaced,
                DefinedBy = crd.Name,
                DefinitionName = crd.DefinitionName(version.Name, crd.Kind),
                PrinterColumns = version.Columns,
                ShortNames = [.. crd.ShortNames],
                Categories = [.. crd.Categories],
                DeleteReturnsStatus = true,
                SupportsStrategicMerge = false,
            };
            foreach (string verb in new[] { "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch" })
            {
                resource.Verbs.Add(verb);
            }

            if (version.Status)
            {
                resource.Subresources["status"] = Subresource("status", crd.Group, version.Name, crd.Kind, null);
            }

            if (version.Scale is ScalePaths scale)
            {
                resource.Subresources["scale"] = Subresource("scale", "autoscaling", "v1", "Scale", scale);
            }

            served.Add((resource, Schema(crd, version)));
        }

        return served;
    }

    private static ApiSubresource Subresource(string name, string group, string version, string kind, ScalePaths? scale)
    {
        var sub = new ApiSubresource { Name = name, Group = group, Version = version, Kind = kind, Scale = scale };
        foreach (string verb in new[] { "get", "patch", "update" })
        {
            sub.Verbs.Add(verb);
        }

        return sub;
    }

    private static JsonElement Schema(CrdDefinition crd, CrdVersion version)
    {
        JsonObject schema = version.Schema?.DeepClone().AsObject() ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        JsonObject properties = schema["properties"] as JsonObject ?? new JsonObject();
        schema["properties"] = properties;
        properties["apiVersion"] = new JsonObject
        {
            ["description"] = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
            ["type"] = "string",
        };
        properties["kind"] = new JsonObject
        {
            ["description"] = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
            ["type"] = "string",
        };
        properties["metadata"] = new JsonObject
        {
            ["$ref"] = ObjectMetaReference,
            ["description"] = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        };
        schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = crd.Group, ["kind"] = crd.Kind, ["version"] = version.Name });
        using JsonDocument document = JsonDocument.Parse(ApiHandler.Serialize(schema));
        return document.RootElement.Clone();
    }
}
