using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime;

/// <summary>How to reach and authenticate to a Kubernetes API server.</summary>
public sealed class KubeConnectionOptions
{
    /// <summary>The API server, for example <c>https://10.96.0.1:443</c> or <c>http://127.0.0.1:8001</c> (kubectl proxy). A path prefix is kept.</summary>
    public required Uri Server { get; init; }

    /// <summary>A static bearer token.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// A file holding the bearer token (for example a projected service-account token). It is
    /// re-read when its modification time changes, at least once a minute, and after a 401.
    /// When it can be read it takes precedence over <see cref="Token"/>.
    /// </summary>
    public string? TokenFile { get; init; }

    /// <summary>A PEM bundle of the certificate authorities to trust; exactly these are trusted as roots.</summary>
    public string? CertificateAuthorityFile { get; init; }

    /// <summary>Certificate authorities to trust as roots, in addition to <see cref="CertificateAuthorityFile"/>.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>The default namespace; <c>default</c> when not set.</summary>
    public string? Namespace { get; init; }

    /// <summary>The User-Agent header; by default <c>KubeGen/&lt;version&gt; (&lt;entry assembly name&gt;)</c>.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// The time allowed for a request, including reading its response. It does not apply to
    /// watches. <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);
}
