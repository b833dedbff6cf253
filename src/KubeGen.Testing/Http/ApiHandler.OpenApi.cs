using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.CustomResources;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>
/// The OpenAPI documents: <c>/openapi/v2</c> is the first spec byte for byte until a CRD is served,
/// then that spec with every served CRD version's definitions and paths; <c>/openapi/v3</c> is the
/// given group-version documents, else documents derived from the (merged) Swagger 2.0 spec. Both
/// are rebuilt when the catalog changes, so a client can fetch a spec that includes a CRD it just
/// installed and generate a client from it.
/// </summary>
internal sealed partial class ApiHandler
{
    private sealed record Documents(long Generation, byte[]? V2, Dictionary<string, byte[]> V3);

    private Documents? _documents;

    private byte[]? OpenApiV2 => CurrentDocuments().V2;

    private Dictionary<string, byte[]> OpenApiV3 => CurrentDocuments().V3;

    private Documents CurrentDocuments()
    {
        long generation = _catalog.Generation;
        Documents? cached = _documents;
        if (cached?.Generation == generation)
        {
            return cached;
        }

        List<ApiResource> custom = [.. _catalog.Resources.Where(r => r.IsCustom).OrderBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal).ThenBy(r => r.Plural, StringComparer.Ordinal)];
        byte[]? v2 = _openApiV2;
        Dictionary<string, byte[]> v3 = _catalog.DeriveOpenApiV3();
        if (custom.Count > 0)
        {
            JsonObject merged = v2 is not null ? JsonNode.Parse(v2)!.AsObject() : new JsonObject { ["swagger"] = "2.0", ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "unversioned" } };
            foreach (ApiResource resource in custom)
            {
                if (_catalog.Schemas.Definition(resource.DefinitionName) is JsonElement schema)
                {
                    CrdOpenApi.AddTo(merged, resource, schema);
                }
            }

            byte[] mergedBytes = Serialize(merged);
            v2 = _openApiV2 is null ? null : mergedBytes;
            using JsonDocument document = JsonDocument.Parse(mergedBytes, new JsonDocumentOptions { MaxDepth = 512 });
            var customKeys = custom.Select(r => $"apis/{r.Group}/{r.Version}").ToHashSet(StringComparer.Ordinal);
            foreach ((string key, JsonObject doc) in OpenApiV3Converter.Convert(document.RootElement))
            {
                if (customKeys.Contains(key))
                {
                    v3[key] = Serialize(doc);
                }
            }
        }

        foreach ((string key, byte[] given) in _openApiV3Given)
        {
            v3[key] = given;
        }

        AddSyntheticGroupVersions(v3);

        var documents = new Documents(generation, v2, v3);
        _documents = documents;
        return documents;
    }

    /// <summary>
    /// A document for each group-version the emulator serves beyond the spec (RBAC, CRDs, the access
    /// reviews), with their operations and <c>fieldValidation</c>: kubectl looks there to decide that
    /// the server validates fields, and without it falls back to validating against the protobuf
    /// <c>/openapi/v2</c>, which the emulator does not serve. The kinds' schemas are left open.
    /// </summary>
    private void AddSyntheticGroupVersions(Dictionary<string, byte[]> v3)
    {
        foreach (IGrouping<string, ApiResource> groupVersion in _catalog.Resources.Where(r => r.Synthetic).GroupBy(r => $"apis/{r.Group}/{r.Version}"))
        {
            if (v3.ContainsKey(groupVersion.Key))
            {
                continue;
            }

            var swagger = new JsonObject { ["swagger"] = "2.0", ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "unversioned" } };
            foreach (ApiResource resource in groupVersion.OrderBy(r => r.Plural, StringComparer.Ordinal))
            {
                var open = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true, ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = resource.Group, ["kind"] = resource.Kind, ["version"] = resource.Version }) };
                using JsonDocument schema = JsonDocument.Parse(Serialize(open));
                CrdOpenApi.AddTo(swagger, resource, schema.RootElement);
            }

            using JsonDocument document = JsonDocument.Parse(Serialize(swagger));
            foreach ((string key, JsonObject doc) in OpenApiV3Converter.Convert(document.RootElement))
            {
                v3[key] = Serialize(doc);
            }
        }
    }
}
