using System.Diagnostics;
using System.Net;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// Acceptance: the real kubectl against the emulator, through the kubeconfig it writes. Skipped
/// when kubectl is not installed, except on CI (env CI set), where its absence fails.
/// </summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private KubectlWorkspace? Workspace;

    private KubeApiServerEmulator Server => Workspace!.Server;

    private Kubectl Cli => Workspace!.Cli;

    private string Work => Workspace!.Directory;

    public async ValueTask InitializeAsync()
    {
        if (Kubectl.Executable is not null)
        {
            Workspace = await KubectlWorkspace.StartAsync(FixtureSpec, o => o.ServiceAccountRules = [AccessRule.For("*", "pods,configmaps,deployments.apps,crontabs.stable.example.com,crontabs/scale.stable.example.com", "default"), AccessRule.For("get,list", "namespaces")]);
        }
    }

    public ValueTask DisposeAsync() => Workspace?.DisposeAsync() ?? ValueTask.CompletedTask;

    private string WriteFile(string name, string text) => Workspace!.WriteFile(name, text);

    private const string PodYaml = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels: {app: web}
        spec:
          containers:
          - name: c
            image: nginx:1.25
        """;

    private const string DeploymentYaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: c
                image: nginx:1.25
        """;

    [Fact]
    public async Task Create_get_patch_delete()
    {
        Kubectl.Require();
        string pod = WriteFile("pod.yaml", PodYaml);
        Assert.Contains("pod/web created", await Cli.OkAsync("create", "-f", pod), StringComparison.Ordinal);

        string table = await Cli.OkAsync("get", "pods");
        Assert.Matches(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE", table);
        Assert.Matches(@"web\s+0/1\s+Pending", table);

        string json = await Cli.OkAsync("get", "pod", "web", "-o", "json");
        Assert.Equal("web", System.Text.Json.Nodes.JsonNode.Parse(json).Str("metadata.name"));

        Assert.Contains("patched", await Cli.OkAsync("patch", "pod", "web", "--type=merge", "-p", """{"metadata":{"labels":{"tier":"fe"}}}"""), StringComparison.Ordinal);
        await Cli.OkAsync("patch", "pod", "web", "--type=json", "-p", """[{"op":"add","path":"/metadata/labels/x","value":"y"}]""");
        await Cli.OkAsync("patch", "pod", "web", "--type=strategic", "-p", """{"spec":{"containers":[{"name":"c","image":"nginx:1.26"}]}}""");
        string patched = await Cli.OkAsync("get", "pod", "web", "-o", "jsonpath={.metadata.labels.tier} {.metadata.labels.x} {.spec.containers[0].image}");
        Assert.Equal("fe y nginx:1.26", patched);

        Assert.Contains("pod \"web\" deleted", await Cli.OkAsync("delete", "pod", "web"), StringComparison.Ordinal);
        (int exit, _, string error) = await Cli.RunAsync("get", "pod", "web");
        Assert.NotEqual(0, exit);
        Assert.Contains("Error from server (NotFound): pods \"web\" not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_client_side_and_server_side()
    {
        Kubectl.Require();
        string file = WriteFile("deploy.yaml", DeploymentYaml);
        Assert.Contains("deployment.apps/web created", await Cli.OkAsync("apply", "-f", file), StringComparison.Ordinal);
        Assert.Contains("unchanged", await Cli.OkAsync("apply", "-f", file), StringComparison.Ordinal);
        WriteFile("deploy.yaml", DeploymentYaml.Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal));
        Assert.Contains("configured", await Cli.OkAsync("apply", "-f", file), StringComparison.Ordinal);
        Assert.Equal("3 2", await Cli.OkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"));

        // Server-side apply: a different manager's value conflicts unless forced.
        WriteFile("deploy.yaml", DeploymentYaml.Replace("replicas: 2", "replicas: 5", StringComparison.Ordinal));
        (int exit, _, string error) = await Cli.RunAsync("apply", "--server-side", "-f", file);
        Assert.NotEqual(0, exit);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", error, StringComparison.Ordinal);
        Assert.Contains("serverside-applied", await Cli.OkAsync("apply", "--server-side", "--force-conflicts", "-f", file), StringComparison.Ordinal);
        Assert.Equal("5", await Cli.OkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"));

        string pod = WriteFile("pod.yaml", PodYaml);
        Assert.Contains("pod/web serverside-applied", await Cli.OkAsync("apply", "--server-side", "-f", pod), StringComparison.Ordinal);
        Assert.Contains("kubectl", await Cli.OkAsync("get", "pod", "web", "-o", "jsonpath={.metadata.managedFields[0].manager}", "--show-managed-fields"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_watch_receives_a_change_made_by_another_request()
    {
        Kubectl.Require();
        using Process watch = Process.Start(Cli.StartInfo("get", "configmaps", "-w", "--request-timeout=30s"))!;
        try
        {
            await WaitForWatchAsync();
            using HttpClient client = Server.CreateHttpClient();
            Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", ConfigMap("from-http"))).Code);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            string? line;
            do
            {
                line = await watch.StandardOutput.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.StartsWith("from-http", StringComparison.Ordinal));

            Assert.NotNull(line);
            Assert.Matches(@"^from-http\s+1\s+\d+s$", line);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }
    }

    private async Task WaitForWatchAsync()
    {
        for (int i = 0; i < 300 && Server.ActiveWatchCount == 0; i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(Server.ActiveWatchCount > 0, "kubectl get -w never opened a watch");
    }

    [Fact]
    public async Task Auth_can_i_follows_the_rules()
    {
        Kubectl.Require();
        Assert.Equal("yes", (await Cli.OkAsync("auth", "can-i", "list", "pods")).Trim());
        Assert.Equal("yes", (await Cli.OkAsync("auth", "can-i", "create", "deployments.apps")).Trim());
        (int exit, string output, _) = await Cli.RunAsync("auth", "can-i", "list", "pods", "-n", "kube-system");
        Assert.NotEqual(0, exit);
        Assert.Equal("no", output.Trim());
        (exit, output, _) = await Cli.RunAsync("auth", "can-i", "delete", "nodes");
        Assert.Equal("no", output.Trim());
    }

    [Fact]
    public async Task Forbidden_requests_show_the_kube_apiserver_message()
    {
        Kubectl.Require();
        (int exit, _, string error) = await Cli.RunAsync("get", "pods", "-n", "kube-system");
        Assert.NotEqual(0, exit);
        Assert.Contains($"Error from server (Forbidden): pods is forbidden: User \"{Server.ServiceAccountUserName}\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_raw_openapi_v2_is_the_spec_byte_for_byte()
    {
        Kubectl.Require();
        using Process process = Process.Start(Cli.StartInfo("get", "--raw", "/openapi/v2"))!;
        using var buffer = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(buffer, Ct);
        await process.WaitForExitAsync(Ct);
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(await File.ReadAllBytesAsync(FixtureSpec, Ct), buffer.ToArray());
    }

    [Fact]
    public async Task Custom_resources_and_scale()
    {
        Kubectl.Require();
        string file = WriteFile("ct.yaml", """
            apiVersion: stable.example.com/v1
            kind: CronTab
            metadata: {name: ct}
            spec: {cronSpec: "* * * * */5", image: busybox, replicas: 1}
            """);
        await Cli.OkAsync("apply", "-f", file);
        Assert.Matches(@"ct\s+\d+s", await Cli.OkAsync("get", "crontabs"));
        await Cli.OkAsync("scale", "crontab", "ct", "--replicas=4");
        Assert.Equal("4", await Cli.OkAsync("get", "crontab", "ct", "-o", "jsonpath={.spec.replicas}"));
    }

    [Fact]
    public async Task Unknown_fields_fail_strict_and_warn_otherwise()
    {
        Kubectl.Require();
        string file = WriteFile("cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: typo}
            data: {a: b}
            dta: {c: d}
            """);

        // kubectl asks for fieldValidation=Strict by default and leaves the check to the server.
        (int exit, _, string error) = await Cli.RunAsync("create", "-f", file);
        Assert.NotEqual(0, exit);
        Assert.Contains("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"dta\"", error, StringComparison.Ordinal);

        (exit, string output, error) = await Cli.RunAsync("create", "--validate=warn", "-f", file);
        Assert.Equal(0, exit);
        Assert.Contains("configmap/typo created", output, StringComparison.Ordinal);
        Assert.Contains("Warning: unknown field \"dta\"", error, StringComparison.Ordinal);
    }
}
