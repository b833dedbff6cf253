namespace KubeGen.Runtime;

/// <summary>
/// The few calls on one resource that the controller helpers make (finalizers, status updates, server-side apply),
/// in one shape for every kind. Generated resource clients implement it; until a generator version does, build one from
/// the generated methods with <see cref="KubeObjectClient{T}"/>.
/// </summary>
/// <typeparam name="T">The kind.</typeparam>
public interface IKubeObjectClient<T>
    where T : class, IKubeObject
{
    /// <summary>Reads the object (namespace null for cluster-scoped kinds).</summary>
    Task<T> GetAsync(string? @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Patches the object (a merge patch of metadata, or server-side apply with <paramref name="apply"/> set).</summary>
    Task<T> PatchAsync(string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken, ApplyOptions? apply = null);

    /// <summary>Patches the status subresource.</summary>
    /// <exception cref="NotSupportedException">The kind has no status subresource, or the selection does not include it.</exception>
    Task<T> PatchStatusAsync(string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken, ApplyOptions? apply = null);

    /// <summary>Replaces the status subresource (the body's resourceVersion guards it: 409 when stale).</summary>
    /// <exception cref="NotSupportedException">The kind has no status subresource, or the selection does not include it.</exception>
    Task<T> ReplaceStatusAsync(string? @namespace, string name, T body, CancellationToken cancellationToken);
}
