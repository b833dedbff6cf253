using System.Buffers;
using System.Text.Json;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// The bytes both clients read: pre-generated once, so that every run and both libraries see the same stream.
/// Objects only use fields of the fixture's schema (mini-cluster.swagger.json), so neither deserializer
/// gets to skip what the other one has to build.
/// </summary>
internal static partial class StreamData
{
    public const string Namespace = "bench";

    /// <summary>
    /// A newline-delimited watch stream of <paramref name="count"/> Pod events, alternating ADDED and MODIFIED,
    /// shaped like kube-apiserver's (one JSON object per line, managed fields, status, ...).
    /// </summary>
    public static byte[] PodWatchStream(int count)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 3000);
        for (int i = 0; i < count; i++)
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("type", i % 2 == 0 ? "ADDED" : "MODIFIED");
                writer.WritePropertyName("object");
                WritePod(writer, i);
                writer.WriteEndObject();
            }

            buffer.Write("\n"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One ConfigMapList JSON document of <paramref name="count"/> ConfigMaps (what one unpaged list returns).</summary>
    public static byte[] ConfigMapList(int count) => List("ConfigMapList", "900000", count, 1200, WriteConfigMap);

    /// <summary>
    /// One PodList JSON document of <paramref name="count"/> Pods (what one unpaged list returns), the same pods as
    /// <see cref="PodWatchStream"/>'s events: for the side-by-side deserialization benchmark.
    /// </summary>
    public static byte[] PodList(int count) => List("PodList", "950000", count, 3300, WritePod);

    private static byte[] List(string kind, string resourceVersion, int count, int bytesPerItem, Action<Utf8JsonWriter, int> writeItem)
    {
        var buffer = new ArrayBufferWriter<byte>(count * bytesPerItem);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("kind", kind);
        writer.WriteString("apiVersion", "v1");
        writer.WriteStartObject("metadata");
        writer.WriteString("resourceVersion", resourceVersion);
        writer.WriteEndObject();
        writer.WriteStartArray("items");
        for (int i = 0; i < count; i++)
        {
            writeItem(writer, i);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static string Uid(int i) => new Guid(i, (short)(i >> 16), 0x4a1b, 0x9c, 0x2d, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66).ToString();

    private static void WritePod(Utf8JsonWriter w, int i)
    {
        string name = $"web-{i / 4:D5}-7d9c6b5f4-{(char)('a' + (i % 26))}{(char)('k' + (i % 13))}x{i % 10}q";
        string node = $"node-pool-1-{i % 37:D3}";
        string ip = $"10.244.{i / 250 % 256}.{i % 250 + 2}";
        w.WriteStartObject();
        w.WriteString("kind", "Pod");
        w.WriteString("apiVersion", "v1");

        w.WriteStartObject("metadata");
        w.WriteString("name", name);
        w.WriteString("generateName", "web-7d9c6b5f4-");
        w.WriteString("namespace", Namespace);
        w.WriteString("uid", Uid(i));
        w.WriteString("resourceVersion", (100000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("creationTimestamp", "2026-11-28T21:14:07Z");
        w.WriteStartObject("labels");
        w.WriteString("app.kubernetes.io/name", "web");
        w.WriteString("app.kubernetes.io/instance", "web-prod");
        w.WriteString("pod-template-hash", "7d9c6b5f4");
        w.WriteEndObject();
        w.WriteStartObject("annotations");
        w.WriteString("prometheus.io/scrape", "true");
        w.WriteString("prometheus.io/port", "9090");
        w.WriteEndObject();
        WriteReplicaSetOwner(w, "web-7d9c6b5f4", "5f0c2a8e-3b1d-4c6e-9a7f-2e8d1c0b9a76");
        w.WriteStartArray("managedFields");
        WriteManagedFields(w, "kube-controller-manager", "Update", null, "2026-11-28T21:14:07Z",
            """{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app.kubernetes.io/instance":{},"f:app.kubernetes.io/name":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"5f0c2a8e-3b1d-4c6e-9a7f-2e8d1c0b9a76\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}""");
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("spec");
        w.WriteStartArray("volumes");
        w.WriteStartObject();
        w.WriteString("name", "config");
        w.WriteStartObject("configMap");
        w.WriteString("name", "web-config");
        w.WriteNumber("defaultMode", 420);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("name", "tls");
        w.WriteStartObject("secret");
        w.WriteString("secretName", "web-tls");
        w.WriteNumber("defaultMode", 420);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("containers");
        w.WriteStartObject();
        w.WriteString("name", "web");
        w.WriteString("image", "registry.example.com/shop/web:1.42.3");
        w.WriteStartArray("ports");
        WritePort(w, "http", 8080);
        WritePort(w, "metrics", 9090);
        w.WriteEndArray();
        w.WriteStartArray("env");
        WriteEnv(w, "ASPNETCORE_ENVIRONMENT", "Production");
        WritePodNameEnv(w);
        w.WriteEndArray();
        WriteResources(w, "1", "512Mi", "250m", "256Mi");
        w.WriteStartArray("volumeMounts");
        WriteMount(w, "config", "/etc/web");
        WriteMount(w, "tls", "/etc/tls");
        w.WriteEndArray();
        w.WriteStartObject("readinessProbe");
        w.WriteStartObject("httpGet");
        w.WriteString("path", "/healthz/ready");
        w.WriteNumber("port", 8080);
        w.WriteString("scheme", "HTTP");
        w.WriteEndObject();
        w.WriteNumber("timeoutSeconds", 1);
        w.WriteNumber("periodSeconds", 10);
        w.WriteNumber("successThreshold", 1);
        w.WriteNumber("failureThreshold", 3);
        w.WriteEndObject();
        w.WriteString("terminationMessagePath", "/dev/termination-log");
        w.WriteString("terminationMessagePolicy", "File");
        w.WriteString("imagePullPolicy", "IfNotPresent");
        w.WriteEndObject();
        w.WriteEndArray();
        WritePodPlacement(w, 30, "web", node, 1000, enableServiceLinks: true, "node.kubernetes.io/not-ready");
        w.WriteEndObject();

        w.WriteStartObject("status");
        w.WriteString("phase", i % 2 == 0 ? "Pending" : "Running");
        w.WriteStartArray("conditions");
        foreach (string type in (string[])["Ready", "PodScheduled"])
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteString("status", "True");
            w.WriteNull("lastProbeTime");
            w.WriteString("lastTransitionTime", "2026-11-28T21:14:12Z");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("hostIP", $"192.168.3.{i % 37 + 10}");
        w.WriteString("podIP", ip);
        WriteIps(w, "podIPs", ip);
        w.WriteString("startTime", "2026-11-28T21:14:07Z");
        w.WriteStartArray("containerStatuses");
        WriteContainerStatus(
            w,
            "web",
            "registry.example.com/shop/web:1.42.3",
            "registry.example.com/shop/web@sha256:3f1c9b0f5a2e7d4c8b6a1e0f9d8c7b6a5e4d3c2b1a0f9e8d7c6b5a4e3d2c1b0a",
            $"containerd://{i:x8}9b0f5a2e7d4c8b6a1e0f9d8c7b6a5e4d",
            "2026-11-28T21:14:11Z",
            ready: i % 2 != 0);
        w.WriteEndArray();
        w.WriteString("qosClass", "Burstable");
        w.WriteEndObject();

        w.WriteEndObject();
    }

    private static void WriteConfigMap(Utf8JsonWriter w, int i)
    {
        w.WriteStartObject();
        w.WriteString("kind", "ConfigMap");
        w.WriteString("apiVersion", "v1");
        w.WriteStartObject("metadata");
        w.WriteString("name", $"settings-{i:D5}");
        w.WriteString("namespace", Namespace);
        w.WriteString("uid", Uid(i));
        w.WriteString("resourceVersion", (500000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("creationTimestamp", "2026-11-28T20:01:44Z");
        w.WriteStartObject("labels");
        w.WriteString("app.kubernetes.io/name", "settings");
        w.WriteString("app.kubernetes.io/managed-by", "Helm");
        w.WriteEndObject();
        w.WriteStartObject("annotations");
        w.WriteString("meta.helm.sh/release-name", "settings");
        w.WriteEndObject();
        w.WriteStartArray("managedFields");
        WriteManagedFields(w, "helm", "Update", null, "2026-11-28T20:01:44Z",
            """{"f:data":{".":{},"f:LOG_LEVEL":{},"f:appsettings.json":{},"f:FEATURE_FLAGS":{}},"f:metadata":{"f:annotations":{".":{},"f:meta.helm.sh/release-name":{}},"f:labels":{".":{},"f:app.kubernetes.io/managed-by":{},"f:app.kubernetes.io/name":{}}}}""");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("data");
        w.WriteString("LOG_LEVEL", "Information");
        w.WriteString("FEATURE_FLAGS", $"checkout-v2,search-ranking,tenant-{i % 100}");
        w.WriteString("appsettings.json", $"{{\"ConnectionStrings\":{{\"Db\":\"Host=db-{i % 7};Database=shop;Username=app\"}},\"Cache\":{{\"Ttl\":\"00:05:00\",\"Size\":{1000 + i}}},\"Tenant\":\"tenant-{i % 100}\"}}");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteManagedFields(Utf8JsonWriter w, string manager, string operation, string? subresource, string time, string fieldsV1)
    {
        w.WriteStartObject();
        w.WriteString("manager", manager);
        w.WriteString("operation", operation);
        w.WriteString("apiVersion", "v1");
        w.WriteString("time", time);
        w.WriteString("fieldsType", "FieldsV1");
        w.WritePropertyName("fieldsV1");
        w.WriteRawValue(fieldsV1);
        if (subresource is not null)
        {
            w.WriteString("subresource", subresource);
        }

        w.WriteEndObject();
    }

    private static void WritePort(Utf8JsonWriter w, string name, int port)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteNumber("containerPort", port);
        w.WriteString("protocol", "TCP");
        w.WriteEndObject();
    }

    private static void WriteMount(Utf8JsonWriter w, string name, string path)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteBoolean("readOnly", true);
        w.WriteString("mountPath", path);
        w.WriteEndObject();
    }

    /// <summary>Where and as whom a pod runs: restart policy through enableServiceLinks, as kube-apiserver orders them.</summary>
    private static void WritePodPlacement(Utf8JsonWriter w, int terminationGraceSeconds, string serviceAccount, string node, int runAsUser, bool enableServiceLinks, params string[] tolerations)
    {
        w.WriteString("restartPolicy", "Always");
        w.WriteNumber("terminationGracePeriodSeconds", terminationGraceSeconds);
        w.WriteString("dnsPolicy", "ClusterFirst");
        w.WriteString("serviceAccountName", serviceAccount);
        w.WriteString("nodeName", node);
        w.WriteStartObject("securityContext");
        w.WriteNumber("runAsUser", runAsUser);
        w.WriteBoolean("runAsNonRoot", true);
        w.WriteEndObject();
        w.WriteString("schedulerName", "default-scheduler");
        w.WriteStartArray("tolerations");
        foreach (string toleration in tolerations)
        {
            WriteToleration(w, toleration);
        }

        w.WriteEndArray();
        w.WriteNumber("priority", 0);
        w.WriteBoolean("enableServiceLinks", enableServiceLinks);
    }

    private static void WriteEnv(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    /// <summary>POD_NAME from the downward API, as most Deployments set it.</summary>
    private static void WritePodNameEnv(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", "POD_NAME");
        w.WriteStartObject("valueFrom");
        w.WriteStartObject("fieldRef");
        w.WriteString("apiVersion", "v1");
        w.WriteString("fieldPath", "metadata.name");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResources(Utf8JsonWriter w, string? cpuLimit, string memoryLimit, string cpuRequest, string memoryRequest)
    {
        w.WriteStartObject("resources");
        w.WriteStartObject("limits");
        if (cpuLimit is not null)
        {
            w.WriteString("cpu", cpuLimit);
        }

        w.WriteString("memory", memoryLimit);
        w.WriteEndObject();
        w.WriteStartObject("requests");
        w.WriteString("cpu", cpuRequest);
        w.WriteString("memory", memoryRequest);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteReplicaSetOwner(Utf8JsonWriter w, string name, string uid)
    {
        w.WriteStartArray("ownerReferences");
        w.WriteStartObject();
        w.WriteString("apiVersion", "apps/v1");
        w.WriteString("kind", "ReplicaSet");
        w.WriteString("name", name);
        w.WriteString("uid", uid);
        w.WriteBoolean("controller", true);
        w.WriteBoolean("blockOwnerDeletion", true);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteIps(Utf8JsonWriter w, string property, string ip)
    {
        w.WriteStartArray(property);
        w.WriteStartObject();
        w.WriteString("ip", ip);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteContainerStatus(Utf8JsonWriter w, string name, string image, string imageId, string containerId, string startedAt, bool ready)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteStartObject("state");
        w.WriteStartObject("running");
        w.WriteString("startedAt", startedAt);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("lastState");
        w.WriteEndObject();
        w.WriteBoolean("ready", ready);
        w.WriteNumber("restartCount", 0);
        w.WriteString("image", image);
        w.WriteString("imageID", imageId);
        w.WriteString("containerID", containerId);
        w.WriteBoolean("started", true);
        w.WriteEndObject();
    }

    private static void WriteToleration(Utf8JsonWriter w, string key)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("operator", "Exists");
        w.WriteString("effect", "NoExecute");
        w.WriteNumber("tolerationSeconds", 300);
        w.WriteEndObject();
    }
}
