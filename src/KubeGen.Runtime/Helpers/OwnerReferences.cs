namespace KubeGen.Runtime;

/// <summary>Owner references, as controller-runtime's <c>controllerutil</c> sets and reads them.</summary>
public static class OwnerReferences
{
    /// <summary>
    /// The controller reference to <paramref name="owner"/> (controller-runtime's <c>SetControllerReference</c>):
    /// <c>controller: true</c> and <c>blockOwnerDeletion: true</c>, so the garbage collector deletes the owned object with its
    /// owner and foreground deletion of the owner waits for it. Setting <c>blockOwnerDeletion</c> needs <c>update</c> on the
    /// owner's <c>finalizers</c> subresource (the generator's RBAC adds it when the controller features are selected).
    /// </summary>
    /// <param name="owner">The owner; it needs its apiVersion, kind, name and uid (an object read from the server has them).</param>
    /// <param name="apiVersion">The owner's apiVersion when the object does not carry it (items of a list may not).</param>
    /// <param name="kind">The owner's kind when the object does not carry it.</param>
    /// <param name="blockOwnerDeletion">Whether to set <c>blockOwnerDeletion</c> (default true).</param>
    /// <exception cref="ArgumentException">The owner has no name or uid, or its apiVersion or kind is unknown.</exception>
    public static KubeOwnerReference ControllerReference(IKubeObject owner, string? apiVersion = null, string? kind = null, bool blockOwnerDeletion = true)
    {
        ArgumentNullException.ThrowIfNull(owner);
        IKubeObjectMetadata? metadata = owner.ObjectMetadata;
        string name = metadata?.Name is { Length: > 0 } n ? n : throw new ArgumentException("The owner has no metadata.name.", nameof(owner));
        string uid = metadata.Uid is { Length: > 0 } u ? u : throw new ArgumentException($"The owner {name} has no metadata.uid: use the object as the server returned it.", nameof(owner));
        string ownerApiVersion = owner.ApiVersion is { Length: > 0 } a ? a : apiVersion ?? throw new ArgumentException($"The owner {name} carries no apiVersion: pass it.", nameof(apiVersion));
        string ownerKind = owner.Kind is { Length: > 0 } k ? k : kind ?? throw new ArgumentException($"The owner {name} carries no kind: pass it.", nameof(kind));
        return new KubeOwnerReference(ownerApiVersion, ownerKind, name, uid, Controller: true, BlockOwnerDeletion: blockOwnerDeletion ? true : null);
    }

    /// <summary>The owner reference marked <c>controller: true</c>, or null.</summary>
    /// <exception cref="InvalidOperationException">The object's metadata does not implement <see cref="IKubeControllerMetadata"/>.</exception>
    public static IKubeOwnerReference? ControllerOf(IKubeObject owned)
    {
        foreach (IKubeOwnerReference reference in Of(owned))
        {
            if (reference.Controller == true)
            {
                return reference;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="owned"/> is controlled by <paramref name="owner"/> (by uid).</summary>
    public static bool IsControlledBy(IKubeObject owned, IKubeObject owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return ControllerOf(owned) is { } reference && owner.ObjectMetadata?.Uid is { Length: > 0 } uid && reference.Uid == uid;
    }

    /// <summary>The object's owner references (none when it has none).</summary>
    /// <exception cref="InvalidOperationException">The object's metadata does not implement <see cref="IKubeControllerMetadata"/>.</exception>
    public static IEnumerable<IKubeOwnerReference> Of(IKubeObject owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        return owned.ObjectMetadata switch
        {
            null => [],
            IKubeControllerMetadata metadata => metadata.OwnerReferences ?? [],
            var other => throw ControllerMetadata.Missing(other),
        };
    }

    /// <summary>Whether the two apiVersions name the same API group ("apps/v1" and "apps/v1beta1" do; "v1" is the core group).</summary>
    public static bool SameGroup(string apiVersion, string otherApiVersion)
        => string.Equals(GroupOf(apiVersion), GroupOf(otherApiVersion), StringComparison.Ordinal);

    private static string GroupOf(string apiVersion)
    {
        int slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : apiVersion[..slash];
    }
}
