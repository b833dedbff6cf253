using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// tests/KubeGen.AotController, published with Native AOT and run as processes against the
/// KubeGen.Testing API server emulator: it holds the Lease <c>aot-controller</c> (generated
/// <c>CreateLeaderElector</c>) and, while leading, watches ConfigMaps labelled <c>app=demo</c>
/// through the informer cache (generated <c>CreateCache</c>) and merge-patches
/// <c>data.derived = upper(data.input)</c>. Runs in the demo collection (not in parallel with it):
/// both publish with Native AOT.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed class AotControllerTests(AotControllerFixture fixture, ITestOutputHelper output) : IClassFixture<AotControllerFixture>
{
    private const string Namespace = "default";
    private const string LeaseName = "aot-controller";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private static readonly string SeedManifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: demo-one
          namespace: default
          labels: { app: demo }
        data:
          input: hello
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: demo-two
          namespace: default
          labels: { app: demo }
        data:
          input: world
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: other
          namespace: default
          labels: { app: other }
        data:
          input: untouched
        """;

    [Fact]
    public void Publish_succeeds_without_trim_or_AOT_warnings()
    {
        fixture.RequirePrerequisites();
        ProcessResult publish = fixture.Publish!;
        fixture.WriteSummary(output);

        IReadOnlyList<string> ilDiagnostics = fixture.TrimAndAotDiagnostics;
        foreach (string line in ilDiagnostics)
        {
            output.WriteLine("trim/AOT: " + line);
        }

        Assert.True(
            ilDiagnostics.Count == 0,
            $"The Native AOT publish of {fixture.AppName} reported {ilDiagnostics.Count} trim/AOT diagnostic line(s):\n" + string.Join('\n', ilDiagnostics));
        if (publish.ExitCode != 0 || publish.TimedOut)
        {
            output.WriteLine("---- publish output ----");
            output.WriteLine(publish.CombinedText);
        }

        Assert.False(publish.TimedOut, "The publish did not finish in time; its output is in the test output.");
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed with exit code {publish.ExitCode}:\n" + string.Join('\n', fixture.WarningAndErrorLines));
        Assert.False(File.Exists(Path.Combine(fixture.PublishDirectory, fixture.AppName + ".dll")), "The app was not compiled ahead of time.");
    }

    [Fact]
    public async Task Native_controller_derives_ConfigMaps_while_it_holds_the_Lease_and_hands_over_on_SIGTERM()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        var options = new KubeApiServerEmulatorOptions();
        options.SpecFiles.Add(Path.Combine(fixture.RepositoryRoot, "fixtures", "openapi", "mini-cluster.swagger.json"));
        options.SeedManifests.Add(SeedManifest);
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);

        await using RunningProcess first = StartController(fixture, server, "controller-a", output);
        RunningProcess? second = null;
        try
        {
            // 1. The first controller leads, lists the two app=demo ConfigMaps and derives both.
            await first.WaitForLineAsync("LEADING controller-a", StepTimeout, ct);
            await first.WaitForLineAsync("SYNCED 2", StepTimeout, ct);
            await first.WaitForLineAsync("DERIVED demo-one HELLO", StepTimeout, ct);
            await first.WaitForLineAsync("DERIVED demo-two WORLD", StepTimeout, ct);
            Assert.Equal("controller-a", LeaseHolder(server));

            // 2. A second elector with another identity sees the leader and does not act.
            RunningProcess standby = StartController(fixture, server, "controller-b", output);
            second = standby;
            await standby.WaitForLineAsync("LEADER controller-a", StepTimeout, ct);

            // 3. A ConfigMap created while the controller watches is derived too, by the leader only.
            using (HttpClient http = server.CreateHttpClient())
            {
                using var content = new StringContent(
                    """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"demo-three","labels":{"app":"demo"}},"data":{"input":"Third One"}}""",
                    Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using HttpResponseMessage created = await http.PostAsync(new Uri(server.BaseUrl, $"api/v1/namespaces/{Namespace}/configmaps"), content, ct);
                Assert.True(created.IsSuccessStatusCode, $"POST configmaps: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(ct)}");
            }

            await first.WaitForLineAsync("DERIVED demo-three THIRD ONE", StepTimeout, ct);
            Assert.Equal("HELLO", Derived(server, "demo-one"));
            Assert.Equal("WORLD", Derived(server, "demo-two"));
            Assert.Equal("THIRD ONE", Derived(server, "demo-three"));
            Assert.Null(Derived(server, "other"));
            Assert.Equal("controller-a", LeaseHolder(server));
            Assert.DoesNotContain(standby.Lines, line => line.StartsWith("LEADING", StringComparison.Ordinal) || line.StartsWith("DERIVED", StringComparison.Ordinal));
            Assert.Equal(3, first.Lines.Count(line => line.StartsWith("DERIVED ", StringComparison.Ordinal)));

            // 4. SIGTERM: the leader releases the Lease and exits cleanly; the standby takes over at once,
            //    syncs the three ConfigMaps and has nothing to derive.
            int exitCode = await first.StopAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, exitCode);
            Assert.Contains("EXIT 0", first.Lines);
            await standby.WaitForLineAsync("LEADING controller-b", StepTimeout, ct);
            await standby.WaitForLineAsync("SYNCED 3", StepTimeout, ct);
            Assert.Equal("controller-b", LeaseHolder(server));
            Assert.DoesNotContain(standby.Lines, line => line.StartsWith("DERIVED", StringComparison.Ordinal));

            Assert.Equal(0, await standby.StopAsync(TimeSpan.FromSeconds(15)));
            Assert.Empty(first.ErrorLines);
            Assert.Empty(standby.ErrorLines);
        }
        finally
        {
            first.Report();
            if (second is not null)
            {
                second.Report();
                await second.DisposeAsync();
            }
        }
    }

    private static string? Derived(KubeApiServerEmulator server, string name)
        => server.GetObject("v1", "ConfigMap", Namespace, name)?["data"]?["derived"]?.GetValue<string>();

    private static string? LeaseHolder(KubeApiServerEmulator server)
        => server.GetObject("coordination.k8s.io/v1", "Lease", Namespace, LeaseName)?["spec"]?["holderIdentity"]?.GetValue<string>();

    /// <summary>Starts one controller with short lease timings; --run-seconds is only a safety net (the test stops it with SIGTERM).</summary>
    private static RunningProcess StartController(AotControllerFixture fixture, KubeApiServerEmulator server, string identity, ITestOutputHelper output)
        => RunningProcess.Start(
            fixture.BinaryPath,
            ["--identity", identity, "--lease-duration", "2", "--renew-deadline", "1.5", "--retry-period", "0.3", "--run-seconds", "120"],
            fixture.PublishDirectory,
            server.Environment,
            identity,
            output);
}

/// <summary>Publishes tests/KubeGen.AotController with Native AOT once for the class.</summary>
public sealed class AotControllerFixture() : NativeAotPublishFixture("KubeGen.AotController");
