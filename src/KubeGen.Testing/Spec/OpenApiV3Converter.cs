using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Spec;

/// <summary>
/// Derives kube-style OpenAPI 3 group-version documents (<c>/openapi/v3/apis/apps/v1</c>) from a
/// Swagger 2.0 spec, for clients that read v3 (kubectl's field-validation check, client-side
/// apply's patch metadata, <c>kubectl explain</c>): paths with inline parameters, request bodies
/// and responses with media types, and the definitions they reach under <c>components/schemas</c>.
/// </summary>
internal static class OpenApiV3Converter
{
    private const string V2Prefix = "#/definitions/";
    private const string V3Prefix = "#/components/schemas/";

    public static Dictionary<string, JsonObject> Convert(JsonElement swagger)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (!swagger.TryGetProperty("paths", out JsonElement paths))
        {
            return result;
        }

        JsonElement? parameters = swagger.TryGetProperty("parameters", out JsonElement p) ? p : null;
        JsonElement? definitions = swagger.TryGetProperty("definitions", out JsonElement d) ? d : null;
        string version = swagger.TryGetProperty("info", out JsonElement info) && info.TryGetProperty("version", out JsonElement v) ? v.GetString() ?? "unversioned" : "unversioned";
        var byKey = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (JsonProperty path in paths.EnumerateObject())
        {
            string? key = KeyOf(path.Name);
            if (key is null)
            {
                continue;
            }

            if (!byKey.TryGetValue(key, out JsonObject? docPaths))
            {
                docPaths = new JsonObject();
                byKey[key] = docPaths;
            }

            docPaths[path.Name] = ConvertPathItem(path.Value, parameters);
        }

        foreach ((string key, JsonObject docPaths) in byKey)
        {
            var schemas = new JsonObject();
            if (definitions is { } defs)
            {
                var pending = new Queue<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                CollectRefs(docPaths, pending, seen);
                while (pending.Count > 0)
                {
                    string name = pending.Dequeue();
                    if (!defs.TryGetProperty(name, out JsonElement definition))
                    {
                        continue;
                    }

                    JsonNode converted = Rewrite(JsonNode.Parse(definition.GetRawText())!);
                    OneOfTypes(name, converted);
                    schemas[name] = converted;
                    CollectRefs(converted, pending, seen);
                }
            }

            var ordered = new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> schema in schemas.OrderBy(s => s.Key, StringComparer.Ordinal).ToList())
            {
                schemas.Remove(schema.Key);
                ordered[schema.Key] = schema.Value;
            }

            result[key] = new JsonObject
            {
                ["openapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = version },
                ["paths"] = docPaths,
                ["components"] = new JsonObject
                {
                    ["schemas"] = ordered,
                    ["securitySchemes"] = new JsonObject { ["BearerToken"] = new JsonObject { ["type"] = "apiKey", ["description"] = "Bearer Token authentication", ["name"] = "authorization", ["in"] = "header" } },
                },
            };
        }

        return result;
    }

    /// <summary><c>/api/v1/…</c> → <c>api/v1</c>; <c>/apis/g/v/…</c> → <c>apis/g/v</c>; other paths → null.</summary>
    public static string? KeyOf(string path)
    {
        string[] segments = path.Trim('/').Split('/');
        if (segments.Length >= 2 && segments[0] == "api")
        {
            return "api/" + segments[1];
        }

        if (segments.Length >= 3 && segments[0] == "apis")
        {
            return $"apis/{segments[1]}/{segments[2]}";
        }

        return null;
    }

    private static JsonObject ConvertPathItem(JsonElement item, JsonElement? topParameters)
    {
        var result = new JsonObject();
        foreach (JsonProperty entry in item.EnumerateObject())
        {
            if (entry.Name == "parameters")
            {
                var list = new JsonArray();
                foreach (JsonElement parameter in entry.Value.EnumerateArray())
                {
                    JsonElement resolved = ResolveParameter(parameter, topParameters);
                    if (Str(resolved, "in") != "body")
                    {
                        list.Add(ConvertParameter(resolved));
                    }
                }

                result["parameters"] = list;
            }
            else if (entry.Value.ValueKind == JsonValueKind.Object)
            {
                result[entry.Name] = ConvertOperation(entry.Value, topParameters);
            }
            else
            {
                result[entry.Name] = JsonNode.Parse(entry.Value.GetRawText());
            }
        }

        return result;
    }

    private static JsonObject ConvertOperation(JsonElement operation, JsonElement? topParameters)
    {
        var result = new JsonObject();
        List<string> consumes = Strings(operation, "consumes");
        List<string> produces = Strings(operation, "produces");
        foreach (JsonProperty entry in operation.EnumerateObject())
        {
            switch (entry.Name)
            {
                case "consumes" or "produces" or "schemes":
                    break;
                case "parameters":
                {
                    var list = new JsonArray();
                    foreach (JsonElement parameter in entry.Value.EnumerateArray())
                    {
                        JsonElement resolved = ResolveParameter(parameter, topParameters);
                        if (Str(resolved, "in") == "body")
                        {
                            var content = new JsonObject();
                            foreach (string mediaType in consumes.Count > 0 ? consumes : ["*/*"])
                            {
                                content[mediaType] = new JsonObject { ["schema"] = resolved.TryGetProperty("schema", out JsonElement schema) ? Rewrite(JsonNode.Parse(schema.GetRawText())!) : new JsonObject() };
                            }

                            var body = new JsonObject { ["content"] = content };
                            if (resolved.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.True)
                            {
                                body["required"] = true;
                            }

                            result["requestBody"] = body;
                        }
                        else
                        {
                            list.Add(ConvertParameter(resolved));
                        }
                    }

                    result["parameters"] = list;
                    break;
                }

                case "responses":
                {
                    var responses = new JsonObject();
                    foreach (JsonProperty response in entry.Value.EnumerateObject())
                    {
                        var converted = new JsonObject { ["description"] = Str(response.Value, "description") ?? "" };
                        if (response.Value.TryGetProperty("schema", out JsonElement schema))
                        {
                            var content = new JsonObject();
                            foreach (string mediaType in produces.Count > 0 ? produces : ["application/json"])
                            {
                                content[mediaType] = new JsonObject { ["schema"] = Rewrite(JsonNode.Parse(schema.GetRawText())!) };
                            }

                            converted["content"] = content;
                        }

                        responses[response.Name] = converted;
                    }

                    result["responses"] = responses;
                    break;
                }

                case "x-kubernetes-group-version-kind" when Str(operation, "x-kubernetes-action") == "connect" && entry.Value.TryGetProperty("kind", out JsonElement kind) && !(kind.GetString() ?? "").EndsWith("Options", StringComparison.Ordinal):
                    // A connect operation's kind is its options type upstream (ServiceProxyOptions); some
                    // vendored specs rewrite it to the parent kind, and then kubectl, which takes the
                    // first PATCH of a kind as the one that tells whether fieldValidation is supported,
                    // may pick a proxy path that has no such parameter and fall back to validating
                    // against the protobuf /openapi/v2. Such a rewritten kind is left out.
                    break;

                default:
                    result[entry.Name] = Rewrite(JsonNode.Parse(entry.Value.GetRawText())!);
                    break;
            }
        }

        return result;
    }

    private static JsonElement ResolveParameter(JsonElement parameter, JsonElement? topParameters)
    {
        if (parameter.TryGetProperty("$ref", out JsonElement reference) && reference.GetString() is string r && topParameters is { } top)
        {
            string name = r[(r.LastIndexOf('/') + 1)..];
            if (top.TryGetProperty(name, out JsonElement resolved))
            {
                return resolved;
            }
        }

        return parameter;
    }

    private static JsonObject ConvertParameter(JsonElement parameter)
    {
        var result = new JsonObject();
        var schema = new JsonObject();
        foreach (JsonProperty entry in parameter.EnumerateObject())
        {
            switch (entry.Name)
            {
                case "name" or "in" or "description" or "required" or "allowEmptyValue":
                    result[entry.Name] = JsonNode.Parse(entry.Value.GetRawText());
                    break;
                case "type" or "format" or "items" or "uniqueItems" or "default" or "enum" or "minimum" or "maximum":
                    schema[entry.Name] = Rewrite(JsonNode.Parse(entry.Value.GetRawText())!);
                    break;
                default:
                    if (entry.Name.StartsWith("x-", StringComparison.Ordinal))
                    {
                        result[entry.Name] = JsonNode.Parse(entry.Value.GetRawText());
                    }

                    break;
            }
        }

        result["schema"] = schema;
        return result;
    }

    /// <summary>
    /// The types that marshal themselves as one of two JSON types are typed with <c>oneOf</c> in
    /// kube's OpenAPI 3 (kube-openapi's <c>OpenAPIV3OneOfTypes</c>), where Swagger 2.0 can only say
    /// <c>string</c>; kubectl's v3 validation refuses <c>targetPort: 8080</c> against the latter.
    /// </summary>
    private static void OneOfTypes(string definition, JsonNode schema)
    {
        string[]? types = definition switch
        {
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => ["integer", "string"],
            "io.k8s.apimachinery.pkg.api.resource.Quantity" => ["string", "number"],
            _ => null,
        };
        if (types is not null && schema is JsonObject o)
        {
            o.Remove("type");
            o["oneOf"] = new JsonArray([.. types.Select(t => (JsonNode)new JsonObject { ["type"] = t })]);
        }
    }

    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (KeyValuePair<string, JsonNode?> entry in o.ToList())
                {
                    if (entry.Key == "$ref" && entry.Value is JsonValue v && v.TryGetValue(out string? r) && r.StartsWith(V2Prefix, StringComparison.Ordinal))
                    {
                        o["$ref"] = V3Prefix + r[V2Prefix.Length..];
                    }
                    else if (entry.Value is not null)
                    {
                        Rewrite(entry.Value);
                    }
                }

                break;
            case JsonArray a:
                foreach (JsonNode? item in a)
                {
                    if (item is not null)
                    {
                        Rewrite(item);
                    }
                }

                break;
        }

        return node;
    }

    private static void CollectRefs(JsonNode node, Queue<string> pending, HashSet<string> seen)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (KeyValuePair<string, JsonNode?> entry in o)
                {
                    if (entry.Key == "$ref" && entry.Value is JsonValue v && v.TryGetValue(out string? r) && r.StartsWith(V3Prefix, StringComparison.Ordinal))
                    {
                        string name = r[V3Prefix.Length..];
                        if (seen.Add(name))
                        {
                            pending.Enqueue(name);
                        }
                    }
                    else if (entry.Value is not null)
                    {
                        CollectRefs(entry.Value, pending, seen);
                    }
                }

                break;
            case JsonArray a:
                foreach (JsonNode? item in a)
                {
                    if (item is not null)
                    {
                        CollectRefs(item, pending, seen);
                    }
                }

                break;
        }
    }

    private static string? Str(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> Strings(JsonElement element, string name)
    {
        var list = new List<string>();
        if (element.TryGetProperty(name, out JsonElement array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in array.EnumerateArray())
            {
                if (item.GetString() is string s)
                {
                    list.Add(s);
                }
            }
        }

        return list;
    }
}
