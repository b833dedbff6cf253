using System.Net;

namespace KubeGen.Webhooks;

/// <summary>Where and how the webhook server listens, and the Service the API server reaches it through.</summary>
public sealed class WebhookServerOptions
{
    /// <summary>The readiness probe's path.</summary>
    public const string ReadinessPath = "/readyz";

    /// <summary>The liveness probe's path.</summary>
    public const string LivenessPath = "/healthz";

    /// <summary>Where the serving certificate's Secret is mounted (<c>tls.crt</c>, <c>tls.key</c>); controller-runtime's default.</summary>
    public string CertificateDirectory { get; set; } = "/tmp/k8s-webhook-server/serving-certs";

    /// <summary>The address to listen on (default all IPv4 and IPv6 addresses).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.IPv6Any;

    /// <summary>The port to listen on (default 9443; 0 picks a free one, for tests).</summary>
    public int Port { get; set; } = 9443;

    /// <summary>The Service's name (also the Deployment's, the configurations' and the Secret's prefix).</summary>
    public string ServiceName { get; set; } = "webhook";

    /// <summary>The namespace the webhook runs in.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>The Service's port the API server calls (443).</summary>
    public int ServicePort { get; set; } = 443;

    /// <summary>
    /// The largest AdmissionReview accepted (default 3 MiB, kube-apiserver's own request limit; a
    /// review holds the object twice for an update, so anything larger is not from a real API server).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>
    /// Whether the certificate must be valid for <see cref="ServiceDnsName"/> at start (default true).
    /// Turn off only for webhooks called by URL (<c>clientConfig.url</c>).
    /// </summary>
    public bool CheckServiceDnsName { get; set; } = true;

    /// <summary>The name the API server connects to: <c>&lt;service&gt;.&lt;namespace&gt;.svc</c>.</summary>
    public string ServiceDnsName => $"{ServiceName}.{Namespace}.svc";

    /// <summary>The DNS names a serving certificate is issued for.</summary>
    public IReadOnlyList<string> DnsNames => [ServiceDnsName, ServiceDnsName + ".cluster.local"];
}
