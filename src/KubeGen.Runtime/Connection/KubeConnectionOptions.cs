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
}
