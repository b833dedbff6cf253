namespace KubeGen.Runtime;

/// <summary>Options for <see cref="KubeConnection.InCluster(InClusterOptions?)"/>.</summary>
public sealed class InClusterOptions
{
    /// <summary>
    /// The directory holding <c>token</c>, <c>ca.crt</c> and <c>namespace</c>. Defaults to the
    /// <c>KUBEGEN_SERVICEACCOUNT_DIR</c> environment variable, else
    /// <c>/var/run/secrets/kubernetes.io/serviceaccount</c>.
    /// </summary>
    public string? ServiceAccountDirectory { get; init; }

    /// <summary>See <see cref="KubeConnectionOptions.MaxRetries"/>.</summary>
    public int MaxRetries { get; init; } = KubeConnectionOptions.DefaultMaxRetries;

    /// <summary>See <see cref="KubeConnectionOptions.RateLimit"/>; off when null (the default).</summary>
    public KubeRateLimit? RateLimit { get; init; }

    /// <summary>See <see cref="KubeConnectionOptions.Handlers"/>.</summary>
    public IList<Func<DelegatingHandler>> Handlers { get; init; } = new List<Func<DelegatingHandler>>();
}
