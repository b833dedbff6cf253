using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// samples/ConfigMapOperator, published with Native AOT and run as two replicas (processes sharing
/// one service-account directory, as two pods of one Deployment do) against the KubeGen.Testing API
/// server emulator, whose service account has exactly the rules of the sample's deploy/role.yaml.
/// Runs in the demo collection (not in parallel with it): both publish with Native AOT.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed class ConfigMapOperatorTests(ConfigMapOperatorFixture fixture, ITestOutputHelper output) : IClassFixture<ConfigMapOperatorFixture>
{
    private const string Namespace = "default";
    private const string LeaseName = "configmap-operator";
    private const string AdminToken = "configmap-operator-tests-admin";

    /// <summary>Every wait is bounded: a step that does not happen fails the test instead of hanging it.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    /// <summary>From SIGTERM to the exit: the work stops and the Lease is released within a second or two.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private static readonly string SeedManifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app-config
          namespace: default
          labels: { kubegen.dev/mirror: "true" }
        data:
          mode: fast
          greeting: hello
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: blob
          namespace: default
          labels: { kubegen.dev/mirror: "true", team: a }
        data:
          name: blob
        binaryData:
          payload: AAEC/w==
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: plain
          namespace: default
          labels: { team: a }
        data:
          untouched: "yes"
        """;

    [Fact]
    public void Publish_succeeds_without_warnings()
    {
        fixture.RequirePrerequisites();
        Assert.True(fixture.PreparationFailure is null, fixture.PreparationFailure);
        ProcessResult publish = fixture.Publish!;
        fixture.WriteSummary(output);

        if (publish.ExitCode != 0 || publish.TimedOut)
        {
            output.WriteLine("---- publish output ----");
            output.WriteLine(publish.CombinedText);
        }

        IReadOnlyList<string> ilDiagnostics = fixture.TrimAndAotDiagnostics;
        Assert.True(ilDiagnostics.Count == 0, $"The Native AOT publish reported {ilDiagnostics.Count} trim/AOT diagnostic line(s):\n" + string.Join('\n', ilDiagnostics));
        Assert.False(publish.TimedOut, "The publish did not finish in time; its output is in the test output.");
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed with exit code {publish.ExitCode}:\n" + string.Join('\n', fixture.WarningAndErrorLines));
        Assert.True(fixture.PackAndPublishWarnings.Count == 0, "The pack or the publish reported warnings:\n" + string.Join('\n', fixture.PackAndPublishWarnings));
        Assert.False(File.Exists(Path.Combine(fixture.PublishDirectory, "ConfigMapOperator.dll")), "The operator was not compiled ahead of time.");
    }

    [Fact]
    public async Task Deploy_role_has_exactly_the_rules_of_the_generated_client()
    {
        fixture.RequirePublishedBinary();
        IReadOnlyList<string> generated = await GeneratedRulesAsync();
        IReadOnlyList<string> role = await DeployRoleRulesAsync(fixture.RepositoryRoot);
        Assert.Equal(generated, role);
        Assert.Equal(["coordination.k8s.io|leases|create,get,update", "events.k8s.io|events|create,patch", "|configmaps|create,delete,get,list,patch,watch"], role);
    }

    [Fact]
    public async Task The_published_rbac_yaml_is_a_Role_with_the_deploy_roles_rules()
    {
        fixture.RequirePublishedBinary();
        string manifest = await File.ReadAllTextAsync(Path.Combine(fixture.PublishDirectory, "rbac.yaml"), TestContext.Current.CancellationToken);
        output.WriteLine("rbac.yaml:\n" + manifest);

        Assert.Contains("\nkind: Role\n", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: ClusterRole", manifest, StringComparison.Ordinal);
        Assert.Equal(await DeployRoleRulesAsync(fixture.RepositoryRoot), RbacYaml.ParseRules(RbacYaml.RulesSection(manifest)));
    }

    [Fact]
    public async Task Two_replicas_elect_one_leader_that_keeps_summaries_in_sync_and_hands_over_on_SIGTERM()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        var options = new KubeApiServerEmulatorOptions { ServiceAccountRules = await RoleAsAccessRulesAsync(fixture.RepositoryRoot) };
        options.SpecFiles.Add(Path.Combine(fixture.RepositoryRoot, "fixtures", "openapi", "mini-cluster.swagger.json"));
        options.SeedManifests.Add(SeedManifest);
        options.Tokens[AdminToken] = EmulatorUser.Admin();
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);
        using HttpClient admin = server.CreateHttpClient(AdminToken);

        Replica a = StartReplica(server, "operator-a");
        await using RunningProcess aProcess = a.Process;
        Replica b = StartReplica(server, "operator-b");
        await using RunningProcess bProcess = b.Process;
        try
        {
            // 1. Exactly one replica leads; the other sees it and waits.
            Replica leader = await OperatorReplicas.FirstToPrintAsync([a, b], r => r.Lines, line => line.StartsWith("leader: acquired ", StringComparison.Ordinal), StepTimeout, ct);
            Replica standby = leader == a ? b : a;
            await standby.WaitForLineAsync($"leader: observed {leader.Identity}", ct);
            Assert.Equal(leader.Identity, LeaseHolder(server));
            Assert.DoesNotContain(standby.Lines, line => line.StartsWith("leader: acquired ", StringComparison.Ordinal));

            // 2. The labelled ConfigMaps get their summaries, the unlabelled one does not.
            // (The caches are warm on both replicas; how many summaries the leader's line counts depends on how far its
            // workers, which start at once, have got.)
            await WaitUntilAsync(() => leader.Lines.Any(line => line.StartsWith("synced 2 sources, ", StringComparison.Ordinal)), "the leader reports its synced caches", ct);
            await leader.WaitForLineAsync("created default/app-config-summary", ct);
            await leader.WaitForLineAsync("created default/blob-summary", ct);
            AssertSummary(server, "app-config", new() { ["mode"] = "fast"u8.ToArray(), ["greeting"] = "hello"u8.ToArray() });
            AssertSummary(server, "blob", new() { ["name"] = "blob"u8.ToArray(), ["payload"] = [0, 1, 2, 255] });
            Assert.Null(server.GetObject("v1", "ConfigMap", Namespace, "plain-summary"));

            // 3. A change of the source's data updates its summary.
            await PatchAsync(admin, server, "app-config", """{"data":{"greeting":"world"}}""", ct);
            await leader.WaitForLineAsync("updated default/app-config-summary", ct);
            AssertSummary(server, "app-config", new() { ["mode"] = "fast"u8.ToArray(), ["greeting"] = "world"u8.ToArray() });
            string? version = ResourceVersion(server, "app-config-summary");

            // 4. A change that leaves the data alone writes nothing. The source cache delivers events in
            //    order and one worker reconciles them in order, so once a later ConfigMap's summary is
            //    created, the annotation's event has been handled.
            await PatchAsync(admin, server, "app-config", """{"metadata":{"annotations":{"note":"metadata only"}}}""", ct);
            await CreateAsync(admin, server, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"second","labels":{"kubegen.dev/mirror":"true"}},"data":{"k":"v"}}""", ct);
            await leader.WaitForLineAsync("created default/second-summary", ct);
            Assert.Single(leader.Lines, "updated default/app-config-summary");
            Assert.Equal(version, ResourceVersion(server, "app-config-summary"));

            // 5. A source that loses the label loses its summary; a summary deleted by hand comes back.
            await PatchAsync(admin, server, "second", """{"metadata":{"labels":{"kubegen.dev/mirror":null}}}""", ct);
            await leader.WaitForLineAsync("deleted default/second-summary", ct);
            Assert.Null(server.GetObject("v1", "ConfigMap", Namespace, "second-summary"));
            await DeleteAsync(admin, server, "app-config-summary", ct);
            await WaitUntilAsync(() => leader.Lines.Count(line => line == "created default/app-config-summary") == 2, "the leader re-creates app-config-summary", ct);
            AssertSummary(server, "app-config", new() { ["mode"] = "fast"u8.ToArray(), ["greeting"] = "world"u8.ToArray() });
            Assert.DoesNotContain(standby.Lines, IsAction);

            // 6. SIGTERM: the leader stops, releases the Lease and exits with 0; the standby takes over
            //    at once (well before the 2 s lease duration runs out), finds every summary up to date
            //    and keeps reconciling.
            var handover = Stopwatch.StartNew();
            Assert.Equal(0, await leader.Process.StopAsync(StopTimeout));
            await standby.WaitForLineAsync($"leader: acquired {standby.Identity}", ct);
            output.WriteLine($"handover: {handover.ElapsedMilliseconds} ms from SIGTERM to the standby's 'leader: acquired'");
            Assert.Contains($"leader: released {leader.Identity}", leader.Lines);
            Assert.Equal($"stopped {leader.Identity}", leader.Lines[^1]);
            Assert.Equal(standby.Identity, LeaseHolder(server));
            await standby.WaitForLineAsync("synced 2 sources, 2 summaries", ct); // warm caches: nothing to list again

            await PatchAsync(admin, server, "blob", """{"data":{"name":"renamed"}}""", ct);
            await standby.WaitForLineAsync("updated default/blob-summary", ct);
            AssertSummary(server, "blob", new() { ["name"] = "renamed"u8.ToArray(), ["payload"] = [0, 1, 2, 255] });
            Assert.Equal(["updated default/blob-summary"], standby.Lines.Where(IsAction));

            // 7. Deleting a source deletes its summary (the garbage collector follows the ownerReference).
            await DeleteAsync(admin, server, "app-config", ct);
            await WaitUntilAsync(() => server.GetObject("v1", "ConfigMap", Namespace, "app-config-summary") is null, "app-config-summary is garbage-collected", ct);

            Assert.Equal(0, await standby.Process.StopAsync(StopTimeout));
            Assert.Contains($"leader: released {standby.Identity}", standby.Lines);
            Assert.Empty(a.ErrorLines);
            Assert.Empty(b.ErrorLines);
        }
        finally
        {
            a.Process.Report();
            b.Process.Report();
        }
    }

    [Fact]
    public async Task A_replica_that_cannot_list_ConfigMaps_leaves_the_Lease_free_and_exits_with_1()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;

        // The Role without its configmaps rule: the replica wins the Lease, but its caches get 403.
        var options = new KubeApiServerEmulatorOptions
        {
            ServiceAccountRules = [.. (await RoleAsAccessRulesAsync(fixture.RepositoryRoot)).Where(rule => !rule.Resources.Contains("configmaps"))],
        };
        options.SpecFiles.Add(Path.Combine(fixture.RepositoryRoot, "fixtures", "openapi", "mini-cluster.swagger.json"));
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);

        Replica replica = StartReplica(server, "operator-forbidden");
        await using RunningProcess process = replica.Process;
        try
        {
            // The caches start on every replica before it campaigns (warm standby), so the 403 may come before or after
            // the replica wins the Lease; either way it must end with the Lease free and exit code 1.
            Assert.Equal(1, await process.WaitForExitAsync(StepTimeout));
            Assert.Contains(process.ErrorLines, line => line.StartsWith("fatal: KubeApiException", StringComparison.Ordinal) && line.Contains("forbidden", StringComparison.OrdinalIgnoreCase));
            Assert.Equal("stopped operator-forbidden", replica.Lines[^1]);
            if (replica.Lines.Contains("leader: acquired operator-forbidden"))
            {
                Assert.Equal("leader: released operator-forbidden", replica.Lines[^2]);
            }

            Assert.True(string.IsNullOrEmpty(LeaseHolder(server)), $"The Lease is still held by '{LeaseHolder(server)}'.");
        }
        finally
        {
            process.Report();
        }
    }

    /// <summary>The summary's content, computed here independently of the operator, and its owner.</summary>
    private static void AssertSummary(KubeApiServerEmulator server, string source, Dictionary<string, byte[]> sourceValues)
    {
        JsonObject summary = server.GetObject("v1", "ConfigMap", Namespace, source + "-summary")
            ?? throw new Xunit.Sdk.XunitException($"{source}-summary does not exist.");
        JsonObject owner = server.GetObject("v1", "ConfigMap", Namespace, source)!;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string key, byte[] value) in sourceValues.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            byte[] length = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(length, value.Length);
            hash.AppendData([.. Encoding.UTF8.GetBytes(key), 0, .. length, .. value]);
        }

        var expected = new Dictionary<string, string>
        {
            ["source"] = source,
            ["keys"] = sourceValues.Count.ToString(CultureInfo.InvariantCulture),
            ["bytes"] = sourceValues.Values.Sum(v => v.Length).ToString(CultureInfo.InvariantCulture),
            ["sha256"] = Convert.ToHexStringLower(hash.GetHashAndReset()),
        };
        Assert.Equal(expected, summary["data"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()));
        Assert.Equal("configmap-operator", summary["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]!.GetValue<string>());

        JsonObject reference = Assert.Single(summary["metadata"]!["ownerReferences"]!.AsArray())!.AsObject();
        Assert.Equal("v1", reference["apiVersion"]!.GetValue<string>());
        Assert.Equal("ConfigMap", reference["kind"]!.GetValue<string>());
        Assert.Equal(source, reference["name"]!.GetValue<string>());
        Assert.Equal(owner["metadata"]!["uid"]!.GetValue<string>(), reference["uid"]!.GetValue<string>());
        Assert.True(reference["controller"]!.GetValue<bool>());
    }

    private static bool IsAction(string line)
        => line.StartsWith("created ", StringComparison.Ordinal) || line.StartsWith("updated ", StringComparison.Ordinal)
            || line.StartsWith("deleted ", StringComparison.Ordinal) || line.StartsWith("skipped ", StringComparison.Ordinal);

    private static string? LeaseHolder(KubeApiServerEmulator server)
        => server.GetObject("coordination.k8s.io/v1", "Lease", Namespace, LeaseName)?["spec"]?["holderIdentity"]?.GetValue<string>();

    private static string? ResourceVersion(KubeApiServerEmulator server, string name)
        => server.GetObject("v1", "ConfigMap", Namespace, name)?["metadata"]?["resourceVersion"]?.GetValue<string>();

    private static async Task PatchAsync(HttpClient http, KubeApiServerEmulator server, string name, string mergePatch, CancellationToken ct)
    {
        using var content = new StringContent(mergePatch, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using HttpResponseMessage response = await http.PatchAsync(ConfigMapUri(server, name), content, ct);
        Assert.True(response.IsSuccessStatusCode, $"PATCH {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task CreateAsync(HttpClient http, KubeApiServerEmulator server, string json, CancellationToken ct)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await http.PostAsync(ConfigMapUri(server, null), content, ct);
        Assert.True(response.IsSuccessStatusCode, $"POST configmaps: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task DeleteAsync(HttpClient http, KubeApiServerEmulator server, string name, CancellationToken ct)
    {
        using HttpResponseMessage response = await http.DeleteAsync(ConfigMapUri(server, name), ct);
        Assert.True(response.IsSuccessStatusCode, $"DELETE {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static Uri ConfigMapUri(KubeApiServerEmulator server, string? name)
        => new(server.BaseUrl, $"api/v1/namespaces/{Namespace}/configmaps" + (name is null ? string.Empty : "/" + name));

    private static Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken ct) => Polling.UntilAsync(condition, what, StepTimeout, ct);

    private Replica StartReplica(KubeApiServerEmulator server, string identity)
        => new(identity, OperatorReplicas.Start(fixture.BinaryPath, fixture.PublishDirectory, server, identity, output));

    private sealed record Replica(string Identity, RunningProcess Process)
    {
        public IReadOnlyList<string> Lines => Process.Lines;

        public IReadOnlyList<string> ErrorLines => Process.ErrorLines;

        public Task WaitForLineAsync(string line, CancellationToken ct) => Process.WaitForLineAsync(line, StepTimeout, ct);
    }

    private async Task<IReadOnlyList<string>> GeneratedRulesAsync()
    {
        string generated = await RbacYaml.PrintedRulesAsync(fixture.BinaryPath, fixture.RepositoryRoot, TestContext.Current.CancellationToken);
        output.WriteLine("KubeClient.RbacRules:\n" + generated);
        return RbacYaml.ParseRules(generated);
    }

    private static async Task<IReadOnlyList<string>> DeployRoleRulesAsync(string repositoryRoot)
    {
        string role = await File.ReadAllTextAsync(
            Path.Combine(repositoryRoot, "samples", "ConfigMapOperator", "deploy", "role.yaml"),
            TestContext.Current.CancellationToken);
        return RbacYaml.ParseRules(RbacYaml.RulesSection(role));
    }

    /// <summary>deploy/role.yaml bound in the test namespace: the replicas get no more than a cluster would give them.</summary>
    private static async Task<IList<AccessRule>> RoleAsAccessRulesAsync(string repositoryRoot)
        => RbacYaml.AccessRules(await File.ReadAllTextAsync(Path.Combine(repositoryRoot, "samples", "ConfigMapOperator", "deploy", "role.yaml"), TestContext.Current.CancellationToken), Namespace);
}

/// <summary>
/// samples/ConfigMapOperator, published with Native AOT once for the class from the KubeGen package
/// (the local feed of the run), as an operator of a user's own is built.
/// </summary>
public sealed class ConfigMapOperatorFixture(LocalPackageFeed feed) : SamplePackagePublishFixture("ConfigMapOperator", feed);
