using System.Net;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime;

/// <summary>Creates the one <see cref="SocketsHttpHandler"/> of a connection.</summary>
internal static class KubeHttpHandlerFactory
{
    /// <summary>How long a pooled connection is used before it is replaced (picks up endpoint and DNS changes).</summary>
    public static readonly TimeSpan DefaultPooledConnectionLifetime = TimeSpan.FromMinutes(5);

    public static SocketsHttpHandler Create(CertificateAuthorityTrust? trust, KubeConnectionOptions? options = null)
    {
        var handler = new SocketsHttpHandler
        {
            // Re-resolve DNS and rebalance across API server replicas now and then.
            PooledConnectionLifetime = DefaultPooledConnectionLifetime,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
            // Detect dead HTTP/2 connections (long watches) like client-go's ReadIdleTimeout/PingTimeout.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            // The API server does not redirect API calls; a redirect would lose the bearer token anyway.
            AllowAutoRedirect = false,
            UseCookies = false,
        };

        // Behind a trimming switch: when it is off, Native AOT leaves the decompressors out of the binary.
        if (KubeFeatures.HttpCompression)
        {
            handler.AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate;
        }

        if (trust is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        }
        else if (options?.InsecureSkipTlsVerify == true)
        {
            // Asked for explicitly (kubeconfig's insecure-skip-tls-verify, allowed by the caller); the connection has warned.
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        if (options is null)
        {
            return handler;
        }

        // Only behind the switch too: without it the handler never decompresses, and any write to the property (even
        // None) keeps the decompressors, about 1.1 MB, in a Native AOT binary.
        if (KubeFeatures.HttpCompression && options.DisableCompression)
        {
            handler.AutomaticDecompression = DecompressionMethods.None;
        }

        if (options.Proxy is { } proxy)
        {
            handler.Proxy = new FixedProxy(proxy);
            handler.UseProxy = true;
        }

        if (options.ExecPlugin is { } plugin)
        {
            // An exec plugin may hand out a client certificate, and a new one after each run: each new TLS connection asks.
            X509Certificate2? fallback = options.ClientCertificate;
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => plugin.CurrentCertificate ?? fallback!;
        }
        else if (options.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        return handler;
    }

    /// <summary><c>KubeGen/&lt;version&gt; (&lt;entry assembly name&gt;)</c>.</summary>
    public static string DefaultUserAgent()
    {
        Assembly runtime = typeof(KubeHttpHandlerFactory).Assembly;
        string version = runtime.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? runtime.GetName().Version?.ToString()
            ?? "0.0.0";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            version = version[..plus];
        }

        string application = Assembly.GetEntryAssembly()?.GetName().Name ?? "unknown";
        return $"KubeGen/{version} ({application})";
    }
}
