using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// Native AOT end to end: tests/KubeGen.AotApp (generated client + runtime) publishes with zero
/// trim/AOT warnings, and the native binary talks to a (fake) API server in-cluster style.
/// </summary>
public sealed class AotPublishTests(AotPublishFixture fixture, ITestOutputHelper output) : IClassFixture<AotPublishFixture>
{
    private static readonly TimeSpan AppTimeout = TimeSpan.FromSeconds(60);

    private const string ConfigMapLine = "CONFIGMAP kubegen-aot extra=1 greeting=hello mode=patched";

    /// <summary>What the app prints for <see cref="FakeApiServer"/>'s pods, ConfigMap and watch.</summary>
    private static readonly string[] ExpectedLines =
    [
        "web-0 Running 0",
        "web-1 Pending 0",
        "worker-0 Running 3",
        ConfigMapLine,
        "EVENT ADDED web-2",
        "EVENT MODIFIED web-0",
        // followed by the JSON line, compared as JSON
    ];

    /// <summary>The sample Pod the app serializes with Pod.JsonTypeInfo.</summary>
    private static readonly JsonNode ExpectedPodJson = JsonNode.Parse("""
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "creationTimestamp": "2024-05-06T07:08:09Z",
            "labels": { "app": "sample" },
            "name": "sample",
            "namespace": "aot-demo"
          },
          "spec": {
            "containers": [
              {
                "image": "registry.example/app:1",
                "name": "main",
                "resources": { "limits": { "cpu": "500m", "memory": "128Mi" } }
              }
            ]
          }
        }
        """)!;

    private static readonly string[] ExpectedRequests =
    [
        "GET /api/v1/namespaces/aot-demo/pods",
        "POST /api/v1/namespaces/aot-demo/configmaps",
        "PATCH /api/v1/namespaces/aot-demo/configmaps/kubegen-aot",
        "GET /api/v1/namespaces/aot-demo/configmaps/kubegen-aot",
        "GET /api/v1/namespaces/aot-demo/pods?timeoutSeconds=5&watch=true",
    ];

    [Fact]
    public void Publish_succeeds_without_trim_or_AOT_warnings()
    {
        fixture.RequirePrerequisites();
        ProcessResult publish = fixture.Publish!;
        output.WriteLine($"{fixture.CommandLine}  (in {fixture.RepositoryRoot})");
        output.WriteLine($"publish: exit code {publish.ExitCode}, {publish.Duration.TotalSeconds:0.0} s{(publish.TimedOut ? ", TIMED OUT" : string.Empty)}");

        IReadOnlyList<string> ilDiagnostics = fixture.TrimAndAotDiagnostics;
        foreach (string line in ilDiagnostics)
        {
            output.WriteLine("trim/AOT: " + line);
        }

        Assert.True(
            ilDiagnostics.Count == 0,
            $"The Native AOT publish of {fixture.AppName} reported {ilDiagnostics.Count} trim/AOT diagnostic line(s); "
            + "generated code and KubeGen.Runtime must be warning-free:\n" + string.Join('\n', ilDiagnostics));

        if (publish.ExitCode != 0 || publish.TimedOut)
        {
            output.WriteLine("---- publish output ----");
            output.WriteLine(publish.CombinedText);
        }

        Assert.False(publish.TimedOut, "The publish did not finish in time; its output is in the test output.");
        Assert.True(
            publish.ExitCode == 0,
            $"dotnet publish failed with exit code {publish.ExitCode}. Warnings and errors:\n"
            + string.Join('\n', fixture.WarningAndErrorLines.DefaultIfEmpty("(none recognised; the whole output is in the test output)")));
    }

    [Fact]
    public void Publish_produces_a_native_binary()
    {
        fixture.RequirePublishedBinary();
        var binary = new FileInfo(fixture.BinaryPath);
        output.WriteLine($"native binary: {binary.FullName}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"size: {binary.Length} bytes ({binary.Length / 1024.0 / 1024.0:0.00} MiB)"));
        output.WriteLine($"publish time: {fixture.Publish!.Duration.TotalSeconds:0.0} s");
        foreach (FileInfo file in new DirectoryInfo(fixture.PublishDirectory).GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            output.WriteLine($"  {file.Name} {file.Length}");
        }

        Assert.True(binary.Length > 0);
        Assert.False(
            File.Exists(Path.Combine(fixture.PublishDirectory, fixture.AppName + ".dll")),
            "The publish directory holds the app's IL assembly: the app was not compiled ahead of time.");
        Assert.True(
            OperatingSystem.IsWindows() || (File.GetUnixFileMode(binary.FullName) & UnixFileMode.UserExecute) != 0,
            "The native binary is not executable.");
    }

    [Fact]
    public async Task Native_app_works_in_cluster_over_TLS()
    {
        fixture.RequirePublishedBinary();
        using X509Certificate2 authority = TestCertificates.CreateAuthority("KubeGen E2E CA");
        using X509Certificate2 serverCertificate = TestCertificates.CreateServer(authority, "127.0.0.1");
        await using FakeApiServer server = await FakeApiServer.StartAsync(serverCertificate);
        using ServiceAccountDirectory serviceAccount = ServiceAccountDirectory.Create(authority);

        ProcessResult run = await RunAppAsync([], InClusterEnvironment(server, serviceAccount));

        AssertSucceeded(run, server);
        Assert.Equal(ExpectedRequests, server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + FakeApiServer.Token, r.Header("Authorization")));
        Assert.All(server.Requests, r => Assert.Equal("HTTP/2", r.Protocol));
        Assert.StartsWith("application/merge-patch+json", server.Requests[2].Header("Content-Type"), StringComparison.Ordinal);

        // HTTP compression is off by default (KubeGenHttpCompression): the build left the decompressors out.
        Assert.All(server.Requests, r => Assert.Null(r.Header("Accept-Encoding")));
    }

    [Fact]
    public async Task Native_app_reports_a_Forbidden_Status()
    {
        fixture.RequirePublishedBinary();
        using X509Certificate2 authority = TestCertificates.CreateAuthority("KubeGen E2E CA");
        using X509Certificate2 serverCertificate = TestCertificates.CreateServer(authority, "127.0.0.1");
        await using FakeApiServer server = await FakeApiServer.StartAsync(serverCertificate, forbidPodList: true);
        using ServiceAccountDirectory serviceAccount = ServiceAccountDirectory.Create(authority);

        ProcessResult run = await RunAppAsync([], InClusterEnvironment(server, serviceAccount));

        Report(run, server);
        Assert.False(run.TimedOut, "The app did not finish within 60 s and was killed.");
        Assert.Equal(["ERROR 403 Forbidden: " + FakeApiServer.ForbiddenListMessage], run.StandardOutput);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["GET /api/v1/namespaces/aot-demo/pods"], server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
    }

    [Fact]
    public async Task Native_app_works_with_an_explicit_connection_over_http()
    {
        fixture.RequirePublishedBinary();
        await using FakeApiServer server = await FakeApiServer.StartAsync(certificate: null);
        var environment = new Dictionary<string, string?>
        {
            ["KUBERNETES_SERVICE_HOST"] = null,
            ["KUBERNETES_SERVICE_PORT"] = null,
            ["KUBEGEN_SERVICEACCOUNT_DIR"] = null,
        };

        ProcessResult run = await RunAppAsync(
            ["--server", server.BaseUri.ToString(), "--token", FakeApiServer.Token, "--namespace", FakeApiServer.Namespace],
            environment);

        AssertSucceeded(run, server);
        Assert.Equal(ExpectedRequests, server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + FakeApiServer.Token, r.Header("Authorization")));
    }

    private void AssertSucceeded(ProcessResult run, FakeApiServer server)
    {
        Report(run, server);
        Assert.False(run.TimedOut, "The app did not finish within 60 s and was killed.");
        Assert.True(run.StandardOutput.Count == ExpectedLines.Length + 1, $"Expected {ExpectedLines.Length + 1} lines of output, got:\n{string.Join('\n', run.StandardOutput)}\nstderr:\n{string.Join('\n', run.StandardError)}");
        Assert.Equal(ExpectedLines, run.StandardOutput.Take(ExpectedLines.Length));

        string jsonLine = run.StandardOutput[^1];
        Assert.StartsWith("JSON ", jsonLine, StringComparison.Ordinal);
        JsonNode? actual = JsonNode.Parse(jsonLine["JSON ".Length..]);
        Assert.True(
            JsonNode.DeepEquals(ExpectedPodJson, actual),
            $"Pod.JsonTypeInfo serialized\n{actual?.ToJsonString()}\nbut expected\n{ExpectedPodJson.ToJsonString()}");

        Assert.Empty(run.StandardError);
        Assert.Equal(0, run.ExitCode);
    }

    private void Report(ProcessResult run, FakeApiServer server)
    {
        output.WriteLine($"app: exit code {run.ExitCode}, {run.Duration.TotalMilliseconds:0} ms{(run.TimedOut ? ", KILLED after 60 s" : string.Empty)}");
        output.WriteLine("---- stdout ----");
        output.WriteLine(string.Join('\n', run.StandardOutput));
        output.WriteLine("---- stderr ----");
        output.WriteLine(string.Join('\n', run.StandardError));
        output.WriteLine("---- requests ----");
        output.WriteLine(server.DescribeRequests());
    }

    private static Dictionary<string, string?> InClusterEnvironment(FakeApiServer server, ServiceAccountDirectory serviceAccount) => new()
    {
        ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
        ["KUBERNETES_SERVICE_PORT"] = server.BaseUri.Port.ToString(CultureInfo.InvariantCulture),
        ["KUBEGEN_SERVICEACCOUNT_DIR"] = serviceAccount.Path,
    };

    private Task<ProcessResult> RunAppAsync(string[] arguments, Dictionary<string, string?> environment)
        => ProcessRunner.RunAsync(
            fixture.BinaryPath,
            arguments,
            fixture.PublishDirectory,
            environment,
            AppTimeout,
            TestContext.Current.CancellationToken);

    /// <summary>A service-account directory as the kubelet mounts it: token, ca.crt, namespace.</summary>
    private sealed class ServiceAccountDirectory : IDisposable
    {
        private ServiceAccountDirectory(string path) => Path = path;

        public string Path { get; }

        public static ServiceAccountDirectory Create(X509Certificate2 authority)
        {
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kubegen-e2e-sa-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(path);
            File.WriteAllText(System.IO.Path.Combine(path, "token"), FakeApiServer.Token);
            TestCertificates.WritePem(System.IO.Path.Combine(path, "ca.crt"), authority);
            File.WriteAllText(System.IO.Path.Combine(path, "namespace"), FakeApiServer.Namespace);
            return new ServiceAccountDirectory(path);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
