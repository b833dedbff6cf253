using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime;

/// <summary>How to reach and authenticate to a Kubernetes API server.</summary>
public sealed class KubeConnectionOptions
{
    /// <summary>The default of <see cref="MaxRetries"/>: client-go's.</summary>
    public const int DefaultMaxRetries = 10;

    /// <summary>The default of <see cref="MaxResponseBytes"/>: 128 MiB, room for a list of many thousands of objects.</summary>
    public const long DefaultMaxResponseBytes = 128L * 1024 * 1024;

    /// <summary>The API server, for example <c>https://10.96.0.1:443</c> or <c>http://127.0.0.1:8001</c> (kubectl proxy). A path prefix is kept.</summary>
    public required Uri Server { get; init; }

    /// <summary>A static bearer token.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// A file holding the bearer token (for example a projected service-account token). It is
    /// re-read when it changes (including the kubelet's <c>..data</c> symlink swap), at least once a
    /// minute, and after a 401. When it can be read it takes precedence over <see cref="Token"/>.
    /// </summary>
    public string? TokenFile { get; init; }

    /// <summary>
    /// A PEM bundle of the certificate authorities to trust; exactly these are trusted as roots. New
    /// TLS connections pick up a changed file (checked at most every few seconds, and at once when a
    /// server certificate is not trusted).
    /// </summary>
    public string? CertificateAuthorityFile { get; init; }

    /// <summary>Certificate authorities to trust as roots, in addition to <see cref="CertificateAuthorityFile"/>.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>
    /// A TLS client certificate with its private key, presented to the API server (kubeconfig's <c>client-certificate</c>
    /// and <c>client-key</c>). Only the primary handler uses it, like the token. The caller keeps ownership.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// The name the server's certificate must be valid for, and the TLS SNI, when it is not the host of <see cref="Server"/>
    /// (kubeconfig's <c>tls-server-name</c>, e.g. when connecting through an IP address or a tunnel).
    /// </summary>
    public string? TlsServerName { get; init; }

    /// <summary>
    /// The proxy to reach the API server through (kubeconfig's <c>proxy-url</c>): <c>http://</c> (CONNECT for https servers),
    /// <c>https://</c> or <c>socks5://</c>. When null, the standard proxy variables (<c>HTTPS_PROXY</c>, <c>NO_PROXY</c>) apply.
    /// </summary>
    public Uri? Proxy { get; init; }

    /// <summary>
    /// Accepts any server certificate (kubeconfig's <c>insecure-skip-tls-verify</c>). Anyone on the network path can then
    /// read the token; <see cref="OnWarning"/> is told so when the connection is created. Cannot be combined with a CA.
    /// </summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>Asks for uncompressed responses (kubeconfig's <c>disable-compression</c>): faster on fast networks, for large lists.</summary>
    public bool DisableCompression { get; init; }

    /// <summary>
    /// Receives warnings about the connection (today: that <see cref="InsecureSkipTlsVerify"/> is on). KubeGen logs nothing
    /// itself; route this to your logger. Messages never hold credentials.
    /// </summary>
    public Action<string>? OnWarning { get; init; }

    /// <summary>The exec credential plugin of a kubeconfig user; set by <see cref="Discover(KubeConnectOptions?)"/> only.</summary>
    internal ICredentialPlugin? ExecPlugin { get; init; }

    /// <summary>Where the options came from, for messages (a kubeconfig context), or null.</summary>
    internal string? Origin { get; init; }

    /// <summary>The default namespace; <c>default</c> when not set.</summary>
    public string? Namespace { get; init; }

    /// <summary>The User-Agent header; by default <c>KubeGen/&lt;version&gt; (&lt;entry assembly name&gt;)</c>.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// The time allowed for a request, including reading its response, a wait for the rate limit, and
    /// any retries and their waits. It does not apply to watches. <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How many times one API call is retried when the server answers 429 Too Many Requests, or a 5xx
    /// status with a <c>Retry-After</c> header, after waiting what <c>Retry-After</c> says (at most 60 s
    /// each). GET requests whose connection failed before any response are also retried (at most 3 of
    /// these retries, after a short backoff). 0 disables retries; the default is client-go's 10.
    /// </summary>
    public int MaxRetries { get; init; } = DefaultMaxRetries;

    /// <summary>
    /// The largest response body read, counted after gzip/deflate decompression (default <see cref="DefaultMaxResponseBytes"/>).
    /// A larger one raises <see cref="KubeResponseTooLargeException"/> as soon as the limit is passed, instead of exhausting
    /// memory. Watches are limited per event instead (64 MiB), not in total; error bodies are read up to 64 KiB.
    /// </summary>
    public long MaxResponseBytes { get; init; } = DefaultMaxResponseBytes;

    /// <summary>
    /// Client-side rate limiting, for example <see cref="KubeRateLimit.ClientGoDefaults"/>; off when null (the default).
    /// </summary>
    public KubeRateLimit? RateLimit { get; init; }

    /// <summary>
    /// Factories for your own handlers (logging, metrics, tracing), outermost first. Each connection
    /// creates its handlers once and places them between its retry layer and the network handler, so
    /// they see every attempt (retries included). They never see the bearer token: the network handler
    /// adds the <c>Authorization</c> header after them, once the server's certificate has been checked,
    /// so a handler that sends a request some other way sends it without the token. Not used with
    /// <see cref="KubeConnection(KubeConnectionOptions, HttpClient)"/>, whose <see cref="HttpClient"/> brings its own handlers.
    /// </summary>
    public IList<Func<DelegatingHandler>> Handlers { get; init; } = new List<Func<DelegatingHandler>>();

    /// <summary>
    /// The options <see cref="KubeConnection.InCluster(InClusterOptions?)"/> uses: the API server from
    /// <c>KUBERNETES_SERVICE_HOST</c> and <c>KUBERNETES_SERVICE_PORT</c>, and the service account's
    /// <c>token</c>, <c>ca.crt</c> and <c>namespace</c>. Use them with
    /// <see cref="KubeConnection.CreatePrimaryHandler(KubeConnectionOptions)"/> and
    /// <see cref="KubeConnection(KubeConnectionOptions, HttpClient)"/> to connect through <c>IHttpClientFactory</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Something is missing; the message names each missing piece.</exception>
    public static KubeConnectionOptions InCluster(InClusterOptions? options = null)
        => InClusterConfig.CreateOptions(options, Environment.GetEnvironmentVariable);

    /// <summary>
    /// The options <see cref="KubeConnection.Connect(KubeConnectOptions?)"/> uses: from the files of <c>KUBECONFIG</c>, else in-cluster,
    /// else <c>~/.kube/config</c> (see <see cref="KubeConnectSource.Auto"/>), with the context's cluster, user and namespace.
    /// </summary>
    /// <exception cref="KubeconfigException">A kubeconfig was found but cannot be used; the message names the file and the field.</exception>
    /// <exception cref="InvalidOperationException">No source was found (the message names each place looked at), or in-cluster was forced and is incomplete.</exception>
    public static KubeConnectionOptions Discover(KubeConnectOptions? options = null)
        => ConnectionDiscovery.Discover(options, Environment.GetEnvironmentVariable, HomeDirectory());

    /// <summary>client-go's home: <c>HOME</c>, else (Windows) <c>USERPROFILE</c>, else the OS's profile folder.</summary>
    internal static string? HomeDirectory()
        => Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home
            : Environment.GetEnvironmentVariable("USERPROFILE") is { Length: > 0 } profile ? profile
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } folder ? folder
            : null;

    /// <summary>A copy with another namespace and warning hook (the caller's settings over discovered in-cluster options).</summary>
    internal KubeConnectionOptions With(string? ns, Action<string>? onWarning) => new()
    {
        Server = Server,
        Token = Token,
        TokenFile = TokenFile,
        CertificateAuthorityFile = CertificateAuthorityFile,
        CertificateAuthorities = CertificateAuthorities,
        ClientCertificate = ClientCertificate,
        TlsServerName = TlsServerName,
        Proxy = Proxy,
        InsecureSkipTlsVerify = InsecureSkipTlsVerify,
        DisableCompression = DisableCompression,
        OnWarning = onWarning,
        ExecPlugin = ExecPlugin,
        Origin = Origin,
        Namespace = ns,
        UserAgent = UserAgent,
        RequestTimeout = RequestTimeout,
        MaxRetries = MaxRetries,
        MaxResponseBytes = MaxResponseBytes,
        RateLimit = RateLimit,
        Handlers = Handlers,
    };
}
