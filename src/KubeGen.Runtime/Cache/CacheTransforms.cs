namespace KubeGen.Runtime;

/// <summary>Transforms for <see cref="ResourceCache{T, TList}.Transform"/>.</summary>
public static class CacheTransforms
{
    /// <summary>
    /// Drops metadata.managedFields (the default transform). Needs metadata that implements <see cref="IKubeControllerMetadata"/>;
    /// other objects are stored as they are.
    /// </summary>
    public static T StripManagedFields<T>(T item)
        where T : class, IKubeObject
    {
        if (item.ObjectMetadata is IKubeControllerMetadata metadata)
        {
            metadata.ClearManagedFields();
        }

        return item;
    }
}
