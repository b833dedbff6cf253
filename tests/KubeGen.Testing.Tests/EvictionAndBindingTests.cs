using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// pods/eviction against PodDisruptionBudgets (as kube-apiserver's eviction REST decides: the budget's status allows a
/// disruption, which the eviction uses up, or the answer is 429 with the DisruptionBudget cause) and pods/binding,
/// over the real v1.36 spec, which serves both (the fixture has no budgets and no binding).
/// </summary>
public sealed class EvictionAndBindingTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    private static string Pod(string name, string phase) => $$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{{name}}}, namespace: default, labels: {app: web}}
        spec:
          containers: [{name: app, image: nginx:1.27}]
        status: {phase: {{{phase}}}}
        """;

    /// <summary>A budget over app=web with the status the disruption controller would have written.</summary>
    private static string Budget(int allowed, int generation = 1, int observedGeneration = 1) => $$$"""
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web, namespace: default, generation: {{{generation}}}}
        spec:
          minAvailable: 2
          selector: {matchLabels: {app: web}}
        status: {observedGeneration: {{{observedGeneration}}}, disruptionsAllowed: {{{allowed}}}, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3}
        """;

    private static string Eviction(string pod) => $$$"""{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"{{{pod}}}","namespace":"default"}}""";

    private static long? Allowed(KubeApiServerEmulator server)
        => server.GetObject("policy/v1", "PodDisruptionBudget", "default", "web")?["status"]?["disruptionsAllowed"]?.GetValue<long>();

    [Fact]
    public async Task An_eviction_uses_up_the_budgets_allowed_disruption_and_the_next_is_a_429_naming_the_budget()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        server.Seed(Pod("a", "Running") + "\n---\n" + Pod("b", "Running") + "\n---\n" + Budget(allowed: 1));
        using HttpClient client = server.CreateHttpClient();

        var evicted = await client.PostJsonAsync($"{Pods}/a/eviction", Eviction("a"));
        Assert.Equal(201, (int)evicted.Code);
        Assert.Equal("Success", evicted.Body?["status"]?.GetValue<string>());
        Assert.Null(server.GetObject("v1", "Pod", "default", "a"));
        Assert.Equal(0, Allowed(server));

        var refused = await client.PostJsonAsync($"{Pods}/b/eviction", Eviction("b"));
        AssertStatus(refused, 429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
        JsonNode cause = Assert.Single(refused.Body!["details"]!["causes"]!.AsArray())!;
        Assert.Equal("DisruptionBudget", cause["reason"]!.GetValue<string>());
        Assert.Equal("The disruption budget web needs 2 healthy pods and has 2 currently", cause["message"]!.GetValue<string>());
        Assert.NotNull(server.GetObject("v1", "Pod", "default", "b"));
    }

    [Fact]
    public async Task A_budget_the_controller_has_not_observed_yet_is_a_429_to_retry_in_10_seconds()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        server.Seed(Pod("a", "Running") + "\n---\n" + Budget(allowed: 1, generation: 2, observedGeneration: 1));
        using HttpClient client = server.CreateHttpClient();

        var refused = await client.PostJsonAsync($"{Pods}/a/eviction", Eviction("a"));

        AssertStatus(refused, 429, "TooManyRequests");
        Assert.Equal(10, refused.Body!["details"]!["retryAfterSeconds"]!.GetValue<int>());
        Assert.Equal("The disruption budget web is still being processed by the server.", refused.Body["details"]!["causes"]![0]!["message"]!.GetValue<string>());
        Assert.NotNull(server.GetObject("v1", "Pod", "default", "a"));
    }

    [Fact]
    public async Task A_pod_that_is_not_running_is_evicted_whatever_the_budget_says_and_a_dry_run_changes_nothing()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        server.Seed(Pod("pending", "Pending") + "\n---\n" + Pod("running", "Running") + "\n---\n" + Budget(allowed: 0));
        using HttpClient client = server.CreateHttpClient();

        Assert.Equal(201, (int)(await client.PostJsonAsync($"{Pods}/pending/eviction", Eviction("pending"))).Code);
        Assert.Null(server.GetObject("v1", "Pod", "default", "pending"));

        server.Seed(Budget(allowed: 1));
        Assert.Equal(201, (int)(await client.PostJsonAsync($"{Pods}/running/eviction?dryRun=All", Eviction("running"))).Code);
        Assert.NotNull(server.GetObject("v1", "Pod", "default", "running"));
        Assert.Equal(1, Allowed(server));
    }

    [Fact]
    public async Task An_eviction_whose_name_is_not_the_pods_is_a_400()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        server.Seed(Pod("a", "Running"));
        using HttpClient client = server.CreateHttpClient();

        AssertStatus(await client.PostJsonAsync($"{Pods}/a/eviction", Eviction("other")), 400, "BadRequest", "name in URL does not match name in Eviction object");
    }

    [Fact]
    public async Task A_binding_assigns_the_pod_to_its_node_once()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        server.Seed(Pod("a", "Pending"));
        using HttpClient client = server.CreateHttpClient();
        const string Binding = """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"a"},"target":{"kind":"Node","name":"node-a"}}""";

        Assert.Equal(201, (int)(await client.PostJsonAsync($"{Pods}/a/binding", Binding)).Code);
        Assert.Equal("node-a", server.GetObject("v1", "Pod", "default", "a")?["spec"]?["nodeName"]?.GetValue<string>());

        AssertStatus(await client.PostJsonAsync($"{Pods}/a/binding", Binding.Replace("node-a", "node-b", StringComparison.Ordinal)), 409, "Conflict", "Operation cannot be fulfilled on pods \"a\": pod a is already assigned to node \"node-a\"");
        Assert.Equal("node-a", server.GetObject("v1", "Pod", "default", "a")?["spec"]?["nodeName"]?.GetValue<string>());
    }
}
