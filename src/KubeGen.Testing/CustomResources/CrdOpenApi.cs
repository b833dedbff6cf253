using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.CustomResources;

/// <summary>
/// What kube-apiserver adds to <c>/openapi/v2</c> for a served CRD version (apiextensions'
/// <c>openapi/builder</c>): the kind and its list under <c>definitions</c> (named
/// <c>com.example.stable.v1.CronTab</c>), and the collection, object, <c>/status</c> and
/// <c>/scale</c> paths with the usual operations, operation ids, parameters and
/// <c>x-kubernetes-action</c>/<c>x-kubernetes-group-version-kind</c>, so a client generated from the
/// cluster's spec gets the custom resource like any other. The schema is published the v2 way
/// (<c>ToStructuralOpenAPIV2</c>): no <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>/<c>not</c>, nullable and
/// preserve-unknown-fields nodes without their structure. Query parameters refer to the spec's shared
/// <c>parameters</c> where it has them, as the real document does, else are written inline.
/// </summary>
internal static class CrdOpenApi
{
    private const string Meta = "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.";

    private static readonly Dictionary<string, string> QueryTypes = new(StringComparer.Ordinal)
    {
        ["allowWatchBookmarks"] = "boolean", ["continue"] = "string", ["fieldSelector"] = "string", ["labelSelector"] = "string",
        ["limit"] = "integer", ["resourceVersion"] = "string", ["resourceVersionMatch"] = "string", ["sendInitialEvents"] = "boolean",
        ["timeoutSeconds"] = "integer", ["watch"] = "boolean", ["pretty"] = "string", ["dryRun"] = "string", ["fieldManager"] = "string",
        ["fieldValidation"] = "string", ["force"] = "boolean", ["gracePeriodSeconds"] = "integer", ["orphanDependents"] = "boolean",
        ["propagationPolicy"] = "string", ["ignoreStoreReadErrorWithClusterBreakingPotential"] = "boolean",
    };

    private static readonly string[] ListParameters = ["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"];
    private static readonly string[] WriteParameters = ["dryRun", "fieldManager", "fieldValidation"];
    private static readonly string[] PatchParameters = ["dryRun", "fieldManager", "fieldValidation", "force"];
    private static readonly string[] DeleteParameters = ["dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents", "propagationPolicy"];
    private static readonly string[] DeleteCollectionParameters = ["continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "labelSelector", "limit", "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds"];

    /// <summary>Adds the definitions and paths of one CRD resource to <paramref name="swagger"/>.</summary>
    public static void AddTo(JsonObject swagger, ApiResource resource, JsonElement schema)
    {
        JsonObject definitions = Conversion.Defaulting.Child(swagger, "definitions");
        JsonObject paths = Conversion.Defaulting.Child(swagger, "paths");
        JsonObject? shared = swagger["parameters"] as JsonObject;
        string definition = resource.DefinitionName!;
        string listDefinition = definition + "List";

        JsonObject kindSchema = ToV2(JsonNode.Parse(schema.GetRawText())!.AsObject(), root: true);
        definitions[definition] = kindSchema;
        definitions[listDefinition] = new JsonObject
        {
            ["description"] = $"{resource.Kind}List is a list of {resource.Kind}",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = kindSchema["properties"]?["apiVersion"]?.DeepClone(),
                ["items"] = new JsonObject
                {
                    ["description"] = $"List of {resource.Plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md",
                    ["items"] = Ref("#/definitions/" + definition),
                    ["type"] = "array",
                },
                ["kind"] = kindSchema["properties"]?["kind"]?.DeepClone(),
                ["metadata"] = new JsonObject { ["$ref"] = Meta + "ListMeta", ["description"] = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds" },
            },
            ["required"] = new JsonArray("items"),
            ["type"] = "object",
            ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = resource.Group, ["kind"] = resource.Kind + "List", ["version"] = resource.Version }),
        };

        var names = new OperationNames(resource);
        string root = $"/apis/{resource.Group}/{resource.Version}";
        string collection = resource.Namespaced ? $"{root}/namespaces/{{namespace}}/{resource.Plural}" : $"{root}/{resource.Plural}";
        JsonObject gvk = Gvk(resource.Group, resource.Version, resource.Kind);
        JsonObject self = Ref("#/definitions/" + definition);

        if (resource.Namespaced)
        {
            paths[$"{root}/{resource.Plural}"] = PathItem([Pretty(shared)], new()
            {
                ["get"] = Operation(names.ListAll, $"list or watch objects of kind {resource.Kind}", "list", gvk, Query(shared, ListParameters), Responses(("200", "OK", Ref("#/definitions/" + listDefinition))), watch: true),
            });
        }

        JsonArray collectionParameters = resource.Namespaced ? [Namespace(shared), Pretty(shared)] : [Pretty(shared)];
        paths[collection] = PathItem(collectionParameters, new()
        {
            ["delete"] = Operation(names.DeleteCollection, $"delete collection of {resource.Kind}", "deletecollection", gvk, [DeleteBody(), .. Query(shared, DeleteCollectionParameters)], Responses(("200", "OK", Ref(Meta + "Status")))),
            ["get"] = Operation(names.List, $"list or watch objects of kind {resource.Kind}", "list", gvk, Query(shared, ListParameters), Responses(("200", "OK", Ref("#/definitions/" + listDefinition))), watch: true),
            ["post"] = Operation(names.Create, $"create a {resource.Kind}", "post", gvk, [Body(self), .. Query(shared, WriteParameters)], Responses(("200", "OK", self), ("201", "Created", self), ("202", "Accepted", self))),
        });

        JsonArray itemParameters = [Name(resource.Kind), .. collectionParameters.Select(p => p?.DeepClone())];
        paths[collection + "/{name}"] = PathItem(itemParameters, new()
        {
            ["delete"] = Operation(names.Delete, $"delete a {resource.Kind}", "delete", gvk, [DeleteBody(), .. Query(shared, DeleteParameters)], Responses(("200", "OK", Ref(Meta + "Status")), ("202", "Accepted", Ref(Meta + "Status")))),
            ["get"] = Operation(names.Read, $"read the specified {resource.Kind}", "get", gvk, [], Responses(("200", "OK", self))),
            ["patch"] = Operation(names.Patch, $"partially update the specified {resource.Kind}", "patch", gvk, [PatchBody(), .. Query(shared, PatchParameters)], Responses(("200", "OK", self), ("201", "Created", self)), patch: true),
            ["put"] = Operation(names.Replace, $"replace the specified {resource.Kind}", "put", gvk, [Body(self), .. Query(shared, WriteParameters)], Responses(("200", "OK", self), ("201", "Created", self))),
        });

        foreach (ApiSubresource sub in resource.Subresources.Values)
        {
            JsonObject subGvk = Gvk(sub.Group, sub.Version, sub.Kind);
            JsonObject subSchema = sub.Name == "scale" ? Ref("#/definitions/io.k8s.api.autoscaling.v1.Scale") : self;
            string suffix = sub.Name == "scale" ? "Scale" : "Status";
            string what = sub.Name == "scale" ? $"scale of the specified {resource.Kind}" : $"status of the specified {resource.Kind}";
            JsonArray subParameters = [Name(sub.Name == "scale" ? "Scale" : resource.Kind), .. collectionParameters.Select(p => p?.DeepClone())];
            paths[$"{collection}/{{name}}/{sub.Name}"] = PathItem(subParameters, new()
            {
                ["get"] = Operation("read" + names.Suffix + suffix, "read " + what, "get", subGvk, [], Responses(("200", "OK", subSchema))),
                ["patch"] = Operation("patch" + names.Suffix + suffix, "partially update " + what, "patch", subGvk, [PatchBody(), .. Query(shared, PatchParameters)], Responses(("200", "OK", subSchema), ("201", "Created", subSchema)), patch: true),
                ["put"] = Operation("replace" + names.Suffix + suffix, "replace " + what, "put", subGvk, [Body(subSchema), .. Query(shared, WriteParameters)], Responses(("200", "OK", subSchema), ("201", "Created", subSchema))),
            });
        }
    }

    /// <summary>Operation ids as kube's builder makes them: verb, group and version in camel case, scope, kind.</summary>
    private sealed class OperationNames(ApiResource resource)
    {
        private readonly string _groupVersion = Camel(resource.Group) + Camel(resource.Version);

        public string Suffix => _groupVersion + (resource.Namespaced ? "Namespaced" : "") + resource.Kind;

        public string List => "list" + Suffix;

        public string ListAll => "list" + _groupVersion + resource.Kind + "ForAllNamespaces";

        public string Create => "create" + Suffix;

        public string DeleteCollection => "delete" + _groupVersion + "Collection" + (resource.Namespaced ? "Namespaced" : "") + resource.Kind;

        public string Read => "read" + Suffix;

        public string Replace => "replace" + Suffix;

        public string Patch => "patch" + Suffix;

        public string Delete => "delete" + Suffix;

        private static string Camel(string text) => string.Concat(text.Split('.', '-').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>ToStructuralOpenAPIV2: what OpenAPI v2 and kubectl's reading of it cannot take is removed.</summary>
    private static JsonObject ToV2(JsonObject schema, bool root = false)
    {
        foreach (string keyword in new[] { "allOf", "anyOf", "oneOf", "not" })
        {
            schema.Remove(keyword);
        }

        bool nullable = schema["nullable"] is JsonValue n && n.TryGetValue(out bool isNullable) && isNullable;
        bool preserve = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.TryGetValue(out bool preserves) && preserves;
        schema.Remove("nullable");
        if (nullable)
        {
            schema.Remove("type");
        }

        if (nullable || preserve)
        {
            schema.Remove("items");

            // The root keeps what the builder adds after the conversion: apiVersion, kind, metadata.
            if (root && schema["properties"] is JsonObject all)
            {
                foreach (string key in all.Select(p => p.Key).Where(k => k is not ("apiVersion" or "kind" or "metadata")).ToList())
                {
                    all.Remove(key);
                }
            }
            else
            {
                schema.Remove("properties");
            }
        }

        if (schema["x-kubernetes-int-or-string"] is not null)
        {
            schema.Remove("type");
        }

        if (schema["type"] is JsonValue t && t.GetValue<string>() == "array" && schema["items"] is null)
        {
            schema.Remove("type");
        }

        if (schema["properties"] is JsonObject properties)
        {
            var nullableProperties = properties.Where(e => e.Value?["nullable"] is JsonValue v && v.TryGetValue(out bool b) && b).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
            foreach (KeyValuePair<string, JsonNode?> property in properties)
            {
                if (property.Value is JsonObject child && child["$ref"] is null)
                {
                    ToV2(child);
                }
            }

            if (schema["required"] is JsonArray required && nullableProperties.Count > 0)
            {
                schema["required"] = new JsonArray([.. required.Where(r => !nullableProperties.Contains(r?.GetValue<string>() ?? "")).Select(r => r?.DeepClone())]);
            }
        }

        if (schema["items"] is JsonObject items)
        {
            ToV2(items);
        }

        if (schema["additionalProperties"] is JsonObject values)
        {
            ToV2(values);
        }

        return schema;
    }

    private static JsonObject PathItem(JsonArray parameters, Dictionary<string, JsonObject> operations)
    {
        var item = new JsonObject();
        foreach ((string method, JsonObject operation) in operations.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            item[method] = operation;
        }

        item["parameters"] = parameters;
        return item;
    }

    private static JsonObject Operation(string id, string description, string action, JsonObject gvk, IEnumerable<JsonNode?> parameters, JsonObject responses, bool watch = false, bool patch = false)
    {
        var operation = new JsonObject
        {
            ["consumes"] = patch ? new JsonArray("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml") : new JsonArray("*/*"),
            ["description"] = description,
            ["operationId"] = id,
        };
        JsonArray list = [.. parameters];
        if (list.Count > 0)
        {
            operation["parameters"] = list;
        }

        operation["produces"] = watch ? new JsonArray("application/json", "application/yaml", "application/json;stream=watch") : new JsonArray("application/json", "application/yaml");
        operation["responses"] = responses;
        operation["schemes"] = new JsonArray("https");
        operation["tags"] = new JsonArray(gvk["group"]!.GetValue<string>() is { Length: > 0 } g ? string.Concat(g.Split('.').Select((p, i) => i == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..])) + "_" + gvk["version"]!.GetValue<string>() : "core_" + gvk["version"]!.GetValue<string>());
        operation["x-kubernetes-action"] = action;
        operation["x-kubernetes-group-version-kind"] = gvk.DeepClone();
        return operation;
    }

    private static JsonObject Responses(params (string Code, string Description, JsonObject Schema)[] responses)
    {
        var result = new JsonObject();
        foreach ((string code, string description, JsonObject schema) in responses)
        {
            result[code] = new JsonObject { ["description"] = description, ["schema"] = schema.DeepClone() };
        }

        result["401"] = new JsonObject { ["description"] = "Unauthorized" };
        return result;
    }

    /// <summary>The query parameters by name: a reference to the spec's shared definition of it, or an inline one.</summary>
    private static IEnumerable<JsonNode?> Query(JsonObject? shared, string[] names)
        => names.Select(name => SharedParameter(shared, name, "query") ?? new JsonObject
        {
            ["description"] = name,
            ["in"] = "query",
            ["name"] = name,
            ["type"] = QueryTypes[name],
            ["uniqueItems"] = true,
        });

    private static JsonNode? SharedParameter(JsonObject? shared, string name, string location)
    {
        string? key = shared?.Where(p => p.Value?["name"]?.GetValue<string>() == name && p.Value?["in"]?.GetValue<string>() == location)
            .Select(p => p.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        return key is null ? null : Ref("#/parameters/" + key);
    }

    private static JsonNode Pretty(JsonObject? shared) => SharedParameter(shared, "pretty", "query") ?? Query(null, ["pretty"]).Single()!;

    private static JsonNode Namespace(JsonObject? shared) => SharedParameter(shared, "namespace", "path") ?? new JsonObject
    {
        ["description"] = "object name and auth scope, such as for teams and projects",
        ["in"] = "path",
        ["name"] = "namespace",
        ["required"] = true,
        ["type"] = "string",
        ["uniqueItems"] = true,
    };

    private static JsonObject Name(string kind) => new()
    {
        ["description"] = "name of the " + kind,
        ["in"] = "path",
        ["name"] = "name",
        ["required"] = true,
        ["type"] = "string",
        ["uniqueItems"] = true,
    };

    private static JsonObject Body(JsonObject schema) => new() { ["in"] = "body", ["name"] = "body", ["required"] = true, ["schema"] = schema.DeepClone() };

    private static JsonObject PatchBody() => Body(Ref(Meta + "Patch"));

    private static JsonObject DeleteBody() => new() { ["in"] = "body", ["name"] = "body", ["schema"] = Ref(Meta + "DeleteOptions") };

    private static JsonObject Ref(string reference) => new() { ["$ref"] = reference };

    private static JsonObject Gvk(string group, string version, string kind) => new() { ["group"] = group, ["kind"] = kind, ["version"] = version };
}
