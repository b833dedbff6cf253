using System.Text.RegularExpressions;
using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// The CronJobPoller sample as a user meets it: <c>samples/CronJobPoller/demo.sh</c> installs the
/// CRD in the API server emulator, fetches the CRD's OpenAPI document from it, publishes the job with
/// Native AOT (no trim or AOT warning) from that document, and runs it twice as the CronJob would.
/// Then the published binary meets an emulator whose service account has nothing but RBAC objects:
/// without the generated rbac.yaml it gets kube-apiserver's 403 naming what is missing, with it it works.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed partial class CronJobPollerTests(CronJobPollerDemoFixture fixture, ITestOutputHelper output) : IClassFixture<CronJobPollerDemoFixture>
{
    private string Sample => Path.Combine(fixture.RepositoryRoot, "samples", "CronJobPoller");

    [Fact]
    public void Demo_publishes_without_warnings_then_the_job_records_due_backups_and_finds_them_up_to_date()
    {
        fixture.RequirePrerequisites();
        ProcessResult demo = fixture.Demo!;
        output.WriteLine($"bash samples/CronJobPoller/demo.sh: exit code {demo.ExitCode}, {demo.Duration.TotalSeconds:0.0} s\n{demo.CombinedText}");
        Assert.False(demo.TimedOut, "demo.sh did not finish in time and was killed.");
        Assert.True(demo.ExitCode == 0, $"demo.sh exited with {demo.ExitCode}:\n{demo.CombinedText}");
        Assert.Contains("==> The cluster's document equals the committed openapi/apis__ops.kubegen.dev__v1_openapi.json", demo.StandardOutput);

        string[] publishLog = File.ReadAllLines(fixture.PublishLogPath);
        IReadOnlyList<string> warnings = NativeAotPublishFixture.WarningLines(new ProcessResult(0, false, TimeSpan.Zero, publishLog, [], publishLog));
        Assert.True(warnings.Count == 0, "The AOT publish warned:\n" + string.Join('\n', warnings));

        string stdout = string.Join('\n', demo.StandardOutput);
        Assert.Matches(FirstRun(), stdout);
        Assert.Matches(SecondRun(), stdout);
        Assert.Equal(2, demo.StandardOutput.Count(line => line == "==> CronJobPoller exited with 0"));
    }

    [Fact]
    public async Task Deploy_role_has_exactly_the_rules_of_the_generated_client()
    {
        fixture.RequirePrerequisites();
        string generated = await RbacYaml.PrintedRulesAsync(fixture.BinaryPath, fixture.RepositoryRoot, TestContext.Current.CancellationToken);
        IReadOnlyList<string> expected = RbacYaml.ParseRules(generated);
        Assert.Equal(["ops.kubegen.dev|backups/status|update", "ops.kubegen.dev|backups|list,update"], expected.Order(StringComparer.Ordinal));
        Assert.Equal(expected, RbacYaml.ParseRules(RbacYaml.RulesSection(await File.ReadAllTextAsync(Path.Combine(Sample, "deploy", "role.yaml"), TestContext.Current.CancellationToken))));
        Assert.Equal(expected, RbacYaml.ParseRules(RbacYaml.RulesSection(await File.ReadAllTextAsync(Path.Combine(fixture.PublishDirectory, "rbac.yaml"), TestContext.Current.CancellationToken))));
    }

    [Fact]
    public async Task Without_the_generated_rules_the_job_gets_the_403_naming_the_missing_one_and_with_them_it_works()
    {
        fixture.RequirePrerequisites();
        CancellationToken cancel = TestContext.Current.CancellationToken;
        var options = new KubeApiServerEmulatorOptions { ServiceAccountName = "backup-poller", ServiceAccountRules = [] };
        options.SpecFiles.Add(Path.Combine(fixture.RepositoryRoot, "fixtures", "openapi", "mini-cluster.swagger.json"));
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, cancel);
        await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(Sample, "deploy", "crd.yaml"), cancel), cancel);
        await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(Sample, "demo-backups.yaml"), cancel), cancel);
        const string User = "User \"system:serviceaccount:default:backup-poller\"";

        ProcessResult denied = await RunJobAsync(server, cancel);
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains($"backups.ops.kubegen.dev is forbidden: {User} cannot list resource \"backups\" in API group \"ops.kubegen.dev\" in the namespace \"default\"", denied.CombinedText, StringComparison.Ordinal);

        // A Role with the list rule alone: the status write names the rule still missing.
        await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(Sample, "deploy", "rolebinding.yaml"), cancel), cancel);
        await server.ApplyAsync("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: cronjobpoller-kube}
            rules:
            - {apiGroups: [ops.kubegen.dev], resources: [backups], verbs: [list]}
            """, cancel);
        ProcessResult partial = await RunJobAsync(server, cancel);
        Assert.Equal(1, partial.ExitCode);
        Assert.Contains($"backups.ops.kubegen.dev \"billing\" is forbidden: {User} cannot update resource \"backups/status\" in API group \"ops.kubegen.dev\" in the namespace \"default\"", partial.CombinedText, StringComparison.Ordinal);

        // The build's rbac.yaml, as generated, replaces the role: exactly enough.
        await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(fixture.PublishDirectory, "rbac.yaml"), cancel), cancel);
        ProcessResult allowed = await RunJobAsync(server, cancel);
        output.WriteLine(allowed.CombinedText);
        Assert.True(allowed.ExitCode == 0, allowed.CombinedText);
        Assert.Contains("3 backups in default: 2 backed up, 1 suspended", allowed.StandardOutput);
        string? snapshot = server.GetObject("ops.kubegen.dev/v1", "Backup", "default", "orders")?["status"]?["lastSnapshot"]?.GetValue<string>();
        Assert.StartsWith("orders-db-", snapshot, StringComparison.Ordinal);
        Assert.Equal("Succeeded", server.GetObject("ops.kubegen.dev/v1", "Backup", "default", "billing")?["status"]?["phase"]?.GetValue<string>());
    }

    [Fact]
    public void The_CronJob_runs_the_job_hardened_as_the_service_account_of_the_binding()
    {
        string cronJob = File.ReadAllText(Path.Combine(Sample, "deploy", "cronjob.yaml"));
        foreach (string setting in new[]
        {
            "kind: CronJob", "concurrencyPolicy: Forbid", "serviceAccountName: backup-poller", "automountServiceAccountToken: false",
            "restartPolicy: Never", "runAsNonRoot: true", "type: RuntimeDefault", "allowPrivilegeEscalation: false",
            "readOnlyRootFilesystem: true", "privileged: false", "drop: [\"ALL\"]", "expirationSeconds: 3600",
        })
        {
            Assert.Contains(setting, cronJob, StringComparison.Ordinal);
        }

        string binding = File.ReadAllText(Path.Combine(Sample, "deploy", "rolebinding.yaml"));
        Assert.Contains("name: cronjobpoller-kube", binding, StringComparison.Ordinal);
        Assert.Contains("kind: ServiceAccount\n  name: backup-poller", binding.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private Task<ProcessResult> RunJobAsync(KubeApiServerEmulator server, CancellationToken cancel)
        => ProcessRunner.RunAsync(fixture.BinaryPath, [], fixture.RepositoryRoot, server.Environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal), TimeSpan.FromSeconds(60), cancel);

    [GeneratedRegex(@"NAME\s+SOURCE\s+ACTION\s+SNAPSHOT\nbilling\s+billing-db\s+backed up\s+billing-db-\d{8}-\d{6}\nlogs\s+app-logs\s+suspended\norders\s+orders-db\s+backed up\s+orders-db-\d{8}-\d{6}\n3 backups in default: 2 backed up, 1 suspended")]
    private static partial Regex FirstRun();

    [GeneratedRegex(@"billing\s+billing-db\s+up to date\s+billing-db-\d{8}-\d{6}\nlogs\s+app-logs\s+suspended\norders\s+orders-db\s+up to date\s+orders-db-\d{8}-\d{6}\n3 backups in default: 2 up to date, 1 suspended")]
    private static partial Regex SecondRun();
}

/// <summary>The sample's committed spec is what the emulator serves for the CRD: what demo.sh fetches and a user would.</summary>
public sealed class CronJobPollerSpecTests
{
    [Fact]
    public async Task The_committed_OpenAPI_document_is_what_the_cluster_serves_once_the_CRD_is_installed()
    {
        CancellationToken cancel = TestContext.Current.CancellationToken;
        string root = NativeAotPublishFixture.FindRepositoryRoot();
        string sample = Path.Combine(root, "samples", "CronJobPoller");
        var options = new KubeApiServerEmulatorOptions();
        options.SpecFiles.Add(Path.Combine(root, "fixtures", "openapi", "mini-cluster.swagger.json"));
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, cancel);
        await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(sample, "deploy", "crd.yaml"), cancel), cancel);
        using HttpClient client = server.CreateHttpClient();
        byte[] served = await client.GetByteArrayAsync("/openapi/v3/apis/ops.kubegen.dev/v1", cancel);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(sample, "openapi", "apis__ops.kubegen.dev__v1_openapi.json"), cancel), served);
    }
}

/// <summary>Runs samples/CronJobPoller/demo.sh once for the class.</summary>
public sealed class CronJobPollerDemoFixture : IAsyncLifetime
{
    /// <summary>A cold run (restore, emulator build, AOT publish) takes a few minutes on 2 busy cores.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    private string? _workDirectory;

    public string RepositoryRoot { get; private set; } = string.Empty;

    public string? MissingPrerequisite { get; private set; }

    public ProcessResult? Demo { get; private set; }

    public string PublishDirectory => Path.Combine(_workDirectory ?? string.Empty, "publish");

    public string BinaryPath => Path.Combine(PublishDirectory, "CronJobPoller");

    public string PublishLogPath => Path.Combine(_workDirectory ?? string.Empty, "publish.log");

    public async ValueTask InitializeAsync()
    {
        RepositoryRoot = NativeAotPublishFixture.FindRepositoryRoot();
        string? bash = ProcessRunner.FindOnPath("bash");
        MissingPrerequisite = !OperatingSystem.IsLinux() ? "samples/CronJobPoller/demo.sh publishes and runs a Linux native binary, so it needs Linux."
            : bash is null ? "samples/CronJobPoller/demo.sh needs bash on PATH."
            : ProcessRunner.FindOnPath("clang") is null ? "samples/CronJobPoller/demo.sh publishes with Native AOT, which needs clang (and zlib1g-dev): apt-get install -y clang zlib1g-dev"
            : ProcessRunner.FindOnPath("kubectl") is null && ProcessRunner.FindOnPath("curl") is null ? "samples/CronJobPoller/demo.sh fetches the CRD's OpenAPI document with kubectl or curl: apt-get install -y curl"
            : null;
        if (MissingPrerequisite is not null)
        {
            return;
        }

        _workDirectory = Path.Combine(Path.GetTempPath(), "kubegen-cronjobpoller-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workDirectory);

        // The script's builds must not inherit this test run's MSBuild variables; the dotnet running the tests comes first.
        Dictionary<string, string?> environment = NativeAotPublishFixture.PublishEnvironment();
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            environment["PATH"] = Path.GetDirectoryName(host) + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        }

        environment["CRONJOBPOLLER_DEMO_DIR"] = _workDirectory;
        Demo = await ProcessRunner.RunAsync(bash!, [Path.Combine("samples", "CronJobPoller", "demo.sh")], RepositoryRoot, environment, Timeout, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        EndToEndRun.DeleteWorkDirectory(_workDirectory);
        return default;
    }

    public void RequirePrerequisites() => EndToEndRun.RequirePrerequisites(MissingPrerequisite, "the CronJobPoller demo");
}
