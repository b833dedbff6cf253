using System.Reflection;
using System.Text.RegularExpressions;
using ClientTests.Kube;
using ClientTests.Kube.AppsV1;
using ClientTests.Kube.CoreV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Client.Tests;

/// <summary>The generated client root: RBAC rules, namespace, ownership of the connection, and which verbs exist.</summary>
public sealed partial class ClientShapeTests
{
    private const string AllVerbs = "get,list,watch,create,update,patch,delete,deletecollection";
    private const string SubresourceVerbs = "get,update,patch";

    /// <summary>
    /// What the csproj's selection allows: every verb the spec has for each selected resource (namespaces have no
    /// deletecollection), plus the status and scale subresources, and the pods' streaming subresources the selection names
    /// (the WebSocket ones with get and create). Nothing else (no nodes, services, pods/binding, pods/proxy, ...).
    /// </summary>
    private static readonly string[] SelectionRules =
    [
        $"|pods|{AllVerbs}",
        $"|pods/status|{SubresourceVerbs}",
        "|pods/log|get",
        "|pods/exec|get,create",
        "|pods/attach|get,create",
        "|pods/portforward|get,create",
        "|pods/eviction|create",
        $"|configmaps|{AllVerbs}",
        $"|secrets|{AllVerbs}",
        $"|events|{AllVerbs}",
        "|namespaces|get,list,watch,create,update,patch,delete",
        $"|namespaces/status|{SubresourceVerbs}",
        $"apps|deployments|{AllVerbs}",
        $"apps|deployments/scale|{SubresourceVerbs}",
        $"apps|deployments/status|{SubresourceVerbs}",
        $"coordination.k8s.io|leases|{AllVerbs}",
        $"stable.example.com|crontabs|{AllVerbs}",
        $"stable.example.com|crontabs/scale|{SubresourceVerbs}",
        $"stable.example.com|crontabs/status|{SubresourceVerbs}",
        $"events.k8s.io|events|{AllVerbs}",
    ];

    [Fact]
    public void RbacRulesCoverExactlyWhatTheSelectionCanDo()
    {
        List<string> rules = ParseRules(KubeClient.RbacRules);

        Assert.Equal(SelectionRules.Order(StringComparer.Ordinal), rules.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RbacRulesAreYamlThatARoleCanEmbed()
    {
        string[] lines = KubeClient.RbacRules.Split('\n');

        Assert.Equal(string.Empty, lines[^1]);
        Assert.Equal(0, (lines.Length - 1) % 3);
        for (int i = 0; i < lines.Length - 1; i += 3)
        {
            Assert.Matches(ApiGroupsLine(), lines[i]);
            Assert.Matches(ResourcesLine(), lines[i + 1]);
            Assert.Matches(VerbsLine(), lines[i + 2]);
        }

        Assert.Contains("- apiGroups: [\"\"]\n  resources: [\"pods\"]\n  verbs: [\"get\", \"list\", \"watch\", \"create\", \"update\", \"patch\", \"delete\", \"deletecollection\"]\n", KubeClient.RbacRules, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("team-a", "team-a")]
    [InlineData("  team-b ", "team-b")]
    [InlineData(null, "default")]
    public async Task NamespaceIsTheConnectionsNamespace(string? configured, string expected)
    {
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = new Uri("http://127.0.0.1:9/"), Token = "t", Namespace = configured });
        await using var kube = new KubeClient(connection);

        Assert.Equal(expected, kube.Namespace);
        Assert.Equal(connection.Namespace, kube.Namespace);
        Assert.Same(connection, kube.Connection);
    }

    [Fact]
    public void ConstructorRejectsANullConnection()
        => Assert.Equal("connection", Assert.Throws<ArgumentNullException>(() => new KubeClient(null!)).ParamName);

    [Fact]
    public async Task ClientCreatedOverAConnectionLeavesItOpen()
    {
        await using var api = await KubeTestServer.StartAsync(defaultNamespace: "shop");
        api.Reply(Wire.PodVerbTests.PodJson);
        api.Reply(Wire.PodVerbTests.PodJson);

        var first = new KubeClient(api.Connection);
        first.Dispose();
        var second = new KubeClient(api.Connection);
        await second.DisposeAsync();

        // Both clients are disposed; the connection they were given still works, also through them.
        Pod pod = await first.CoreV1.Pods.GetAsync(first.Namespace, "web-1", cancellationToken: api.Cancel);
        await second.CoreV1.Pods.GetAsync(second.Namespace, "web-1", cancellationToken: api.Cancel);

        Assert.Equal("web-1", pod.Metadata!.Name);
        Assert.Equal(2, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal("/api/v1/namespaces/shop/pods/web-1", r.PathAndQuery));
    }

    [Fact]
    public async Task InClusterClientOwnsAndDisposesItsConnection()
    {
        using var certificates = Certificates.Create();
        await using LoopbackServer server = await LoopbackServer.StartAsync(certificates.Server);
        server.EnqueueJson(200, """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kube-tests"},"status":{"phase":"Active"}}""");
        string directory = Directory.CreateTempSubdirectory("kubegen-client-tests-").FullName;
        string? oldHost = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        string? oldPort = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        try
        {
            File.WriteAllText(Path.Combine(directory, "token"), "in-cluster-token\n");
            File.WriteAllText(Path.Combine(directory, "namespace"), "kube-tests");
            File.WriteAllText(Path.Combine(directory, "ca.crt"), certificates.Authority.ExportCertificatePem());
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", "127.0.0.1");
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", server.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using CancellationTokenSource timeout = TestTimeout.Start();

            KubeClient kube = KubeClient.InCluster(new InClusterOptions { ServiceAccountDirectory = directory });
            Assert.Equal("kube-tests", kube.Namespace);
            Assert.Equal(new Uri($"https://127.0.0.1:{server.BaseUri.Port}/"), kube.Connection.Server);
            Namespace ns = await kube.CoreV1.Namespaces.GetAsync(kube.Namespace, cancellationToken: timeout.Token);
            Assert.Equal("Active", ns.Status!.Phase);
            Assert.Equal("Bearer in-cluster-token", Assert.Single(server.Requests).Header("Authorization"));

            await kube.DisposeAsync();

            await Assert.ThrowsAsync<ObjectDisposedException>(() => kube.CoreV1.Namespaces.GetAsync(kube.Namespace, cancellationToken: timeout.Token));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => kube.Connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/kube-tests", null, Namespace.JsonTypeInfo, timeout.Token));
            Assert.Single(server.Requests);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", oldHost);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", oldPort);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void OnlyTheVerbsAndSubresourcesInTheSpecAreGenerated()
    {
        // Namespaces: cluster-scoped, no deletecollection, a status subresource.
        Assert.Equal(
            ["ApplyAsync", "ApplyStatusAsync", "CreateAsync", "DeleteAsync", "GetAsync", "GetStatusAsync", "ListAsync", "PatchAsync", "PatchStatusAsync", "ReplaceAsync", "ReplaceStatusAsync", "WatchAsync", "WatchSingleConnectionAsync"],
            AsyncMethods(typeof(NamespacesClient)));

        // Secrets: namespaced, every verb, no status subresource, no deprecated watch paths (the list path with watch=true is used).
        Assert.Equal(
            ["ApplyAsync", "CreateAsync", "DeleteAsync", "DeleteCollectionAsync", "GetAsync", "ListAsync", "ListForAllNamespacesAsync", "PatchAsync", "ReplaceAsync", "WatchAsync", "WatchForAllNamespacesAsync", "WatchSingleConnectionAsync", "WatchSingleConnectionForAllNamespacesAsync"],
            AsyncMethods(typeof(SecretsClient)));

        // Deployments and the CRD: status and scale subresources; scale is autoscaling/v1 Scale.
        string[] withScale =
        [
            "ApplyAsync", "ApplyStatusAsync", "CreateAsync", "DeleteAsync", "DeleteCollectionAsync", "GetAsync", "GetScaleAsync", "GetStatusAsync", "ListAsync",
            "ListForAllNamespacesAsync", "PatchAsync", "PatchScaleAsync", "PatchStatusAsync", "ReplaceAsync", "ReplaceScaleAsync", "ReplaceStatusAsync", "WatchAsync", "WatchForAllNamespacesAsync",
            "WatchSingleConnectionAsync", "WatchSingleConnectionForAllNamespacesAsync",
        ];
        Assert.Equal(withScale, AsyncMethods(typeof(DeploymentsClient)));
        Assert.Equal(withScale, AsyncMethods(typeof(ClientTests.Kube.StableV1.CronTabsClient)));
        Assert.Equal(typeof(Task<ClientTests.Kube.AutoscalingV1.Scale>), typeof(DeploymentsClient).GetMethod("GetScaleAsync")!.ReturnType);

        // Pods: no scale subresource; the streaming subresources the selection names (never pods:* alone, see the generator's tests).
        Assert.DoesNotContain("GetScaleAsync", AsyncMethods(typeof(PodsClient)));
        Assert.Equal(26, AsyncMethods(typeof(PodsClient)).Length); // 13 calls + the two following WatchAsync methods + 9 streaming + ApplyAsync and ApplyStatusAsync
        Assert.Superset(
            new HashSet<string>(["StreamLogLinesAsync", "StreamLogAsync", "GetLogAsync", "ExecAsync", "RunAsync", "AttachAsync", "PortForwardAsync", "ConnectPortAsync", "EvictAsync"], StringComparer.Ordinal),
            AsyncMethods(typeof(PodsClient)).ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void NamespacedMethodsTakeTheNamespaceFirst()
    {
        foreach (MethodInfo method in typeof(PodsClient).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            string first = method.GetParameters()[0].Name!;
            Assert.True(
                method.Name.Contains("ForAllNamespaces", StringComparison.Ordinal) ? first != "namespace" : first == "namespace",
                $"{method.Name} starts with '{first}'.");
            if (method.Name.EndsWith("Async", StringComparison.Ordinal))
            {
                Assert.Equal("cancellationToken", method.GetParameters()[^1].Name); // not CreateCache: it only builds the cache
            }
        }

        Assert.All(typeof(NamespacesClient).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly), m => Assert.DoesNotContain(m.GetParameters(), p => p.Name == "namespace"));
    }

    internal static List<string> ParseRules(string yaml)
    {
        string[] lines = yaml.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, lines.Length % 3);
        var rules = new List<string>();
        for (int i = 0; i < lines.Length; i += 3)
        {
            string group = Assert.Single(Items(ApiGroupsLine().Match(lines[i])));
            string resource = Assert.Single(Items(ResourcesLine().Match(lines[i + 1])));
            rules.Add($"{group}|{resource}|{string.Join(',', Items(VerbsLine().Match(lines[i + 2])))}");
        }

        return rules;
    }

    private static string[] Items(Match match)
    {
        Assert.True(match.Success, "Not an RBAC rule line.");
        return match.Groups["items"].Captures.Select(c => c.Value).ToArray();
    }

    private static string[] AsyncMethods(Type client)
        => client.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => m.Name)
            .Where(n => n.EndsWith("Async", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

    [GeneratedRegex("""^- apiGroups: \[(?:"(?<items>[a-z0-9.\-]*)"(?:, )?)+\]$""")]
    private static partial Regex ApiGroupsLine();

    [GeneratedRegex("""^  resources: \[(?:"(?<items>[a-z0-9./\-]+)"(?:, )?)+\]$""")]
    private static partial Regex ResourcesLine();

    [GeneratedRegex("""^  verbs: \[(?:"(?<items>[a-z]+)"(?:, )?)+\]$""")]
    private static partial Regex VerbsLine();
}
