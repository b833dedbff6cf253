using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Serialization;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Store;

/// <summary>
/// Loads manifests straight into the store (no admission: status is kept). After each object the
/// emulated controllers run (<paramref name="settle"/>), so a CustomResourceDefinition is served for
/// the objects after it in the same manifest.
/// </summary>
internal sealed class Seeder(ApiCatalog catalog, ObjectStore store, Action? settle = null)
{
    private static readonly ResourceKey NamespacesKey = new("", "v1", "namespaces");

    public void EnsureNamespace(string ns)
    {
        if (catalog.Find("", "v1", "namespaces") is null || store.Get(NamespacesKey, "", ns) is not null)
        {
            return;
        }

        var obj = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject
            {
                ["name"] = ns,
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = ApiHandler.Now(),
                ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns },
            },
            ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
            ["status"] = new JsonObject { ["phase"] = "Active" },
        };
        store.Mutate(NamespacesKey, "", ns, (current, _) => current is null ? new Mutation.Put(obj) : Mutation.None);
    }

    /// <exception cref="InvalidDataException">The manifest cannot be parsed or names a kind the spec does not serve.</exception>
    public void Seed(string manifest, string source)
    {
        foreach (JsonObject obj in Objects(manifest, source))
        {
            Put(obj, source);
            settle?.Invoke();
        }
    }

    /// <summary>The objects of a manifest: JSON or YAML, several documents, <c>kind: List</c> flattened.</summary>
    /// <exception cref="InvalidDataException">The manifest cannot be parsed.</exception>
    public static List<JsonObject> Objects(string manifest, string source)
    {
        List<JsonNode> documents;
        string trimmed = manifest.TrimStart();
        try
        {
            documents = trimmed.StartsWith('{') || trimmed.StartsWith('[')
                ? [JsonBody.Parse(Encoding.UTF8.GetBytes(manifest), []) ?? new JsonObject()]
                : YamlJson.ParseDocuments(manifest);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        return [.. documents.SelectMany(Flatten)];
    }

    private static IEnumerable<JsonObject> Flatten(JsonNode node)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (JsonNode? item in array)
                {
                    if (item is not null)
                    {
                        foreach (JsonObject o in Flatten(item))
                        {
                            yield return o;
                        }
                    }
                }

                break;
            case JsonObject obj when obj["items"] is JsonArray items && (obj["kind"]?.GetValue<string>() ?? "").EndsWith("List", StringComparison.Ordinal):
                foreach (JsonObject o in Flatten(items))
                {
                    yield return o;
                }

                break;
            case JsonObject obj:
                yield return obj;
                break;
        }
    }

    private void Put(JsonObject obj, string source)
    {
        string apiVersion = obj["apiVersion"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: an object has no apiVersion");
        string kind = obj["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: an object has no kind");
        ApiResource resource = catalog.FindByKind(apiVersion, kind) ?? throw new InvalidDataException($"{source}: the spec serves no {kind} in {apiVersion}");
        JsonObject copy = obj.DeepClone().AsObject();
        JsonObject metadata = ApiHandler.Metadata(copy);
        string name = ApiHandler.MetaString(copy, "name") ?? throw new InvalidDataException($"{source}: a {kind} has no metadata.name");
        string ns = "";
        if (resource.Namespaced)
        {
            ns = ApiHandler.MetaString(copy, "namespace") ?? "default";
            metadata["namespace"] = ns;
            EnsureNamespace(ns);
        }
        else
        {
            metadata.Remove("namespace");
        }

        metadata.Remove("resourceVersion");
        if (metadata["uid"] is null)
        {
            metadata["uid"] = Guid.NewGuid().ToString();
        }

        if (metadata["creationTimestamp"] is null)
        {
            metadata["creationTimestamp"] = ApiHandler.Now();
        }

        if (metadata["generation"] is null && copy.ContainsKey("spec"))
        {
            metadata["generation"] = 1;
        }

        store.Mutate(resource.Key, ns, name, (_, _) => new Mutation.Put(copy));
    }
}
