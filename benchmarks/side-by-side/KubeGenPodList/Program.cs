using SideBySide;
using SideBySide.Kube;
using SideBySide.Kube.CoreV1;

// In-cluster: KUBERNETES_SERVICE_HOST/PORT and the service-account directory (token, ca.crt, namespace),
// read from KUBEGEN_SERVICEACCOUNT_DIR when set, else /var/run/secrets/kubernetes.io/serviceaccount.
await using var kube = KubeClient.InCluster();
string ns = kube.Namespace;
PodList list = await kube.CoreV1.Pods.ListAsync(ns);

var rows = new List<PodRow>(list.Items.Count);
foreach (Pod pod in list.Items)
{
    int restarts = 0;
    foreach (ContainerStatus status in pod.Status?.ContainerStatuses ?? [])
    {
        restarts += status.RestartCount ?? 0;
    }

    rows.Add(new PodRow(
        pod.Metadata?.Name ?? string.Empty,
        pod.Metadata?.DeletionTimestamp is not null ? "Terminating" : pod.Status?.Phase ?? "Unknown",
        restarts,
        pod.Metadata?.CreationTimestamp,
        pod.Spec?.NodeName));
}

PodTableWriter.Write(rows, ns, Console.Out);
