using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// kubectl's imperative commands against the real v1.36 spec: <c>create</c>'s generators write
/// through the typed clientset in protobuf; <c>run</c>, <c>expose</c>, <c>scale</c>, <c>label</c>,
/// <c>annotate</c> read the defaults a real server sets. Needs kubectl and the shared specs (both
/// skip, or fail under <c>CI</c>, when absent).
/// </summary>
public sealed class KubectlImperativeTests : IAsyncLifetime
{
    private KubectlWorkspace? _workspace;

    private KubeApiServerEmulator Server => _workspace!.Server;

    private Kubectl Cli => _workspace!.Cli;

    public async ValueTask InitializeAsync()
    {
        if (Kubectl.Executable is not null && RealSpec is not null)
        {
            _workspace = await KubectlWorkspace.StartAsync(RealSpec);
        }
    }

    public ValueTask DisposeAsync() => _workspace?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static void Require()
    {
        Kubectl.Require();
        RequireRealSpec();
    }

    public static TheoryData<string, string, string, string[]> Generators() => new()
    {
        { "v1", "ConfigMap", "cm", ["configmap", "cm", "--from-literal=a=b", "--from-literal=c=d"] },
        { "v1", "Secret", "generic", ["secret", "generic", "generic", "--from-literal=password=s3cret", "--type=Opaque"] },
        { "v1", "Secret", "registry", ["secret", "docker-registry", "registry", "--docker-server=registry.local", "--docker-username=u", "--docker-password=p"] },
        { "v1", "Secret", "tls", ["secret", "tls", "tls", "--cert=CERT", "--key=KEY"] },
        { "v1", "Namespace", "team", ["namespace", "team"] },
        { "apps/v1", "Deployment", "web", ["deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80"] },
        { "v1", "Service", "cip", ["service", "clusterip", "cip", "--tcp=80:8080"] },
        { "v1", "Service", "np", ["service", "nodeport", "np", "--tcp=443:8443"] },
        { "batch/v1", "Job", "once", ["job", "once", "--image=busybox", "--", "echo", "hi"] },
        { "batch/v1", "CronJob", "tick", ["cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *"] },
        { "rbac.authorization.k8s.io/v1", "Role", "reader", ["role", "reader", "--verb=get,list", "--resource=pods,configmaps"] },
        { "rbac.authorization.k8s.io/v1", "RoleBinding", "readers", ["rolebinding", "readers", "--role=reader", "--user=alice", "--serviceaccount=default:robot"] },
        { "rbac.authorization.k8s.io/v1", "ClusterRole", "viewer", ["clusterrole", "viewer", "--verb=get", "--resource=nodes", "--non-resource-url=/healthz"] },
        { "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "viewers", ["clusterrolebinding", "viewers", "--clusterrole=viewer", "--group=ops"] },
        { "v1", "ServiceAccount", "robot", ["serviceaccount", "robot"] },
        { "v1", "ResourceQuota", "small", ["quota", "small", "--hard=pods=2,cpu=1000m,memory=1Gi", "--scopes=NotBestEffort"] },
        { "scheduling.k8s.io/v1", "PriorityClass", "high", ["priorityclass", "high", "--value=1000", "--description=important", "--preemption-policy=Never"] },
        { "policy/v1", "PodDisruptionBudget", "pdb", ["poddisruptionbudget", "pdb", "--selector=app=web", "--min-available=50%"] },
        { "networking.k8s.io/v1", "Ingress", "ing", ["ingress", "ing", "--rule=example.com/api*=cip:80", "--class=nginx"] },
    };

    [Theory]
    [MemberData(nameof(Generators))]
    public async Task Create_generators_send_protobuf_and_store_what_the_same_object_in_JSON_stores(string apiVersion, string kind, string name, string[] args)
    {
        Require();
        args = [.. args.Select(a => a.Replace("CERT", WriteCertificate().Cert, StringComparison.Ordinal).Replace("KEY", WriteCertificate().Key, StringComparison.Ordinal))];

        // The generator: kubectl's typed client POSTs protobuf.
        (int exit, string output, string log) = await Cli.RunAsync(["create", "-v=8", .. args]);
        Assert.True(exit == 0, $"kubectl create {string.Join(' ', args)} exited {exit}: {log}");
        Assert.Contains("created", output, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/vnd.kubernetes.protobuf", log, StringComparison.Ordinal);
        JsonObject fromProtobuf = Comparable(Server.GetObject(apiVersion, kind, "default", name));

        // The same object as JSON: kubectl's own rendering of it, created from a file.
        string json = Path.Combine(_workspace!.Directory, name + ".json");
        await File.WriteAllTextAsync(json, await Cli.OkAsync(["create", "--dry-run=client", "-o", "json", .. args]), Ct);
        int slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        await Cli.OkAsync("delete", kind.ToLowerInvariant() + (slash < 0 ? "" : "." + apiVersion[..slash]), name);
        await Cli.OkAsync("create", "-f", json);
        JsonObject fromJson = Comparable(Server.GetObject(apiVersion, kind, "default", name));
        Assert.True(JsonNode.DeepEquals(fromJson, fromProtobuf), $"from JSON:     {fromJson.ToJsonString()}\nfrom protobuf: {fromProtobuf.ToJsonString()}");
    }

    private (string Cert, string Key) WriteCertificate()
    {
        string cert = Path.Combine(_workspace!.Directory, "tls.crt");
        string key = Path.Combine(_workspace.Directory, "tls.key");
        if (!File.Exists(cert))
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=example.com", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(cert, certificate.ExportCertificatePem());
            File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        }

        return (cert, key);
    }

    /// <summary>The stored object without what two creates of it may differ in: identity, times, allocated addresses.</summary>
    private static JsonObject Comparable(JsonObject? stored)
    {
        JsonObject comparable = Emulator.Comparable(stored);
        if (comparable["spec"] is JsonObject spec && comparable["kind"]?.GetValue<string>() == "Service")
        {
            spec.Remove("clusterIP");
            spec.Remove("clusterIPs");
            foreach (JsonNode? port in spec["ports"] as JsonArray ?? [])
            {
                port!.AsObject().Remove("nodePort");
            }
        }

        return comparable;
    }

    [Fact]
    public async Task Run_expose_scale_label_and_annotate_work_on_defaulted_objects()
    {
        Require();
        await Cli.OkAsync("create", "deployment", "web", "--image=nginx:1.27", "--port=8080");
        Assert.Contains("pod/one created", await Cli.OkAsync("run", "one", "--image=nginx", "--labels=app=one"), StringComparison.Ordinal);
        Assert.Equal("Always default File Pending", await Cli.OkAsync("get", "pod", "one", "-o", "jsonpath={.spec.containers[0].imagePullPolicy} {.spec.serviceAccountName} {.spec.containers[0].terminationMessagePolicy} {.status.phase}"));

        // expose reads the selector and, without --port, the container port of the deployment.
        Assert.Contains("service/web exposed", await Cli.OkAsync("expose", "deployment", "web"), StringComparison.Ordinal);
        Assert.Equal("app=web 8080 8080 TCP ClusterIP 10.96.0.10", (await Cli.OkAsync("get", "service", "web", "-o", "jsonpath=app={.spec.selector.app} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].protocol} {.spec.type} {.spec.clusterIP}")).Trim());

        Assert.Contains("deployment.apps/web scaled", await Cli.OkAsync("scale", "deployment", "web", "--replicas=3"), StringComparison.Ordinal);
        Assert.Equal("3", await Cli.OkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"));
        await Cli.OkAsync("label", "pod", "one", "tier=front");
        await Cli.OkAsync("annotate", "pod", "one", "note=hi");
        Assert.Equal("front hi", await Cli.OkAsync("get", "pod", "one", "-o", "jsonpath={.metadata.labels.tier} {.metadata.annotations.note}"));
    }

    [Fact]
    public async Task Get_prints_the_columns_kube_apiserver_prints()
    {
        Require();
        await Cli.OkAsync("create", "service", "nodeport", "np", "--tcp=443:8443");
        await Cli.OkAsync("create", "secret", "generic", "s", "--from-literal=a=b", "--from-literal=c=d");
        await Cli.OkAsync("create", "job", "once", "--image=busybox");
        await Cli.OkAsync("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *");
        await Cli.OkAsync("create", "rolebinding", "readers", "--clusterrole=view", "--user=alice");
        await Cli.OkAsync("create", "priorityclass", "high", "--value=1000");

        Assert.Matches(@"^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nnp\s+NodePort\s+10\.96\.0\.10\s+<none>\s+443:30000/TCP\s+\d+s\n$", await Cli.OkAsync("get", "services"));
        Assert.Matches(@"^NAME\s+TYPE\s+DATA\s+AGE\ns\s+Opaque\s+2\s+\d+s\n$", await Cli.OkAsync("get", "secrets"));
        Assert.Matches(@"^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nonce\s+Running\s+0/1\s+\d+s\n$", await Cli.OkAsync("get", "jobs"));
        Assert.Matches(@"^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\ntick\s+\*/5 \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s\n$", await Cli.OkAsync("get", "cronjobs"));
        Assert.Matches(@"^NAME\s+ROLE\s+AGE\nreaders\s+ClusterRole/view\s+\d+s\n$", await Cli.OkAsync("get", "rolebindings"));
        Assert.Matches(@"\nhigh\s+1000\s+false\s+\d+s\s+PreemptLowerPriority\n", await Cli.OkAsync("get", "priorityclasses"));
    }
}
