using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>The object's identity in a body against the request: apiVersion and kind, namespace, name.</summary>
internal sealed partial class ApiHandler
{
    /// <summary>Checks type meta and namespace against the request and fills what is missing.</summary>
    private static void Normalize(JsonObject obj, ApiResource resource, RequestInfo info)
    {
        string? apiVersion = obj["apiVersion"] is JsonValue av && av.TryGetValue(out string? a) ? a : null;
        string? kind = obj["kind"] is JsonValue kv && kv.TryGetValue(out string? k) ? k : null;
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != resource.GroupVersion)
        {
            throw StatusErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({resource.GroupVersion})");
        }

        if (!string.IsNullOrEmpty(kind) && kind != resource.Kind)
        {
            throw StatusErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({resource.Kind})");
        }

        obj["apiVersion"] = resource.GroupVersion;
        obj["kind"] = resource.Kind;
        if (obj.TryGetPropertyValue("metadata", out JsonNode? m) && m is not null and not JsonObject)
        {
            throw StatusErrors.BadRequest("json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta");
        }

        JsonObject metadata = Metadata(obj);
        foreach (string map in new[] { "labels", "annotations" })
        {
            if (metadata.TryGetPropertyValue(map, out JsonNode? node) && node is not null)
            {
                if (node is not JsonObject entries || entries.Any(e => e.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
                {
                    throw StatusErrors.BadRequest($"json: cannot unmarshal into Go struct field ObjectMeta.metadata.{map} of type string");
                }
            }
        }

        if (resource.Namespaced)
        {
            string? bodyNs = MetaString(obj, "namespace");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != info.Namespace)
            {
                throw StatusErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            metadata["namespace"] = info.Namespace;
        }
        else
        {
            metadata.Remove("namespace");
        }

        if (info.Name is not null)
        {
            string? bodyName = MetaString(obj, "name");
            if (string.IsNullOrEmpty(bodyName))
            {
                metadata["name"] = info.Name;
            }
            else if (bodyName != info.Name)
            {
                throw StatusErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({info.Name})");
            }
        }
    }

    private static void CheckTypeMeta(JsonObject obj, ApiResource resource)
    {
        if (obj["apiVersion"]?.GetValue<string>() is string apiVersion && apiVersion != resource.GroupVersion)
        {
            throw StatusErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({resource.GroupVersion})");
        }

        if (obj["kind"]?.GetValue<string>() is string kind && kind != resource.Kind)
        {
            throw StatusErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({resource.Kind})");
        }

        obj["apiVersion"] = resource.GroupVersion;
        obj["kind"] = resource.Kind;
    }
}
