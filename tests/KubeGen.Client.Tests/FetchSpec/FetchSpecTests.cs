using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.FetchSpec;
using KubeGen.Testing;
using KubeGen.Client.Tests.Emulator;
using KubeGen.Client.Tests.Infrastructure;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.FetchSpec;

/// <summary>
/// kubegen-fetch-spec against the emulator, through the kubeconfig it writes: the spec arrives byte for byte with the
/// server's version beside it, and a second fetch reports what changed.
/// </summary>
public sealed class FetchSpecTests : IDisposable
{
    private readonly TemporaryDirectory _work = new("kubegen-fetch-");

    public void Dispose() => _work.Dispose();

    private static async Task<(int Exit, string Out, string Err)> FetchAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await FetchCommand.RunAsync(args, output, error, cancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task V2_is_written_byte_for_byte_with_the_server_version_and_a_refetch_reports_the_changes()
    {
        string kubeconfig = _work.File("kubeconfig");
        await using EmulatorHarness api = await StartAsync(o =>
        {
            o.KubeconfigPath = kubeconfig;
            o.ServerVersion = "v1.33.1";
        });
        string spec = _work.File("openapi", "cluster.json");

        (int exit, string stdout, string stderr) = await FetchAsync(api.Cancel, "--kubeconfig", kubeconfig, "--out", spec);

        Assert.True(exit == 0, stderr);
        Assert.Equal(await File.ReadAllBytesAsync(SpecPath, api.Cancel), await File.ReadAllBytesAsync(spec, api.Cancel));
        JsonNode sidecar = JsonNode.Parse(await File.ReadAllTextAsync(_work.File("openapi", "cluster.version.json"), api.Cancel))!;
        Assert.Equal("v2", (string?)sidecar["openapi"]);
        Assert.Equal("cluster.json", (string?)sidecar["documents"]![0]);
        Assert.Equal("v1.33.1", (string?)sidecar["serverVersion"]!["gitVersion"]);
        Assert.Contains("server version: v1.33.1", stdout, StringComparison.Ordinal);
        Assert.Contains("cluster.json: new, ", stdout, StringComparison.Ordinal);

        // Pretend the last fetch was of an older cluster: one path and one definition fewer, another version.
        JsonObject older = JsonNode.Parse(await File.ReadAllTextAsync(spec, api.Cancel))!.AsObject();
        older["paths"]!.AsObject().Remove("/api/v1/namespaces/{namespace}/configmaps");
        older["definitions"]!.AsObject().Remove("io.k8s.api.core.v1.ConfigMap");
        older["definitions"]!.AsObject()["io.k8s.api.gone.v1.Gone"] = new JsonObject();
        await File.WriteAllTextAsync(spec, older.ToJsonString(), api.Cancel);
        sidecar["serverVersion"]!["gitVersion"] = "v1.32.0";
        await File.WriteAllTextAsync(_work.File("openapi", "cluster.version.json"), sidecar.ToJsonString(), api.Cancel);

        (exit, stdout, stderr) = await FetchAsync(api.Cancel, "--kubeconfig", kubeconfig, "--out", spec);

        Assert.True(exit == 0, stderr);
        Assert.Contains("server version: v1.32.0 -> v1.33.1", stdout, StringComparison.Ordinal);
        Assert.Contains("cluster.json: paths +1 -0, definitions +1 -1", stdout, StringComparison.Ordinal);
        Assert.Contains("+ path /api/v1/namespaces/{namespace}/configmaps", stdout, StringComparison.Ordinal);
        Assert.Contains("+ definition io.k8s.api.core.v1.ConfigMap", stdout, StringComparison.Ordinal);
        Assert.Contains("- definition io.k8s.api.gone.v1.Gone", stdout, StringComparison.Ordinal);

        // Nothing changed since: said so, and no file differs.
        (_, stdout, _) = await FetchAsync(api.Cancel, "--kubeconfig", kubeconfig, "--out", spec);
        Assert.Contains("cluster.json: no paths or definitions added or removed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V3_writes_the_chosen_group_version_documents_under_kubernetes_names()
    {
        string kubeconfig = _work.File("kubeconfig");
        await using EmulatorHarness api = await StartAsync(o => o.KubeconfigPath = kubeconfig);
        string folder = _work.File("v3");

        (int exit, string stdout, string stderr) = await FetchAsync(api.Cancel, "--kubeconfig", kubeconfig, "--openapi", "v3", "--out", folder, "--group-version", "apps/v1", "--group-version", "v1");

        Assert.True(exit == 0, stderr);
        Assert.Equal(["api__v1_openapi.json", "apis__apps__v1_openapi.json", "version.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using JsonDocument apps = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(folder, "apis__apps__v1_openapi.json"), api.Cancel));
        Assert.True(apps.RootElement.TryGetProperty("openapi", out _));
        Assert.Contains("wrote 2 documents", stdout, StringComparison.Ordinal);

        (exit, _, stderr) = await FetchAsync(api.Cancel, "--kubeconfig", kubeconfig, "--openapi", "v3", "--out", folder, "--group-version", "nope.example.com/v9");
        Assert.Equal(1, exit);
        Assert.Contains("no OpenAPI v3 document for nope.example.com/v9", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_certificate_kubeconfig_and_bad_input_fail_or_succeed_with_a_clear_message()
    {
        string kubeconfig = _work.File("admin.kubeconfig");
        await using EmulatorHarness api = await StartAsync(o =>
        {
            o.KubeconfigPath = kubeconfig;
            o.KubeconfigClientCertificate = true;
            o.ClientCertificates = ClientCertificateAuthentication.Required;
        });
        string spec = _work.File("cluster.json");

        (int exit, _, string stderr) = await FetchAsync(api.Cancel, "--kubeconfig", kubeconfig, "--out", spec);
        Assert.True(exit == 0, stderr);

        (exit, _, stderr) = await FetchAsync(api.Cancel, "--kubeconfig", kubeconfig, "--context", "prod", "--out", spec);
        Assert.Equal(1, exit);
        Assert.Contains("context 'prod'", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await FetchAsync(api.Cancel, "--openapi", "v4");
        Assert.Equal(2, exit);
        Assert.Contains("--openapi is v2 or v3", stderr, StringComparison.Ordinal);
    }
}
