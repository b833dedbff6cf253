using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// samples/PodLister built from the KubeGen package (local feed, see <see cref="SamplePackagePublishFixture"/>),
/// published with Native AOT by the SDK's compiler, and run as a process against the KubeGen.Testing
/// emulator the way a pod runs it (KUBERNETES_SERVICE_HOST/PORT and a service-account directory), and from a
/// kubeconfig with a client certificate, as outside a cluster: the same binary, through KubeClient.Connect().
/// In the Native AOT collection: it packs and publishes, which must not compete with the other publishes.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed partial class PodListerPackageTests(PodListerPackageFixture fixture, ITestOutputHelper output) : IClassFixture<PodListerPackageFixture>
{
    [Fact]
    public void The_native_binary_carries_no_decompressor_by_default()
    {
        // Any write to AutomaticDecompression, even None, links zlib and Brotli (about 1.1 MB); the compression switch must
        // keep every such write out of a default build, Connect()'s kubeconfig options included (a DisableCompression write
        // outside the switch once did). zlib's and Brotli's own strings show whether they were linked.
        fixture.RequirePublishedBinary();
        byte[] binary = File.ReadAllBytes(fixture.BinaryPath);

        Assert.Equal(-1, binary.AsSpan().IndexOf("incorrect header check"u8));
        Assert.Equal(-1, binary.AsSpan().IndexOf("BrotliDecoder"u8));
    }

    private static readonly TimeSpan AppTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Pack_restore_build_and_publish_from_the_package_print_no_warnings()
    {
        fixture.RequirePrerequisites();
        PackResult? package = fixture.Package;
        Assert.NotNull(package);
        output.WriteLine($"{package.CommandLine}: exit code {package.Pack.ExitCode}, {package.Pack.Duration.TotalSeconds:0.0} s");
        if (fixture.Publish is { } publish)
        {
            output.WriteLine($"{fixture.CommandLine}: exit code {publish.ExitCode}, {publish.Duration.TotalSeconds:0.0} s");
        }

        foreach (string warning in fixture.PackAndPublishWarnings)
        {
            output.WriteLine("warning: " + warning);
        }

        Assert.True(fixture.PreparationFailure is null, fixture.PreparationFailure);
        Assert.True(fixture.Publish!.ExitCode == 0 && !fixture.Publish.TimedOut, "The publish failed:\n" + fixture.Publish.CombinedText);
        Assert.Empty(fixture.PackAndPublishWarnings);
        Assert.Empty(fixture.TrimAndAotDiagnostics);
        Assert.True(File.Exists(fixture.BinaryPath), $"No native binary at {fixture.BinaryPath}.");
        Assert.False(File.Exists(Path.Combine(fixture.PublishDirectory, "PodLister.dll")), "The app was not compiled ahead of time.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"native binary: {new FileInfo(fixture.BinaryPath).Length} bytes"));

        // Built from the package alone: the restore resolved KubeGen at the run's version, and
        // nothing of src/ was built into this artifacts path.
        string assets = File.ReadAllText(Path.Combine(fixture.ArtifactsDirectory, "obj", "PodLister", "project.assets.json"));
        Assert.Contains($"\"KubeGen/{package.Version}\"", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("KubeGen.Generator.csproj", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("KubeGen.Runtime.csproj", assets, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(fixture.ArtifactsDirectory, "bin", "KubeGen.Generator")), "The generator project was built although the package was used.");
    }

    [Fact]
    public async Task The_published_rbac_yaml_is_a_Role_with_the_deploy_roles_rules()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        string manifest = await File.ReadAllTextAsync(Path.Combine(fixture.PublishDirectory, "rbac.yaml"), ct);
        string role = await File.ReadAllTextAsync(Path.Combine(fixture.RepositoryRoot, "samples", "PodLister", "deploy", "role.yaml"), ct);
        output.WriteLine("rbac.yaml:\n" + manifest);

        Assert.Contains("\nkind: Role\n", manifest, StringComparison.Ordinal);
        Assert.Contains("\n  name: podlister-kube\n", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: ClusterRole", manifest, StringComparison.Ordinal);
        Assert.Equal(RbacYaml.ParseRules(RbacYaml.RulesSection(role)), RbacYaml.ParseRules(RbacYaml.RulesSection(manifest)));
    }

    [Fact]
    public async Task Prints_the_table_of_the_seeded_pods()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var options = EmulatorOptions();
        options.SeedManifests.Add(
            PodManifest("api-6c9f7", "Running", now.AddDays(-4), node: "node-a", restarts: [1, 2])
            + "---\n" + PodManifest("batch-28xk4", "Succeeded", now.AddHours(-26), node: "node-b", restarts: [0])
            + "---\n" + PodManifest("cache-0", "Pending", now.AddSeconds(-5), node: null, restarts: []));
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);

        ProcessResult run = await ProcessRunner.RunAsync(fixture.BinaryPath, [], fixture.PublishDirectory, PodEnvironment(server), AppTimeout, ct);

        Report(run);
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.StandardError);
        Assert.Matches(HeaderLine(), run.StandardOutput[0]);
        string[][] rows = run.StandardOutput.Skip(1).Select(Columns).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Equal(["api-6c9f7", "Running", "3", "4d", "node-a"], rows[0]);
        Assert.Equal(["batch-28xk4", "Succeeded", "0", "26h", "node-b"], rows[1]);
        Assert.Equal(["cache-0", "Pending", "0"], rows[2][..3]);
        Assert.Matches(@"^\d+s$", rows[2][3]);
        Assert.Equal("<none>", rows[2][4]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_same_binary_connects_from_a_kubeconfig_with_a_client_certificate_outside_a_cluster(bool rsa)
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        var options = EmulatorOptions();
        options.ClientCertificates = ClientCertificateAuthentication.Required;
        options.Namespaces.Add("team-b");
        options.SeedManifests.Add(PodManifest("web-0", "Running", DateTimeOffset.UtcNow.AddHours(-2), node: "node-a", restarts: [0]).Replace("namespace: default", "namespace: team-b", StringComparison.Ordinal));
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);
        var developer = new EmulatorUser { Name = "dev", Rules = [AccessRule.For("get,list,watch", "pods", inNamespace: "team-b")] };
        string kubeconfig = Path.Combine(Path.GetDirectoryName(server.KubeconfigPath)!, "dev.kubeconfig");
        server.WriteKubeconfig(kubeconfig, "team-b", server.IssueClientCertificate(developer, rsa));

        // A laptop: no pod environment, only KUBECONFIG; the context's namespace is the one listed.
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["KUBECONFIG"] = kubeconfig,
            ["KUBERNETES_SERVICE_HOST"] = null,
            ["KUBERNETES_SERVICE_PORT"] = null,
            ["KUBEGEN_SERVICEACCOUNT_DIR"] = null,
        };
        ProcessResult run = await ProcessRunner.RunAsync(fixture.BinaryPath, [], fixture.PublishDirectory, environment, AppTimeout, ct);

        Report(run);
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.StandardError);
        Assert.Matches(HeaderLine(), run.StandardOutput[0]);
        string[] row = Columns(run.StandardOutput[1]);
        Assert.Equal(["web-0", "Running", "0"], row[..3]);
        Assert.Equal("node-a", row[4]);
    }

    [Fact]
    public async Task Watch_prints_changes_and_keeps_going_after_the_token_rotates()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        var options = EmulatorOptions();
        options.SeedManifests.Add(PodManifest("web-0", "Running", DateTimeOffset.UtcNow.AddMinutes(-3), node: "node-a", restarts: [0]));
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);

        await using RunningProcess app = RunningProcess.Start(fixture.BinaryPath, ["--watch"], fixture.PublishDirectory, server.Environment.Append(new("KUBECONFIG", string.Empty)), "PodLister --watch", output);
        try
        {
            await app.WaitForLineAsync(line => line.StartsWith("web-0 ", StringComparison.Ordinal), "the table row of web-0", StepTimeout, ct);

            // Create, update (status), delete: one event line each.
            await SendAsync(server, HttpMethod.Post, "api/v1/namespaces/default/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"job-1"},"spec":{"containers":[{"name":"job","image":"busybox"}]}}""", "application/json", ct);
            await app.WaitForLineAsync(EventLine("ADDED", "job-1"), "ADDED job-1", StepTimeout, ct);
            await SendAsync(server, HttpMethod.Patch, "api/v1/namespaces/default/pods/job-1/status", """{"status":{"phase":"Running"}}""", "application/merge-patch+json", ct);
            string modified = await app.WaitForLineAsync(EventLine("MODIFIED", "job-1"), "MODIFIED job-1", StepTimeout, ct);
            Assert.Equal("Running", Columns(modified)[2]);
            await SendAsync(server, HttpMethod.Delete, "api/v1/namespaces/default/pods/job-1", null, null, ct);
            await app.WaitForLineAsync(EventLine("DELETED", "job-1"), "DELETED job-1", StepTimeout, ct);

            // The kubelet rotates the projected token and the old one stops working; dropping the
            // watch makes the app send new requests, which only succeed with the re-read token.
            string oldToken = server.ServiceAccountToken;
            string newToken = server.RotateServiceAccountToken(expireOld: true);
            Assert.NotEqual(oldToken, newToken);
            server.DropWatches();
            await SendAsync(server, HttpMethod.Post, "api/v1/namespaces/default/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"job-2"},"spec":{"containers":[{"name":"job","image":"busybox"}]}}""", "application/json", ct);
            await app.WaitForLineAsync(EventLine("ADDED", "job-2"), "ADDED job-2 after the token rotation", StepTimeout, ct);
            await SendAsync(server, HttpMethod.Delete, "api/v1/namespaces/default/pods/web-0", null, null, ct);
            await app.WaitForLineAsync(EventLine("DELETED", "web-0"), "DELETED web-0 after the token rotation", StepTimeout, ct);

            Assert.Equal(0, await app.StopAsync(TimeSpan.FromSeconds(15)));
            Assert.DoesNotContain(app.ErrorLines, line => line.StartsWith("error", StringComparison.Ordinal));
            Assert.DoesNotContain(app.Lines.Concat(app.ErrorLines), line => line.Contains(oldToken, StringComparison.Ordinal) || line.Contains(newToken, StringComparison.Ordinal));
        }
        finally
        {
            app.Report();
        }
    }

    [Fact]
    public async Task A_missing_RBAC_rule_exits_non_zero_naming_the_permission()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        var options = EmulatorOptions();
        options.ServiceAccountNamespace = "team-a";
        options.Namespaces.Add("team-a");
        // Everything PodLister needs except list.
        options.ServiceAccountRules = [AccessRule.For("get,watch", "pods")];
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);

        ProcessResult run = await ProcessRunner.RunAsync(fixture.BinaryPath, [], fixture.PublishDirectory, PodEnvironment(server), AppTimeout, ct);

        Report(run);
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.StandardOutput);
        string error = string.Join('\n', run.StandardError);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("403", error, StringComparison.Ordinal);
        // The runtime's description of the missing permission: verb, resource and namespace.
        Assert.Contains("verb \"list\"", error, StringComparison.Ordinal);
        Assert.Contains("resource \"pods\"", error, StringComparison.Ordinal);
        Assert.Contains("namespace \"team-a\"", error, StringComparison.Ordinal);
        Assert.Contains("--print-rbac", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// What an IDE does on load: a design-time build (no compiler run) of the package-built sample
    /// must succeed without warnings and hand the compiler the package's generator as an analyzer,
    /// the runtime as the only KubeGen reference, and the spec as an additional file.
    /// </summary>
    [Fact]
    public async Task Design_time_build_passes_the_packaged_generator_to_the_compiler()
    {
        fixture.RequirePublishedBinary();
        string[] arguments =
        [
            "build", Path.Combine(fixture.ProjectDirectory, "PodLister.csproj"),
            "-t:Compile",
            "--no-restore",
            "-c", "Release",
            "-r", NativeAotPublishFixture.RuntimeIdentifier,
            "--artifacts-path", fixture.ArtifactsDirectory,
            "-p:DesignTimeBuild=true",
            "-p:BuildingInsideVisualStudio=true",
            "-p:SkipCompilerExecution=true",
            "-p:ProvideCommandLineArgs=true",
            "-getItem:CscCommandLineArgs",
            // -getItem prints only the JSON result, so warnings (NU, MSB, CS, KG) fail the build instead.
            "-warnaserror",
            "--disable-build-servers",
            "-tl:off",
            "-nologo",
            .. fixture.PackageProperties,
        ];
        ProcessResult build = await ProcessRunner.RunAsync(
            NativeAotPublishFixture.DotnetHost(),
            arguments,
            fixture.RepositoryRoot,
            NativeAotPublishFixture.PublishEnvironment(),
            TimeSpan.FromMinutes(3),
            TestContext.Current.CancellationToken);

        output.WriteLine($"dotnet {string.Join(' ', arguments)}: exit code {build.ExitCode}, {build.Duration.TotalSeconds:0.0} s");
        output.WriteLine(build.CombinedText);
        Assert.True(build.ExitCode == 0 && !build.TimedOut, "The design-time build failed.");
        string packageFolder = $"/kubegen/{fixture.Package!.Version.ToLowerInvariant()}/";
        using JsonDocument result = JsonDocument.Parse(string.Join('\n', build.StandardOutput));
        string[] commandLine = result.RootElement.GetProperty("Items").GetProperty("CscCommandLineArgs")
            .EnumerateArray().Select(item => item.GetProperty("Identity").GetString() ?? string.Empty).ToArray();
        Assert.Contains(commandLine, arg => arg.StartsWith("/analyzer:", StringComparison.Ordinal) && arg.Contains(packageFolder + "analyzers/dotnet/cs/KubeGen.Generator.dll", StringComparison.Ordinal));
        Assert.Contains(commandLine, arg => arg.StartsWith("/reference:", StringComparison.Ordinal) && arg.Contains(packageFolder + "lib/net10.0/KubeGen.Runtime.dll", StringComparison.Ordinal));
        Assert.DoesNotContain(commandLine, arg => arg.StartsWith("/reference:", StringComparison.Ordinal) && arg.Contains("KubeGen.Generator", StringComparison.Ordinal));
        Assert.Contains(commandLine, arg => arg.StartsWith("/additionalfile:", StringComparison.Ordinal) && arg.EndsWith("mini-cluster.swagger.json", StringComparison.Ordinal));
    }

    private static KubeApiServerEmulatorOptions EmulatorOptions()
    {
        var options = new KubeApiServerEmulatorOptions();
        options.SpecFiles.Add(Path.Combine(NativeAotPublishFixture.FindRepositoryRoot(), "fixtures", "openapi", "mini-cluster.swagger.json"));
        return options;
    }

    /// <summary>
    /// What a pod sees. KUBECONFIG is emptied: KubeClient.Connect() would take it before the pod's service account, and an
    /// empty KUBECONFIG counts as unset (client-go's rule too).
    /// </summary>
    private static Dictionary<string, string?> PodEnvironment(KubeApiServerEmulator server)
        => server.Environment.Append(new("KUBECONFIG", string.Empty)).ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    /// <summary>A pod as a seed manifest: seeding keeps status and creationTimestamp.</summary>
    private static string PodManifest(string name, string phase, DateTimeOffset created, string? node, int[] restarts)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
              namespace: default
              creationTimestamp: "{created.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"
            spec:
            {(node is null ? string.Empty : $"  nodeName: {node}\n")}  containers:
              - name: main
                image: registry.example/app:1
            status:
              phase: {phase}

            """);
        if (restarts.Length > 0)
        {
            yaml.Append("  containerStatuses:\n");
            for (int i = 0; i < restarts.Length; i++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  - {{name: c{i}, image: registry.example/app:1, imageID: \"\", ready: true, restartCount: {restarts[i]}}}\n");
            }
        }

        return yaml.ToString();
    }

    private static async Task SendAsync(KubeApiServerEmulator server, HttpMethod method, string path, string? body, string? contentType, CancellationToken cancellationToken)
    {
        // A fresh client each time: it sends the service account's current token.
        using HttpClient http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(method, new Uri(server.BaseUrl, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType!);
        }

        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    private static Func<string, bool> EventLine(string type, string name)
        => line => Columns(line) is [var t, var n, ..] && t == type && n == name;

    private static string[] Columns(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private void Report(ProcessResult run)
    {
        output.WriteLine($"PodLister: exit code {run.ExitCode}, {run.Duration.TotalMilliseconds:0} ms{(run.TimedOut ? ", KILLED" : string.Empty)}");
        output.WriteLine("---- stdout ----\n" + string.Join('\n', run.StandardOutput));
        output.WriteLine("---- stderr ----\n" + string.Join('\n', run.StandardError));
    }

    [GeneratedRegex(@"^NAME\s+PHASE\s+RESTARTS\s+AGE\s+NODE$")]
    private static partial Regex HeaderLine();
}

/// <summary>samples/PodLister, published with Native AOT from the KubeGen package once for the class.</summary>
public sealed class PodListerPackageFixture(LocalPackageFeed feed) : SamplePackagePublishFixture("PodLister", feed);
