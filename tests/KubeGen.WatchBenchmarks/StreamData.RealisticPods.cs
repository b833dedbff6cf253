using System.Globalization;
using System.Text.Json;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// Pods shaped like a Deployment's pods in a running cluster (8.5 KB of JSON each; the controller-runtime issue set its
/// memory goal on 7.3 KB pods): an app container and a sidecar, probes and security contexts, five labels, five status
/// conditions, two container statuses, and the two managed-fields entries a real pod carries, kube-controller-manager's
/// (at creation) and the kubelet's status entry, whose field set names the pod's own IP and whose times are the pod's.
/// What differs from pod to pod differs as it does in a cluster: names, uids, IPs, container IDs, times, nodes. Only
/// fields of the fixture's schema are used, so neither client stores something the other skips.
/// </summary>
internal static partial class StreamData
{
    /// <summary>One PodList of <paramref name="count"/> realistic pods.</summary>
    public static byte[] RealisticPodList(int count) => List("PodList", "990000", count, 7400, WriteRealisticPod);

    private static readonly DateTimeOffset s_rolloutStart = new(2026, 11, 28, 21, 14, 7, TimeSpan.Zero);

    private static void WriteRealisticPod(Utf8JsonWriter w, int i)
    {
        string hash = "6c8f7d9b54";
        string name = $"checkout-{hash}-{Suffix(i)}";
        string node = $"ip-10-0-{i % 23}-{i % 211 + 11}.eu-west-1.compute.internal";
        string ip = $"10.244.{i / 250 % 256}.{i % 250 + 2}";
        string hostIp = $"10.0.{i % 23}.{i % 211 + 11}";
        string created = Time(i, 0);
        string scheduled = Time(i, 1);
        string started = Time(i, 4);
        string ready = Time(i, 19);

        w.WriteStartObject();
        w.WriteString("kind", "Pod");
        w.WriteString("apiVersion", "v1");

        w.WriteStartObject("metadata");
        w.WriteString("name", name);
        w.WriteString("generateName", $"checkout-{hash}-");
        w.WriteString("namespace", Namespace);
        w.WriteString("uid", Uid(i));
        w.WriteString("resourceVersion", (7_200_000 + (i * 7)).ToString(CultureInfo.InvariantCulture));
        w.WriteString("creationTimestamp", created);
        w.WriteStartObject("labels");
        w.WriteString("app.kubernetes.io/name", "checkout");
        w.WriteString("app.kubernetes.io/instance", "checkout-prod");
        w.WriteString("app.kubernetes.io/version", "3.18.2");
        w.WriteString("app.kubernetes.io/component", "api");
        w.WriteString("pod-template-hash", hash);
        w.WriteEndObject();
        w.WriteStartObject("annotations");
        w.WriteString("prometheus.io/scrape", "true");
        w.WriteString("prometheus.io/port", "9090");
        w.WriteString("kubectl.kubernetes.io/restartedAt", "2026-11-28T21:13:58Z");
        w.WriteEndObject();
        WriteReplicaSetOwner(w, $"checkout-{hash}", "0b6f3e2a-7c41-4d8e-a9f5-61c2d7e8b3a4");
        w.WriteStartArray("managedFields");
        WriteManagedFields(w, "kube-controller-manager", "Update", null, created, ControllerManagerFields);
        WriteManagedFields(w, "kubelet", "Update", "status", ready, KubeletStatusFields(ip));
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("spec");
        w.WriteStartArray("volumes");
        WriteVolume(w, "config", "configMap", "name", "checkout-config");
        WriteVolume(w, "tls", "secret", "secretName", "checkout-tls");
        w.WriteStartObject();
        w.WriteString("name", "tmp");
        w.WriteStartObject("emptyDir");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("containers");
        WriteAppContainer(w);
        WriteSidecar(w);
        w.WriteEndArray();
        WritePodPlacement(w, 45, "checkout", node, 10001, enableServiceLinks: false, "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable");
        w.WriteEndObject();

        w.WriteStartObject("status");
        w.WriteString("phase", "Running");
        w.WriteStartArray("conditions");
        WriteCondition(w, "PodReadyToStartContainers", Time(i, 3));
        WriteCondition(w, "Initialized", scheduled);
        WriteCondition(w, "Ready", ready);
        WriteCondition(w, "ContainersReady", ready);
        WriteCondition(w, "PodScheduled", scheduled);
        w.WriteEndArray();
        w.WriteString("hostIP", hostIp);
        WriteIps(w, "hostIPs", hostIp);
        w.WriteString("podIP", ip);
        WriteIps(w, "podIPs", ip);
        w.WriteString("startTime", scheduled);
        w.WriteStartArray("containerStatuses");
        WriteContainerStatus(w, i, "checkout", "registry.example.com/shop/checkout:3.18.2", "4b1d0c7e9a8f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d5c", started);
        WriteContainerStatus(w, i + 1_000_000, "log-shipper", "registry.example.com/platform/log-shipper:1.9.0", "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d", started);
        w.WriteEndArray();
        w.WriteString("qosClass", "Burstable");
        w.WriteEndObject();

        w.WriteEndObject();
    }

    // What kube-controller-manager's ReplicaSet controller owns in every pod it creates: the same for each pod of the set.
    private const string ControllerManagerFields =
        """{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/restartedAt":{},"f:prometheus.io/port":{},"f:prometheus.io/scrape":{}},"f:generateName":{},"f:labels":{".":{},"f:app.kubernetes.io/component":{},"f:app.kubernetes.io/instance":{},"f:app.kubernetes.io/name":{},"f:app.kubernetes.io/version":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"0b6f3e2a-7c41-4d8e-a9f5-61c2d7e8b3a4\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"checkout\"}":{".":{},"f:env":{".":{},"k:{\"name\":\"ASPNETCORE_ENVIRONMENT\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"POD_NAME\"}":{".":{},"f:name":{},"f:valueFrom":{".":{},"f:fieldRef":{}}},"k:{\"name\":\"DB_PASSWORD\"}":{".":{},"f:name":{},"f:valueFrom":{".":{},"f:secretKeyRef":{}}}},"f:image":{},"f:imagePullPolicy":{},"f:livenessProbe":{".":{},"f:failureThreshold":{},"f:httpGet":{".":{},"f:path":{},"f:port":{},"f:scheme":{}},"f:periodSeconds":{},"f:successThreshold":{},"f:timeoutSeconds":{}},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}},"k:{\"containerPort\":9090,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:readinessProbe":{".":{},"f:failureThreshold":{},"f:httpGet":{".":{},"f:path":{},"f:port":{},"f:scheme":{}},"f:periodSeconds":{},"f:successThreshold":{},"f:timeoutSeconds":{}},"f:resources":{".":{},"f:limits":{".":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:securityContext":{".":{},"f:allowPrivilegeEscalation":{},"f:capabilities":{".":{},"f:drop":{}},"f:readOnlyRootFilesystem":{}},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{},"f:volumeMounts":{".":{},"k:{\"mountPath\":\"/etc/checkout\"}":{".":{},"f:mountPath":{},"f:name":{},"f:readOnly":{}},"k:{\"mountPath\":\"/etc/tls\"}":{".":{},"f:mountPath":{},"f:name":{},"f:readOnly":{}},"k:{\"mountPath\":\"/tmp\"}":{".":{},"f:mountPath":{},"f:name":{}}}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{".":{},"f:runAsNonRoot":{},"f:runAsUser":{}},"f:serviceAccount":{},"f:serviceAccountName":{},"f:terminationGracePeriodSeconds":{},"f:volumes":{".":{},"k:{\"name\":\"config\"}":{".":{},"f:configMap":{".":{},"f:defaultMode":{},"f:name":{}},"f:name":{}},"k:{\"name\":\"tls\"}":{".":{},"f:name":{},"f:secret":{".":{},"f:defaultMode":{},"f:secretName":{}}},"k:{\"name\":\"tmp\"}":{".":{},"f:emptyDir":{},"f:name":{}}}}}""";

    // The kubelet's status entry: it names the pod's IPs, so it differs from pod to pod.
    private static string KubeletStatusFields(string ip)
        => """{"f:status":{"f:conditions":{"k:{\"type\":\"ContainersReady\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Initialized\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"PodReadyToStartContainers\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Ready\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:containerStatuses":{},"f:hostIP":{},"f:hostIPs":{},"f:phase":{},"f:podIP":{},"f:podIPs":{".":{},"k:{\"ip\":""" + "\\\"" + ip + "\\\"" + """}":{".":{},"f:ip":{}}},"f:startTime":{}}}""";

    private static string Suffix(int i)
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> suffix = stackalloc char[5];
        for (int k = 0, n = (i * 7919) + 104729; k < suffix.Length; k++, n /= Alphabet.Length)
        {
            suffix[k] = Alphabet[n % Alphabet.Length];
        }

        return new string(suffix);
    }

    private static string Time(int i, int secondsAfterCreation)
        => s_rolloutStart.AddSeconds((i * 3) + secondsAfterCreation).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteVolume(Utf8JsonWriter w, string name, string source, string nameField, string sourceName)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteStartObject(source);
        w.WriteString(nameField, sourceName);
        w.WriteNumber("defaultMode", 420);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteAppContainer(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", "checkout");
        w.WriteString("image", "registry.example.com/shop/checkout:3.18.2");
        w.WriteStartArray("ports");
        WritePort(w, "http", 8080);
        WritePort(w, "metrics", 9090);
        w.WriteEndArray();
        w.WriteStartArray("env");
        WriteEnv(w, "ASPNETCORE_ENVIRONMENT", "Production");
        WriteEnv(w, "ASPNETCORE_URLS", "http://+:8080");
        WriteEnv(w, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4317");
        WritePodNameEnv(w);
        w.WriteStartObject();
        w.WriteString("name", "DB_PASSWORD");
        w.WriteStartObject("valueFrom");
        w.WriteStartObject("secretKeyRef");
        w.WriteString("name", "checkout-db");
        w.WriteString("key", "password");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        WriteResources(w, null, "768Mi", "300m", "512Mi");
        w.WriteStartArray("volumeMounts");
        WriteMount(w, "config", "/etc/checkout");
        WriteMount(w, "tls", "/etc/tls");
        w.WriteStartObject();
        w.WriteString("name", "tmp");
        w.WriteString("mountPath", "/tmp");
        w.WriteEndObject();
        w.WriteEndArray();
        WriteHttpProbe(w, "livenessProbe", "/healthz/live", 3);
        WriteHttpProbe(w, "readinessProbe", "/healthz/ready", 1);
        w.WriteString("terminationMessagePath", "/dev/termination-log");
        w.WriteString("terminationMessagePolicy", "File");
        w.WriteString("imagePullPolicy", "IfNotPresent");
        WriteRestrictedSecurityContext(w);
        w.WriteEndObject();
    }

    private static void WriteSidecar(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", "log-shipper");
        w.WriteString("image", "registry.example.com/platform/log-shipper:1.9.0");
        w.WriteStartArray("args");
        w.WriteStringValue("--input=/var/log/app/*.log");
        w.WriteStringValue("--output=otlp://otel-collector.observability:4317");
        w.WriteEndArray();
        w.WriteStartArray("env");
        WriteEnv(w, "SHIPPER_BUFFER", "8Mi");
        w.WriteEndArray();
        WriteResources(w, null, "64Mi", "20m", "32Mi");
        w.WriteStartArray("volumeMounts");
        w.WriteStartObject();
        w.WriteString("name", "tmp");
        w.WriteString("mountPath", "/var/log/app");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("terminationMessagePath", "/dev/termination-log");
        w.WriteString("terminationMessagePolicy", "File");
        w.WriteString("imagePullPolicy", "IfNotPresent");
        WriteRestrictedSecurityContext(w);
        w.WriteEndObject();
    }

    private static void WriteHttpProbe(Utf8JsonWriter w, string property, string path, int failureThreshold)
    {
        w.WriteStartObject(property);
        w.WriteStartObject("httpGet");
        w.WriteString("path", path);
        w.WriteString("port", "http");
        w.WriteString("scheme", "HTTP");
        w.WriteEndObject();
        w.WriteNumber("timeoutSeconds", 2);
        w.WriteNumber("periodSeconds", 10);
        w.WriteNumber("successThreshold", 1);
        w.WriteNumber("failureThreshold", failureThreshold);
        w.WriteEndObject();
    }

    private static void WriteRestrictedSecurityContext(Utf8JsonWriter w)
    {
        w.WriteStartObject("securityContext");
        w.WriteBoolean("allowPrivilegeEscalation", false);
        w.WriteBoolean("readOnlyRootFilesystem", true);
        w.WriteStartObject("capabilities");
        w.WriteStartArray("drop");
        w.WriteStringValue("ALL");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCondition(Utf8JsonWriter w, string type, string time)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("status", "True");
        w.WriteNull("lastProbeTime");
        w.WriteString("lastTransitionTime", time);
        w.WriteEndObject();
    }

    private static void WriteContainerStatus(Utf8JsonWriter w, int seed, string name, string image, string digest, string startedAt)
        => WriteContainerStatus(
            w,
            name,
            image,
            image.Split(':')[0] + "@sha256:" + digest,
            $"containerd://{seed:x8}{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)))[8..]}",
            startedAt,
            ready: true);
}
