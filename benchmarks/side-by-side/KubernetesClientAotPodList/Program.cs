using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;
using SideBySide;

// In-cluster, built from the same files as the other two apps. KubernetesClient's own
// KubernetesClientConfiguration.InClusterConfig() always reads /var/run/secrets/kubernetes.io/serviceaccount,
// so outside a pod the configuration is built explicitly from KUBERNETES_SERVICE_HOST/PORT and the
// service-account directory in KUBEGEN_SERVICEACCOUNT_DIR (token, ca.crt, namespace).
string dir = Environment.GetEnvironmentVariable("KUBEGEN_SERVICEACCOUNT_DIR") is { Length: > 0 } d
    ? d
    : "/var/run/secrets/kubernetes.io/serviceaccount";
string host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")
    ?? throw new InvalidOperationException("KUBERNETES_SERVICE_HOST is not set.");
string port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT")
    ?? throw new InvalidOperationException("KUBERNETES_SERVICE_PORT is not set.");
string ns = File.ReadAllText(Path.Combine(dir, "namespace")).Trim();
var caCerts = new X509Certificate2Collection();
caCerts.ImportFromPemFile(Path.Combine(dir, "ca.crt"));

var config = new KubernetesClientConfiguration
{
    Host = new UriBuilder("https", host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Uri.ToString(),
    AccessToken = File.ReadAllText(Path.Combine(dir, "token")).Trim(),
    SslCaCerts = caCerts,
    Namespace = ns,
};

using var client = new Kubernetes(config);
V1PodList list = await client.CoreV1.ListNamespacedPodAsync(ns);

var rows = new List<PodRow>(list.Items.Count);
foreach (V1Pod pod in list.Items)
{
    int restarts = 0;
    foreach (V1ContainerStatus status in pod.Status?.ContainerStatuses ?? [])
    {
        restarts += status.RestartCount;
    }

    rows.Add(new PodRow(
        pod.Metadata?.Name ?? string.Empty,
        pod.Metadata?.DeletionTimestamp is not null ? "Terminating" : pod.Status?.Phase ?? "Unknown",
        restarts,
        pod.Metadata?.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null,
        pod.Spec?.NodeName));
}

PodTableWriter.Write(rows, ns, Console.Out);
