using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>
/// The namespace controller (kube-controller-manager's <c>namespace/deletion</c>): a Namespace marked
/// for deletion (Terminating) has its contents deleted; while some remain (held by finalizers) its
/// status carries the controller's conditions (<c>NamespaceContentRemaining</c>,
/// <c>NamespaceFinalizersRemaining</c> with their messages); once it is empty the <c>kubernetes</c>
/// finalizer is removed, as <c>/finalize</c> does, and the Namespace is deleted.
/// </summary>
internal sealed class NamespaceController(ObjectStore store, ApiCatalog catalog, Deleter deleter, ControllerWrites writes) : IClusterController
{
    private static readonly ResourceKey NamespacesKey = new("", "v1", "namespaces");

    /// <summary>The condition types the controller maintains, in its order, with their reasons and messages when all is well.</summary>
    private static readonly (string Type, string Reason, string Message)[] Healthy =
    [
        ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"),
        ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
        ("NamespaceDeletionContentFailure", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
        ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
        ("NamespaceFinalizersRemaining", "ContentRemoved", "All content successfully removed"),
    ];

    private readonly HashSet<string> _terminating = new(StringComparer.Ordinal);

    /// <summary>Whether a namespace is being deleted (new content is refused in it).</summary>
    public static bool IsTerminating(JsonObject? ns) => ns?["metadata"]?["deletionTimestamp"] is not null;

    public void Observe(StoreEvent change, WorkQueue queue)
    {
        if (change.Resource == NamespacesKey)
        {
            if (change.Type == "DELETED")
            {
                _terminating.Remove(change.Name);
            }
            else if (IsTerminating(change.Object))
            {
                _terminating.Add(change.Name);
                queue.Add(this, change.Name);
            }
        }
        else if (change.Namespace.Length > 0 && _terminating.Contains(change.Namespace))
        {
            queue.Add(this, change.Namespace);
        }
    }

    public void Run(string key, WorkQueue queue)
    {
        JsonObject? ns = store.Get(NamespacesKey, "", key);
        if (!IsTerminating(ns) || ObjectRef.Of(NamespacesKey, ns!) is not ObjectRef reference)
        {
            return;
        }

        if (ns!["spec"]?["finalizers"] is JsonArray finalizers && finalizers.Any(f => f?.GetValue<string>() == Deleter.NamespaceFinalizer))
        {
            List<(ApiResource Resource, JsonObject Object)> contents = Contents(key);
            foreach ((ApiResource resource, JsonObject obj) in contents.Where(c => c.Object["metadata"]?["deletionTimestamp"] is null))
            {
                deleter.Delete(resource, key, ApiHandler.MetaString(obj, "name")!, new DeleteRequest(Uid: ApiHandler.MetaString(obj, "uid"), Propagation: "Background"));
            }

            List<(ApiResource Resource, JsonObject Object)> remaining = Contents(key);
            JsonArray conditions = Conditions(remaining);
            writes.Update(reference, obj =>
            {
                JsonObject status = obj["status"] as JsonObject ?? new JsonObject();
                obj["status"] = status;
                if (SameConditions(status["conditions"] as JsonArray, conditions) && remaining.Count > 0)
                {
                    return false;
                }

                status["conditions"] = Stamp(status["conditions"] as JsonArray, conditions);
                if (remaining.Count == 0)
                {
                    // What the controller's PUT to /finalize does: the "kubernetes" finalizer goes.
                    JsonObject spec = obj["spec"] as JsonObject ?? new JsonObject();
                    spec["finalizers"] = new JsonArray([.. (spec["finalizers"] as JsonArray ?? [])
                        .Where(f => f?.GetValue<string>() != Deleter.NamespaceFinalizer).Select(f => f?.DeepClone())]);
                    obj["spec"] = spec;
                }

                return true;
            });

            if (remaining.Count > 0)
            {
                return;
            }
        }

        if (store.Get(NamespacesKey, "", key) is JsonObject finalized && finalized["spec"]?["finalizers"] is not JsonArray { Count: > 0 }
            && catalog.Find("", "v1", "namespaces") is ApiResource namespaces)
        {
            deleter.Delete(namespaces, "", key, new DeleteRequest(Uid: reference.Uid));
        }
    }

    private List<(ApiResource Resource, JsonObject Object)> Contents(string ns)
    {
        var contents = new List<(ApiResource, JsonObject)>();
        foreach ((ResourceKey key, JsonObject obj) in store.All())
        {
            if (key != NamespacesKey && ApiHandler.MetaString(obj, "namespace") == ns && catalog.Find(key.Group, key.Version, key.Plural) is ApiResource resource)
            {
                contents.Add((resource, obj));
            }
        }

        return contents;
    }

    /// <summary>The conditions of <c>ProcessContentTotals</c> and the healthy ones, in the controller's order.</summary>
    private static JsonArray Conditions(List<(ApiResource Resource, JsonObject Object)> remaining)
    {
        var byResource = remaining.GroupBy(r => $"{r.Resource.Plural}.{r.Resource.Group}").Select(g => $"{g.Key} has {g.Count()} resource instances").Order(StringComparer.Ordinal).ToList();
        var byFinalizer = remaining.SelectMany(r => Deleter.Finalizers(r.Object)).GroupBy(f => f).Select(g => $"{g.Key} in {g.Count()} resource instances").Order(StringComparer.Ordinal).ToList();
        var conditions = new JsonArray();
        foreach ((string type, string reason, string message) in Healthy)
        {
            (string status, string why, string text) = type switch
            {
                "NamespaceContentRemaining" when byResource.Count > 0 => ("True", "SomeResourcesRemain", "Some resources are remaining: " + string.Join(", ", byResource)),
                "NamespaceFinalizersRemaining" when byFinalizer.Count > 0 => ("True", "SomeFinalizerRemain", "Some finalizers are remaining: " + string.Join(", ", byFinalizer)),
                _ => ("False", reason, message),
            };
            conditions.Add(new JsonObject { ["type"] = type, ["status"] = status, ["lastTransitionTime"] = ApiHandler.Now(), ["reason"] = why, ["message"] = text });
        }

        return conditions;
    }

    private static bool SameConditions(JsonArray? current, JsonArray wanted)
        => current is not null && current.Count == wanted.Count
            && current.Zip(wanted).All(p => p.First?["type"]?.GetValue<string>() == p.Second?["type"]?.GetValue<string>()
                && p.First?["status"]?.GetValue<string>() == p.Second?["status"]?.GetValue<string>()
                && p.First?["message"]?.GetValue<string>() == p.Second?["message"]?.GetValue<string>());

    /// <summary>Keeps a condition's lastTransitionTime while its status does not change (updateConditions).</summary>
    private static JsonArray Stamp(JsonArray? current, JsonArray wanted)
    {
        foreach (JsonNode? condition in wanted)
        {
            JsonNode? before = current?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == condition!["type"]!.GetValue<string>());
            if (before?["status"]?.GetValue<string>() == condition!["status"]!.GetValue<string>() && before?["lastTransitionTime"] is JsonNode time)
            {
                condition["lastTransitionTime"] = time.DeepClone();
            }
        }

        return wanted;
    }
}
