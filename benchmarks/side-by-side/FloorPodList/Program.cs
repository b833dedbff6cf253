using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SideBySide;

// In-cluster by hand, from the same files as the other two apps: KUBERNETES_SERVICE_HOST/PORT and the
// service-account directory in KUBEGEN_SERVICEACCOUNT_DIR (else the kubelet's mount point).
string dir = Environment.GetEnvironmentVariable("KUBEGEN_SERVICEACCOUNT_DIR") is { Length: > 0 } d
    ? d
    : "/var/run/secrets/kubernetes.io/serviceaccount";
string host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")
    ?? throw new InvalidOperationException("KUBERNETES_SERVICE_HOST is not set.");
string port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT")
    ?? throw new InvalidOperationException("KUBERNETES_SERVICE_PORT is not set.");
string ns = File.ReadAllText(Path.Combine(dir, "namespace")).Trim();
string token = File.ReadAllText(Path.Combine(dir, "token")).Trim();

// The cluster CA is the only trusted root (not the machine's store), as for an in-cluster client. A cluster CA
// publishes no revocation list, so revocation is not checked (client-go does not check it either).
var policy = new X509ChainPolicy
{
    TrustMode = X509ChainTrustMode.CustomRootTrust,
    RevocationMode = X509RevocationMode.NoCheck,
};
policy.CustomTrustStore.ImportFromPemFile(Path.Combine(dir, "ca.crt"));
using var handler = new SocketsHttpHandler
{
    SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy },
};
using var http = new HttpClient(handler)
{
    BaseAddress = new UriBuilder("https", host, int.Parse(port, CultureInfo.InvariantCulture)).Uri,
};
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

PodList list = await http.GetFromJsonAsync($"api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods", PodListJsonContext.Default.PodList)
    ?? throw new InvalidOperationException("The API server returned null.");

var rows = new List<PodRow>(list.Items?.Count ?? 0);
foreach (Pod pod in list.Items ?? [])
{
    int restarts = 0;
    foreach (ContainerStatus status in pod.Status?.ContainerStatuses ?? [])
    {
        restarts += status.RestartCount;
    }

    rows.Add(new PodRow(
        pod.Metadata?.Name ?? string.Empty,
        pod.Metadata?.DeletionTimestamp is not null ? "Terminating" : pod.Status?.Phase ?? "Unknown",
        restarts,
        pod.Metadata?.CreationTimestamp,
        pod.Spec?.NodeName));
}

PodTableWriter.Write(rows, ns, Console.Out);
