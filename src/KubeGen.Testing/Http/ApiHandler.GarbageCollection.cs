using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Http;

/// <summary>What a delete takes with it: a namespace's contents and the dependents named by owner references.</summary>
internal sealed partial class ApiHandler
{
    private void DeleteNamespaceContents(string ns)
    {
        foreach ((ResourceKey key, JsonObject obj) in _store.All())
        {
            if (MetaString(obj, "namespace") == ns && key != NamespacesKey)
            {
                _store.Mutate(key, ns, MetaString(obj, "name") ?? "", (current, _) => current is null ? Mutation.None : new Mutation.Remove());
            }
        }
    }

    /// <summary>Deletes (or orphans) the dependents of a deleted object, as the garbage collector would.</summary>
    private void CollectGarbage(JsonObject owner, string propagation)
    {
        string? uid = MetaString(owner, "uid");
        if (uid is null)
        {
            return;
        }

        foreach ((ResourceKey key, JsonObject obj) in _store.All())
        {
            if (obj["metadata"]?["ownerReferences"] is not JsonArray references || !references.Any(r => r?["uid"]?.GetValue<string>() == uid))
            {
                continue;
            }

            string ns = MetaString(obj, "namespace") ?? "";
            string name = MetaString(obj, "name") ?? "";
            ApiResource? resource = _catalog.Find(key.Group, key.Version, key.Plural);
            if (resource is null)
            {
                continue;
            }

            if (propagation == "Orphan")
            {
                _store.Mutate(key, ns, name, (current, _) =>
                {
                    if (current is null)
                    {
                        return Mutation.None;
                    }

                    JsonObject target = current.DeepClone().AsObject();
                    JsonArray refs = (JsonArray)target["metadata"]!["ownerReferences"]!;
                    foreach (JsonNode? r in refs.Where(r => r?["uid"]?.GetValue<string>() == uid).ToList())
                    {
                        refs.Remove(r);
                    }

                    return new Mutation.Put(target);
                });
            }
            else
            {
                try
                {
                    DeleteOne(resource, ns, name, new DeleteOptions(null, null, "Background", false));
                }
                catch (StatusException)
                {
                    // already gone
                }
            }
        }
    }
}
