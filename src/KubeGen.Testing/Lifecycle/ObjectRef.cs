using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Lifecycle;

/// <summary>Where a stored object is, and which incarnation of it (the uid tells a re-created object from the one that was meant).</summary>
internal sealed record ObjectRef(ResourceKey Resource, string Namespace, string Name, string Uid)
{
    public static ObjectRef? Of(ResourceKey resource, JsonObject obj)
        => ApiHandler.MetaString(obj, "uid") is string uid && ApiHandler.MetaString(obj, "name") is string name
            ? new ObjectRef(resource, ApiHandler.MetaString(obj, "namespace") ?? "", name, uid)
            : null;
}

/// <summary>One owner reference of a dependent, as the garbage collector reads it.</summary>
internal sealed record OwnerReference(string Uid, bool BlockOwnerDeletion)
{
    public static IEnumerable<OwnerReference> Of(JsonObject? obj)
    {
        if (obj?["metadata"]?["ownerReferences"] is not JsonArray references)
        {
            yield break;
        }

        foreach (JsonObject reference in references.OfType<JsonObject>())
        {
            if (reference["uid"] is JsonValue uid && uid.TryGetValue(out string? text) && text.Length > 0)
            {
                bool block = reference["blockOwnerDeletion"] is JsonValue b && b.TryGetValue(out bool blocks) && blocks;
                yield return new OwnerReference(text, block);
            }
        }
    }
}
