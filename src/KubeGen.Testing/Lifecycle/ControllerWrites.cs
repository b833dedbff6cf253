using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>
/// The updates the emulated controllers make (removing a finalizer, an owner reference, writing a
/// status): to the incarnation they looked at (same uid), through the store like any update, and
/// with the registry's rule that an update leaving an object marked for deletion (grace period 0)
/// without finalizers deletes it.
/// </summary>
internal sealed class ControllerWrites(ObjectStore store)
{
    /// <param name="target">The object, by uid: a re-created object of the same name is left alone.</param>
    /// <param name="change">Changes the copy; returns false for no change.</param>
    public void Update(ObjectRef target, Func<JsonObject, bool> change)
    {
        store.Mutate(target.Resource, target.Namespace, target.Name, (current, _) =>
        {
            if (current is null || ApiHandler.MetaString(current, "uid") != target.Uid)
            {
                return Mutation.None;
            }

            JsonObject copy = current.DeepClone().AsObject();
            if (!change(copy))
            {
                return Mutation.None;
            }

            return DeletesOnUpdate(current, copy) ? new Mutation.Remove() : new Mutation.Put(copy);
        });
    }

    /// <summary>
    /// The generic registry's <c>shouldDeleteDuringUpdate</c>: the update removes the last finalizer
    /// of an object that was marked for deletion with grace period 0. (A Namespace, marked without a
    /// grace period, and a Pod still in its grace period are deleted by their controllers instead.)
    /// </summary>
    public static bool DeletesOnUpdate(JsonObject current, JsonObject updated)
        => current["metadata"]?["deletionGracePeriodSeconds"] is JsonNode grace
            && Serialization.JsonNodes.TryGetInt64(grace, out long seconds) && seconds == 0
            && updated["metadata"]?["finalizers"] is not JsonArray { Count: > 0 };
}
