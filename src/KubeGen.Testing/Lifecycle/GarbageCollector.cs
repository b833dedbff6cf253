using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>
/// The garbage collector (kube-controller-manager's <c>garbagecollector</c>), by owner uid:
/// <list type="bullet">
/// <item>a dependent whose owners are all gone (or were never there) is deleted, in the background,
/// or in the foreground when it has dependents itself and an owner waits for it; one that still has
/// a live owner only loses its references to the gone ones;</item>
/// <item>an owner deleted with <c>propagationPolicy: Foreground</c> keeps its <c>foregroundDeletion</c>
/// finalizer while dependents with <c>blockOwnerDeletion: true</c> remain; its dependents are deleted;</item>
/// <item>an owner deleted with <c>Orphan</c> keeps its <c>orphan</c> finalizer until its dependents'
/// references to it are removed.</item>
/// </list>
/// </summary>
internal sealed class GarbageCollector(ObjectStore store, ApiCatalog catalog, OwnerIndex owners, Deleter deleter, ControllerWrites writes) : IClusterController
{
    private const string DependentPrefix = "dependent/";
    private const string OwnerPrefix = "owner/";

    public void Observe(StoreEvent change, WorkQueue queue)
    {
        string? uid = ApiHandler.MetaString(change.Object, "uid");
        if (uid is null)
        {
            return;
        }

        if (change.Type == "DELETED")
        {
            foreach (ObjectRef dependent in owners.DependentsOf(uid))
            {
                queue.Add(this, DependentPrefix + dependent.Uid);
            }

            // An owner deleting in the foreground may have been waiting for this one.
            foreach (OwnerReference owner in OwnerReference.Of(change.Object))
            {
                queue.Add(this, OwnerPrefix + owner.Uid);
            }

            return;
        }

        if (OwnerReference.Of(change.Object).Any())
        {
            queue.Add(this, DependentPrefix + uid);
        }

        if (change.Object["metadata"]?["deletionTimestamp"] is not null
            && Deleter.Finalizers(change.Object).Any(f => f is Deleter.OrphanFinalizer or Deleter.ForegroundFinalizer))
        {
            queue.Add(this, OwnerPrefix + uid);
        }
    }

    public void Run(string key, WorkQueue queue)
    {
        if (key.StartsWith(DependentPrefix, StringComparison.Ordinal))
        {
            AttemptToDelete(key[DependentPrefix.Length..]);
        }
        else
        {
            ProcessDeletingOwner(key[OwnerPrefix.Length..], queue);
        }
    }

    /// <summary>The collector's <c>attemptToDeleteItem</c> for one dependent.</summary>
    private void AttemptToDelete(string uid)
    {
        if (Current(uid) is not (ObjectRef item, JsonObject obj))
        {
            return;
        }

        var solid = new List<string>();
        var gone = new List<string>();
        var waiting = new List<string>();
        foreach (OwnerReference reference in OwnerReference.Of(obj))
        {
            if (Current(reference.Uid) is not (_, JsonObject owner))
            {
                gone.Add(reference.Uid);
            }
            else if (owner["metadata"]?["deletionTimestamp"] is not null && Deleter.Finalizers(owner).Contains(Deleter.ForegroundFinalizer))
            {
                waiting.Add(reference.Uid);
            }
            else
            {
                solid.Add(reference.Uid);
            }
        }

        if (solid.Count > 0)
        {
            // A live owner keeps it; references to owners that are gone or waiting for it are dropped.
            if (gone.Count + waiting.Count > 0)
            {
                RemoveReferences(item, [.. gone, .. waiting]);
            }

            return;
        }

        if (gone.Count + waiting.Count == 0 || obj["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        string policy = waiting.Count > 0 && owners.HasDependents(uid) ? "Foreground"
            : Deleter.Finalizers(obj).Contains(Deleter.OrphanFinalizer) ? "Orphan"
            : Deleter.Finalizers(obj).Contains(Deleter.ForegroundFinalizer) ? "Foreground"
            : "Background";
        if (catalog.Find(item.Resource.Group, item.Resource.Version, item.Resource.Plural) is ApiResource resource)
        {
            deleter.Delete(resource, item.Namespace, item.Name, new DeleteRequest(Uid: uid, Propagation: policy));
        }
    }

    /// <summary>The collector's <c>processDeletingDependentsItem</c> and <c>orphanDependents</c> for an owner being deleted.</summary>
    private void ProcessDeletingOwner(string uid, WorkQueue queue)
    {
        if (Current(uid) is not (ObjectRef item, JsonObject owner) || owner["metadata"]?["deletionTimestamp"] is null)
        {
            return;
        }

        List<string> finalizers = Deleter.Finalizers(owner);
        IReadOnlyList<ObjectRef> dependents = owners.DependentsOf(uid);
        if (finalizers.Contains(Deleter.OrphanFinalizer))
        {
            foreach (ObjectRef dependent in dependents)
            {
                RemoveReferences(dependent, [uid]);
            }

            RemoveFinalizer(item, Deleter.OrphanFinalizer);
            return;
        }

        if (!finalizers.Contains(Deleter.ForegroundFinalizer))
        {
            return;
        }

        bool blocked = false;
        foreach (ObjectRef dependent in dependents)
        {
            queue.Add(this, DependentPrefix + dependent.Uid);
            if (Current(dependent.Uid) is (_, JsonObject obj) && OwnerReference.Of(obj).Any(r => r.Uid == uid && r.BlockOwnerDeletion))
            {
                blocked = true;
            }
        }

        if (!blocked)
        {
            RemoveFinalizer(item, Deleter.ForegroundFinalizer);
        }
    }

    private (ObjectRef Ref, JsonObject Object)? Current(string uid)
    {
        if (owners.Find(uid) is not ObjectRef reference)
        {
            return null;
        }

        JsonObject? obj = store.Get(reference.Resource, reference.Namespace, reference.Name);
        return obj is not null && ApiHandler.MetaString(obj, "uid") == uid ? (reference, obj) : null;
    }

    private void RemoveReferences(ObjectRef dependent, IReadOnlyCollection<string> ownerUids)
        => writes.Update(dependent, obj =>
        {
            if (obj["metadata"]?["ownerReferences"] is not JsonArray references)
            {
                return false;
            }

            List<JsonNode?> drop = [.. references.Where(r => r?["uid"] is JsonValue v && v.TryGetValue(out string? u) && ownerUids.Contains(u))];
            foreach (JsonNode? reference in drop)
            {
                references.Remove(reference);
            }

            // The collector's patch leaves an empty list, which Go does not write back (omitempty).
            if (references.Count == 0)
            {
                ApiHandler.Metadata(obj).Remove("ownerReferences");
            }

            return drop.Count > 0;
        });

    private void RemoveFinalizer(ObjectRef owner, string finalizer) => writes.Update(owner, obj => Deleter.RemoveFinalizer(obj, finalizer));
}
