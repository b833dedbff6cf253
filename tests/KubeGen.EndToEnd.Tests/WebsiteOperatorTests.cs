using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// The WebsiteOperator sample as a user meets it: <c>samples/WebsiteOperator/demo.sh</c> installs the CRD in the API server
/// emulator, fetches the CRD's OpenAPI document, publishes the operator with Native AOT (no trim or AOT warning) from it and
/// walks through the loop with two replicas. Then the published binary runs again, as two replicas whose service account
/// has exactly deploy/role.yaml, against an emulator the test reads directly: the child ConfigMap's content and owner, the
/// Ready condition and its observedGeneration, the Events, the finalizer's cleanup of the shared registry and the garbage
/// collection of the child. Every wait polls for a state with a generous bound; nothing depends on timing.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed class WebsiteOperatorTests(WebsiteOperatorDemoFixture fixture, ITestOutputHelper output) : IClassFixture<WebsiteOperatorDemoFixture>
{
    private const string Namespace = "default";
    private const string AdminToken = "website-operator-tests-admin";
    private const string ReadyCondition = "Ready";

    /// <summary>How long a state may take to appear: far above the second or two it takes on a loaded 2-core machine.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private string Sample => Path.Combine(fixture.RepositoryRoot, "samples", "WebsiteOperator");

    [Fact]
    public void Demo_publishes_without_warnings_and_walks_through_the_loop()
    {
        ProcessResult demo = fixture.AssertDemoSucceeded(output);
        Assert.True(File.Exists(fixture.BinaryPath), "The demo did not publish a native binary (it ran JIT-compiled?).");
        Assert.False(File.Exists(Path.Combine(fixture.PublishDirectory, "WebsiteOperator.dll")), "The operator was not compiled ahead of time.");

        Assert.Contains("==> The cluster's document equals the committed openapi/apis__demo.kubegen.dev__v1_openapi.json", demo.StandardOutput);
        Assert.Contains("    Website/hello controller=true blockOwnerDeletion=true", demo.StandardOutput);
        Assert.Contains("    <p>Edited: the operator converges</p>", demo.StandardOutput);
        Assert.Contains(demo.StandardOutput, line => line.StartsWith("==> replica-a killed (its Lease not released); replica-b leads after ", StringComparison.Ordinal));
        Assert.Contains("==> The operator took hello out of the registry, then its finalizer; the Website is gone, and the garbage collector removed hello-content", demo.StandardOutput);
        Assert.Contains("    {\"legacy-site\":\"served-elsewhere\"}", demo.StandardOutput);
    }

    [Fact]
    public async Task Deploy_role_has_exactly_the_rules_of_the_generated_client()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        IReadOnlyList<string> generated = RbacYaml.ParseRules(await RbacYaml.PrintedRulesAsync(fixture.BinaryPath, fixture.RepositoryRoot, ct));
        Assert.Equal(
            [
                "coordination.k8s.io|leases|create,get,update", "demo.kubegen.dev|websites/finalizers|update", "demo.kubegen.dev|websites/status|get,patch",
                "demo.kubegen.dev|websites|get,list,patch,watch", "events.k8s.io|events|create,patch", "|configmaps|create,get,list,patch,watch",
            ],
            generated);
        Assert.Equal(generated, RbacYaml.ParseRules(RbacYaml.RulesSection(await File.ReadAllTextAsync(Path.Combine(fixture.PublishDirectory, "rbac.yaml"), ct))));
        Assert.Equal(generated, RbacYaml.ParseRules(RbacYaml.RulesSection(await File.ReadAllTextAsync(Path.Combine(Sample, "deploy", "role.yaml"), ct))));
    }

    [Fact]
    public async Task Two_replicas_publish_a_Website_converge_on_an_edit_hand_over_and_clean_up_on_deletion()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        var options = new KubeApiServerEmulatorOptions { ServiceAccountName = "website-operator", ServiceAccountRules = await RoleAsAccessRulesAsync(ct) };
        options.SpecFiles.Add(Path.Combine(fixture.RepositoryRoot, "fixtures", "openapi", "mini-cluster.swagger.json"));
        options.Tokens[AdminToken] = EmulatorUser.Admin();
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);
        using HttpClient admin = server.CreateHttpClient(AdminToken);
        await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(Sample, "deploy", "crd.yaml"), ct), ct);

        await using RunningProcess a = StartReplica(server, "operator-a");
        await using RunningProcess b = StartReplica(server, "operator-b");
        try
        {
            // 1. One replica leads, the other stands by.
            RunningProcess leader = await OperatorReplicas.FirstToPrintAsync([a, b], r => r.Lines, line => line.StartsWith("leader: acquired ", StringComparison.Ordinal), StepTimeout, ct);
            RunningProcess standby = leader == a ? b : a;
            string leaderName = leader == a ? "operator-a" : "operator-b";
            string standbyName = leader == a ? "operator-b" : "operator-a";
            await standby.WaitForLineAsync($"leader: observed {leaderName}", StepTimeout, ct);

            // 2. A Website (and the shared registry with a foreign entry): the child, the status, the registry, the Events.
            await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(Sample, "demo-website.yaml"), ct), ct);
            await WaitUntilAsync(() => ReadyGeneration(server) == 1, "Website hello is Ready for generation 1", ct);
            JsonObject website = Website(server)!;
            string uid = website["metadata"]!["uid"]!.GetValue<string>();
            Assert.Equal(1, Number(website["metadata"]!["generation"]));
            Assert.Equal(["demo.kubegen.dev/registry-cleanup"], website["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
            Assert.Equal(1, Number(website["status"]!["observedGeneration"]));
            Assert.Equal("hello-content", website["status"]!["configMapName"]!.GetValue<string>());
            JsonObject ready = Ready(website)!;
            Assert.Equal("True", ready["status"]!.GetValue<string>());
            Assert.Equal("Published", ready["reason"]!.GetValue<string>());
            Assert.Equal("hello-content serves generation 1 on 2 replica(s)", ready["message"]!.GetValue<string>());
            string transition = ready["lastTransitionTime"]!.GetValue<string>();
            AssertContent(server, uid, "Hello from a Native AOT operator", "2");
            Assert.Equal(new Dictionary<string, string> { ["hello"] = "hello-content", ["legacy-site"] = "served-elsewhere" }, Registry(server));
            await WaitUntilAsync(async () => (await EventReasonsAsync(admin, server, ct)).Contains("Published"), "an Event 'Published' regards hello", ct);
            Assert.DoesNotContain(standby.Lines, line => line.StartsWith("published ", StringComparison.Ordinal));

            // 3. An edit of the spec converges: the child's content and the condition follow the new generation; the
            //    condition stayed True, so its transition time stays.
            await PatchWebsiteAsync(admin, server, """{"spec":{"message":"Second <edition>","replicas":3}}""", ct);
            await WaitUntilAsync(() => ReadyGeneration(server) == 2, "Website hello is Ready for generation 2", ct);
            AssertContent(server, uid, "Second &lt;edition&gt;", "3");
            ready = Ready(Website(server)!)!;
            Assert.Equal("hello-content serves generation 2 on 3 replica(s)", ready["message"]!.GetValue<string>());
            Assert.Equal(transition, ready["lastTransitionTime"]!.GetValue<string>());
            Assert.Equal(2, Number(Website(server)!["status"]!["observedGeneration"]));
            await WaitUntilAsync(async () => (await EventReasonsAsync(admin, server, ct)).Contains("Updated"), "an Event 'Updated' regards hello", ct);

            // 4. SIGTERM: the leader drains, releases the Lease and exits with 0; the standby takes over with warm caches.
            Assert.Equal(0, await leader.StopAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains($"leader: released {leaderName}", leader.Lines);
            await standby.WaitForLineAsync($"leader: acquired {standbyName}", StepTimeout, ct);

            // 5. Deletion: the finalizer holds the Website until the new leader took its entry out of the registry (the
            //    foreign entry stays); then the Website goes and the garbage collector removes the child.
            using (HttpResponseMessage deleted = await admin.DeleteAsync(WebsiteUri(server), ct))
            {
                Assert.True(deleted.IsSuccessStatusCode, $"DELETE website hello: {(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync(ct)}");
            }

            await WaitUntilAsync(() => Website(server) is null, "Website hello is deleted", ct);
            await WaitUntilAsync(() => server.GetObject("v1", "ConfigMap", Namespace, "hello-content") is null, "hello-content is garbage-collected", ct);
            Assert.Equal(new Dictionary<string, string> { ["legacy-site"] = "served-elsewhere" }, Registry(server));
            Assert.Contains("unregistered default/hello", standby.Lines);
            await WaitUntilAsync(async () => (await EventReasonsAsync(admin, server, ct)).Contains("Unregistered"), "an Event 'Unregistered' regards hello", ct);

            Assert.Equal(0, await standby.StopAsync(TimeSpan.FromSeconds(30)));
            Assert.Empty(a.ErrorLines);
            Assert.Empty(b.ErrorLines);
        }
        finally
        {
            a.Report();
            b.Report();
        }
    }

    /// <summary>The child ConfigMap: the page with the (HTML-encoded) message, the replicas, the controller reference to the Website.</summary>
    private static void AssertContent(KubeApiServerEmulator server, string websiteUid, string encodedMessage, string replicas)
    {
        JsonObject content = server.GetObject("v1", "ConfigMap", Namespace, "hello-content") ?? throw new Xunit.Sdk.XunitException("hello-content does not exist.");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["index.html"] = $"<!doctype html>\n<title>hello</title>\n<h1>hello</h1>\n<p>{encodedMessage}</p>\n",
                ["replicas"] = replicas,
            },
            content["data"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()));
        Assert.Equal("website-operator", content["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]!.GetValue<string>());
        JsonObject owner = Assert.Single(content["metadata"]!["ownerReferences"]!.AsArray())!.AsObject();
        Assert.Equal("demo.kubegen.dev/v1", owner["apiVersion"]!.GetValue<string>());
        Assert.Equal("Website", owner["kind"]!.GetValue<string>());
        Assert.Equal("hello", owner["name"]!.GetValue<string>());
        Assert.Equal(websiteUid, owner["uid"]!.GetValue<string>());
        Assert.True(owner["controller"]!.GetValue<bool>());
        Assert.True(owner["blockOwnerDeletion"]!.GetValue<bool>());
    }

    private static JsonObject? Website(KubeApiServerEmulator server) => server.GetObject("demo.kubegen.dev/v1", "Website", Namespace, "hello");

    private static JsonObject? Ready(JsonObject website)
        => website["status"]?["conditions"]?.AsArray().Select(c => c!.AsObject()).FirstOrDefault(c => c["type"]?.GetValue<string>() == ReadyCondition);

    /// <summary>The observedGeneration of a True Ready condition, or null.</summary>
    private static long? ReadyGeneration(KubeApiServerEmulator server)
        => Website(server) is { } website && Ready(website) is { } ready && ready["status"]?.GetValue<string>() == "True"
            ? Number(ready["observedGeneration"])
            : null;

    /// <summary>A JSON number as a long (the emulator's nodes hold ints and longs alike).</summary>
    private static long? Number(JsonNode? node) => node is null ? null : long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Registry(KubeApiServerEmulator server)
        => server.GetObject("v1", "ConfigMap", Namespace, "website-registry")?["data"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];

    /// <summary>The reasons of the events.k8s.io Events about Website hello.</summary>
    private static async Task<IReadOnlyList<string>> EventReasonsAsync(HttpClient admin, KubeApiServerEmulator server, CancellationToken ct)
    {
        JsonNode list = JsonNode.Parse(await admin.GetStringAsync(new Uri(server.BaseUrl, $"apis/events.k8s.io/v1/namespaces/{Namespace}/events"), ct))!;
        return list["items"]!.AsArray()
            .Where(e => e!["regarding"]?["kind"]?.GetValue<string>() == "Website" && e["regarding"]?["name"]?.GetValue<string>() == "hello")
            .Select(e => e!["reason"]!.GetValue<string>())
            .ToList();
    }

    private static async Task PatchWebsiteAsync(HttpClient admin, KubeApiServerEmulator server, string mergePatch, CancellationToken ct)
    {
        using var content = new StringContent(mergePatch, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using HttpResponseMessage response = await admin.PatchAsync(WebsiteUri(server), content, ct);
        Assert.True(response.IsSuccessStatusCode, $"PATCH website hello: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static Uri WebsiteUri(KubeApiServerEmulator server) => new(server.BaseUrl, $"apis/demo.kubegen.dev/v1/namespaces/{Namespace}/websites/hello");

    private static Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken ct) => Polling.UntilAsync(condition, what, StepTimeout, ct);

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken ct) => Polling.UntilAsync(condition, what, StepTimeout, ct);

    private RunningProcess StartReplica(KubeApiServerEmulator server, string identity)
        => OperatorReplicas.Start(fixture.BinaryPath, fixture.PublishDirectory, server, identity, output);

    private async Task<IList<AccessRule>> RoleAsAccessRulesAsync(CancellationToken ct)
        => RbacYaml.AccessRules(await File.ReadAllTextAsync(Path.Combine(Sample, "deploy", "role.yaml"), ct), Namespace);
}

/// <summary>The sample's committed document is what the emulator serves for the CRD: what demo.sh fetches and a user would.</summary>
public sealed class WebsiteOperatorSpecTests
{
    [Fact]
    public Task The_committed_OpenAPI_document_is_what_the_cluster_serves_once_the_CRD_is_installed()
        => CrdDocuments.AssertCommittedIsServedAsync("WebsiteOperator", "demo.kubegen.dev/v1", TestContext.Current.CancellationToken);
}

/// <summary>Runs samples/WebsiteOperator/demo.sh once for the class; its Native AOT binary serves the other tests too.</summary>
public sealed class WebsiteOperatorDemoFixture() : SampleDemoFixture("WebsiteOperator")
{
    /// <summary>For the tests that run the binary the demo published: a failed demo fails them with its output.</summary>
    public void RequirePublishedBinary()
    {
        RequirePrerequisites();
        Assert.True(File.Exists(BinaryPath), $"demo.sh published no {BinaryPath} (exit code {Demo?.ExitCode}):\n{string.Join('\n', Demo?.CombinedText.Split('\n').TakeLast(40) ?? [])}");
    }

    protected override string? MissingTool(string script)
        => ProcessRunner.FindOnPath("kubectl") is null ? $"{script} looks at the cluster with kubectl: https://kubernetes.io/docs/tasks/tools/" : null;
}
