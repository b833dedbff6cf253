using System.Net;

namespace KubeGen.Testing;

/// <summary>Configuration of a <see cref="KubeApiServerEmulator"/>.</summary>
public sealed partial class KubeApiServerEmulatorOptions
{
    /// <summary>
    /// Swagger 2.0 spec files (what a cluster serves at <c>/openapi/v2</c>). Their resources are
    /// the ones served; the first file is served byte-for-byte at <c>/openapi/v2</c>. Required.
    /// </summary>
    public IList<string> SpecFiles { get; } = [];

    /// <summary>
    /// OpenAPI 3 group-version documents served under <c>/openapi/v3</c>. The key is the
    /// discovery path (<c>apis/apps/v1</c>, <c>api/v1</c>); use <see cref="AddOpenApiV3File"/> to
    /// derive it from a file named like kube's (<c>apis__apps__v1_openapi.json</c>).
    /// </summary>
    public IDictionary<string, string> OpenApiV3Files { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Manifest files (JSON or YAML, multi-document, <c>kind: List</c>) created at start.</summary>
    public IList<string> SeedFiles { get; } = [];

    /// <summary>Manifest texts (JSON or YAML) created at start, after <see cref="SeedFiles"/>.</summary>
    public IList<string> SeedManifests { get; } = [];

    /// <summary>
    /// Where the admission webhooks' Services are reached: <c>namespace/name</c> to <c>host:port</c> (the
    /// emulator has no cluster network). A webhook configured with <c>clientConfig.service</c> is called at
    /// that endpoint as <c>https://name.namespace.svc:port/path</c>, so its certificate must be valid for
    /// that name, as with kube-apiserver. Webhooks configured with <c>clientConfig.url</c> need no entry.
    /// </summary>
    public IDictionary<string, string> WebhookServices { get; } = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra bearer tokens and the users they authenticate.</summary>
    public IDictionary<string, EmulatorUser> Tokens { get; } = new Dictionary<string, EmulatorUser>(StringComparer.Ordinal);

    /// <summary>Namespace of the service account whose token is written to <see cref="KubeApiServerEmulator.ServiceAccountDirectory"/>.</summary>
    public string ServiceAccountNamespace { get; set; } = "default";

    /// <summary>Name of that service account.</summary>
    public string ServiceAccountName { get; set; } = "default";

    /// <summary>The service account's permissions; null (the default) allows everything.</summary>
    public IList<AccessRule>? ServiceAccountRules { get; set; }

    /// <summary>Where to write <c>token</c>, <c>ca.crt</c> and <c>namespace</c>; a new temporary directory when null.</summary>
    public string? ServiceAccountDirectory { get; set; }

    /// <summary>Where to write a kubeconfig for kubectl (server, CA data, the service account token); <c>kubeconfig</c> next to the service-account directory when null.</summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>
    /// Whether TLS client certificates are asked for (<see cref="ClientCertificateAuthentication.Off"/> by default) or required;
    /// see <see cref="KubeApiServerEmulator.IssueClientCertificate"/>.
    /// </summary>
    public ClientCertificateAuthentication ClientCertificates { get; set; }

    /// <summary>
    /// Writes the kubeconfig at <see cref="KubeconfigPath"/> with a client certificate for an administrator (<c>kubernetes-admin</c>,
    /// group <c>system:masters</c>, every permission) instead of the service account token, like kubeadm's <c>admin.conf</c>.
    /// Needs <see cref="ClientCertificates"/> to be Accepted or Required (set to Accepted when left Off).
    /// </summary>
    public bool KubeconfigClientCertificate { get; set; }

    /// <summary>Address to listen on; 127.0.0.1 by default.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>How many changes the store keeps for watch resume and consistent paging; older versions get 410 Expired.</summary>
    public int HistoryWindow { get; set; } = 10_000;

    /// <summary>
    /// How many changes a watch may have queued for a client that has not read them yet. When a
    /// client falls further behind, its watch ends (the response completes, as on a timeout), the way
    /// kube-apiserver closes a watcher too slow to take its events; the client resumes from the last
    /// resourceVersion it received, or relists when that has left the history (410).
    /// </summary>
    public int WatchQueueLimit { get; set; } = 10_000;

    /// <summary>How often a watch with <c>allowWatchBookmarks=true</c> gets a BOOKMARK event.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Watch duration when the client sends no <c>timeoutSeconds</c>.</summary>
    public TimeSpan DefaultWatchTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Largest accepted request body; bigger ones get 413 (kube-apiserver's limit is 3 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Reported by <c>/version</c> as <c>gitVersion</c>; derived from the spec's <c>info.version</c> when null.</summary>
    public string? ServerVersion { get; set; }

    /// <summary>
    /// Completes workload rollouts: after each change of a Deployment's, ReplicaSet's, StatefulSet's or
    /// DaemonSet's spec, its status reports every replica updated, ready and available, so that
    /// <c>kubectl rollout status</c> and code waiting for a rollout finish. Off by default: a test sees
    /// exactly the status it writes, as in a cluster whose controllers are not running. (The
    /// command-line host turns it on.)
    /// </summary>
    public bool SimulateRollouts { get; set; }

    /// <summary>Namespaces created at start when the spec serves namespaces (besides the service account's).</summary>
    public IList<string> Namespaces { get; } = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>Adds an OpenAPI 3 document, keyed by its file name in kube's layout (<c>apis__apps__v1_openapi.json</c> → <c>apis/apps/v1</c>).</summary>
    public KubeApiServerEmulatorOptions AddOpenApiV3File(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        if (name.EndsWith("_openapi", StringComparison.Ordinal))
        {
            name = name[..^"_openapi".Length];
        }

        OpenApiV3Files[name.Replace("__", "/", StringComparison.Ordinal)] = path;
        return this;
    }
}
