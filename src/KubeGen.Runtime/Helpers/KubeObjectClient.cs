namespace KubeGen.Runtime;

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
