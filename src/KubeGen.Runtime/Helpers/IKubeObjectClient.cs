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

/// <summary>Who applies, and whether it takes fields from other managers: server-side apply's <c>fieldManager</c> and <c>force</c>.</summary>
/// <param name="FieldManager">The manager's name (the controller's name); required.</param>
/// <param name="Force">Take over fields other managers own (right for objects the controller owns; default true, as controllers do).</param>
public sealed record ApplyOptions(string FieldManager, bool Force = true);

/// <summary>An <see cref="IKubeObjectClient{T}"/> over the generated methods, one delegate per call.</summary>
/// <example>
/// <code>
/// var configMaps = new KubeObjectClient&lt;ConfigMap&gt;(
///     get: (ns, name, ct) => kube.CoreV1.ConfigMaps.GetAsync(ns!, name, cancellationToken: ct),
///     patch: (ns, name, patch, apply, ct) => kube.CoreV1.ConfigMaps.PatchAsync(ns!, name, patch, new() { FieldManager = apply?.FieldManager, Force = apply?.Force }, ct));
/// </code>
/// </example>
public sealed class KubeObjectClient<T> : IKubeObjectClient<T>
    where T : class, IKubeObject
{
    private readonly Func<string?, string, CancellationToken, Task<T>> _get;
    private readonly Func<string?, string, KubePatch, ApplyOptions?, CancellationToken, Task<T>> _patch;
    private readonly Func<string?, string, KubePatch, ApplyOptions?, CancellationToken, Task<T>>? _patchStatus;
    private readonly Func<string?, string, T, CancellationToken, Task<T>>? _replaceStatus;

    /// <summary>Creates the client; the status calls are optional.</summary>
    public KubeObjectClient(
        Func<string?, string, CancellationToken, Task<T>> get,
        Func<string?, string, KubePatch, ApplyOptions?, CancellationToken, Task<T>> patch,
        Func<string?, string, KubePatch, ApplyOptions?, CancellationToken, Task<T>>? patchStatus = null,
        Func<string?, string, T, CancellationToken, Task<T>>? replaceStatus = null)
    {
        _get = get ?? throw new ArgumentNullException(nameof(get));
        _patch = patch ?? throw new ArgumentNullException(nameof(patch));
        _patchStatus = patchStatus;
        _replaceStatus = replaceStatus;
    }

    /// <inheritdoc/>
    public Task<T> GetAsync(string? @namespace, string name, CancellationToken cancellationToken) => _get(@namespace, name, cancellationToken);

    /// <inheritdoc/>
    public Task<T> PatchAsync(string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken, ApplyOptions? apply = null)
        => _patch(@namespace, name, patch, apply, cancellationToken);

    /// <inheritdoc/>
    public Task<T> PatchStatusAsync(string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken, ApplyOptions? apply = null)
        => (_patchStatus ?? throw NoStatus("patchStatus"))(@namespace, name, patch, apply, cancellationToken);

    /// <inheritdoc/>
    public Task<T> ReplaceStatusAsync(string? @namespace, string name, T body, CancellationToken cancellationToken)
        => (_replaceStatus ?? throw NoStatus("replaceStatus"))(@namespace, name, body, cancellationToken);

    private static NotSupportedException NoStatus(string call)
        => new($"This KubeObjectClient<{typeof(T).Name}> was created without {call}: pass the generated status method.");
}
