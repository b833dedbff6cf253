namespace KubeGen.Runtime;

/// <summary>Options for <see cref="KubeConnection.Connect(KubeConnectOptions?)"/>: where to look, which context, and the connection's settings.</summary>
public sealed class KubeConnectOptions
{
    /// <summary>Which source to use; <see cref="KubeConnectSource.Auto"/> (controller-runtime's order) by default.</summary>
    public KubeConnectSource Source { get; init; }

    /// <summary>
    /// Kubeconfig files to use instead of <c>KUBECONFIG</c> and <c>~/.kube/config</c> (like <c>kubectl --kubeconfig</c>),
    /// merged by the same rules as the files of <c>KUBECONFIG</c>; every file must exist. Implies <see cref="KubeConnectSource.Kubeconfig"/>.
    /// </summary>
    public IList<string> KubeconfigFiles { get; init; } = new List<string>();

    /// <summary>The context to use instead of the kubeconfig's <c>current-context</c> (like <c>kubectl --context</c>).</summary>
    public string? Context { get; init; }

    /// <summary>The default namespace instead of the context's (like <c>kubectl --namespace</c>).</summary>
    public string? Namespace { get; init; }

    /// <summary>
    /// Lets a cluster with <c>insecure-skip-tls-verify: true</c> connect without checking the server's certificate.
    /// Off by default: such a kubeconfig then fails with a <see cref="KubeconfigException"/>, because anyone on the
    /// network path could read the credentials. When on, <see cref="OnWarning"/> is told once per connection.
    /// </summary>
    public bool AllowInsecureSkipTlsVerify { get; init; }

    /// <summary>Receives warnings (an unverified server certificate, say); see <see cref="KubeConnectionOptions.OnWarning"/>.</summary>
    public Action<string>? OnWarning { get; init; }

    /// <summary>
    /// How long an exec credential plugin may run before it is stopped and the request fails (default 2 minutes:
    /// a plugin that opens a browser for a login needs a while).
    /// </summary>
    public TimeSpan ExecPluginTimeout { get; init; } = ExecCredentialPlugin.DefaultTimeout;

    /// <summary>See <see cref="KubeConnectionOptions.MaxRetries"/>.</summary>
    public int MaxRetries { get; init; } = KubeConnectionOptions.DefaultMaxRetries;

    /// <summary>See <see cref="KubeConnectionOptions.RateLimit"/>; off when null (the default).</summary>
    public KubeRateLimit? RateLimit { get; init; }

    /// <summary>See <see cref="KubeConnectionOptions.Handlers"/>.</summary>
    public IList<Func<DelegatingHandler>> Handlers { get; init; } = new List<Func<DelegatingHandler>>();

    /// <summary>The service-account directory when connecting in-cluster; see <see cref="InClusterOptions.ServiceAccountDirectory"/>.</summary>
    public string? ServiceAccountDirectory { get; init; }
}

/// <summary>Where <see cref="KubeConnection.Connect(KubeConnectOptions?)"/> takes the connection from.</summary>
public enum KubeConnectSource
{
    /// <summary>
    /// controller-runtime's order: the files of <c>KUBECONFIG</c> when it is set; else in-cluster when
    /// <c>KUBERNETES_SERVICE_HOST</c>/<c>PORT</c> and the service-account token and CA are there; else <c>~/.kube/config</c>.
    /// </summary>
    Auto,

    /// <summary>Only a kubeconfig: <see cref="KubeConnectOptions.KubeconfigFiles"/>, else <c>KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    Kubeconfig,

    /// <summary>Only in-cluster, exactly as <see cref="KubeConnection.InCluster(InClusterOptions?)"/>.</summary>
    InCluster,
}
