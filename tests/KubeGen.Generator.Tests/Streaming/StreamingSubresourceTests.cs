using KubeGen.Generator.Selection;
using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KubeGen.Generator.Tests.Streaming;

/// <summary>
/// The pods' streaming subresources (log, exec, attach, portforward, eviction, binding): how a selector names them,
/// the methods and options classes they become, the RBAC rules they need, and the spec quirks they must not report.
/// </summary>
public sealed class StreamingSubresourceTests
{
    private const string AllStreaming = "pods/log;pods/exec:create;pods/attach:create;pods/portforward:create;pods/eviction:create";
    private const string PodsClient = "Stream.Kube.KubeClient.CoreV1.PodsClient.g.cs";

    private static GenerationResult Generate(string resources, params string[] sources)
        => GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.Fixture("mini-cluster.swagger.json"), resources, "Stream.Kube"), sources);

    private static void AssertClean(GenerationResult result)
    {
        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.True(result.GeneratorDiagnostics.IsEmpty, result.DescribeProblems());
    }

    private static string[] PodMethods(GenerationResult result)
        => result.Compilation.GetTypeByMetadataName("Stream.Kube.CoreV1.PodsClient")!.GetMembers()
            .OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();

    // ---- The selector ---------------------------------------------------------------------------

    [Theory]
    [InlineData("pods/log", "pods", null, null, "log", "")]
    [InlineData("pods/exec:create", "pods", null, null, "exec", "create")]
    [InlineData("pods/v1/portforward:get,create", "pods", null, "v1", "portforward", "get,create")]
    [InlineData("pods.core/v1/Eviction", "pods", "core", "v1", "eviction", "")]
    [InlineData("deployments.apps/scale:update", "deployments", "apps", null, "scale", "update")]
    [InlineData("horizontalpodautoscalers.autoscaling/v2beta2", "horizontalpodautoscalers", "autoscaling", "v2beta2", null, "")]
    [InlineData("widgets.example.com/v1alpha1/status", "widgets", "example.com", "v1alpha1", "status", "")]
    public void A_segment_after_a_slash_is_a_version_when_it_reads_like_one_else_a_subresource(string entry, string name, string? group, string? version, string? subresource, string verbs)
    {
        Assert.True(ResourceSelector.TryParse(entry, out var selector, out var problem), problem);

        Assert.Equal(name, selector!.Name);
        Assert.Equal(group, selector.Group);
        Assert.Equal(version, selector.Version);
        Assert.Equal(subresource, selector.Subresource);
        Assert.Equal(verbs, string.Join(",", selector.Verbs));
    }

    [Theory]
    [InlineData("pods/log/extra", "'extra' comes after the subresource 'log' (write plural[.group][/version][/subresource])")]
    [InlineData("pods/v1/log/x", "'pods/v1/log/x' has too many or empty '/' segments (write plural[.group][/version][/subresource])")]
    [InlineData("pods//log", "'pods//log' has too many or empty '/' segments (write plural[.group][/version][/subresource])")]
    [InlineData("pods/lo_g", "'lo_g' is not a valid version or subresource")]
    public void A_misplaced_or_malformed_subresource_is_rejected_with_the_problem(string entry, string expected)
    {
        Assert.False(ResourceSelector.TryParse(entry, out _, out var problem));

        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("v1", true)]
    [InlineData("v2beta1", true)]
    [InlineData("v1alpha3", true)]
    [InlineData("v10", true)]
    [InlineData("v", false)]
    [InlineData("vbeta1", false)]
    [InlineData("v1beta", false)]
    [InlineData("v1gamma1", false)]
    [InlineData("log", false)]
    [InlineData("version", false)]
    public void Versions_are_recognised_by_the_Kubernetes_version_grammar(string segment, bool isVersion)
        => Assert.Equal(isVersion, ResourceSelector.IsVersion(segment));

    // ---- Generation on the fixture --------------------------------------------------------------

    [Fact]
    public void Every_streaming_subresource_becomes_its_methods_and_compiles_without_diagnostics()
    {
        var result = Generate("pods:get;" + AllStreaming);

        AssertClean(result);
        Assert.Equal(
            new[] { "AttachAsync", "ConnectPortAsync", "EvictAsync", "ExecAsync", "GetAsync", "GetLogAsync", "GetStatusAsync", "PortForwardAsync", "RunAsync", "StreamLogAsync", "StreamLogLinesAsync" },
            PodMethods(result));
        var pods = result.Source(PodsClient);
        Assert.Contains("public global::System.Collections.Generic.IAsyncEnumerable<string> StreamLogLinesAsync(string @namespace, string name, global::Stream.Kube.LogOptions? options = null, global::System.Threading.CancellationToken cancellationToken = default)", pods);
        Assert.Contains("return global::KubeGen.Runtime.KubeLogs.ReadLinesAsync(_connection, url.ToString(), cancellationToken);", pods);
        Assert.Contains("public global::System.Threading.Tasks.Task<global::System.IO.Stream> StreamLogAsync(string @namespace, string name, global::Stream.Kube.LogOptions? options = null", pods);
        Assert.Contains("return _connection.OpenStreamAsync(url.ToString(), cancellationToken);", pods);
        Assert.Contains("Task<global::KubeGen.Runtime.ExecResult> RunAsync(string @namespace, string name, global::System.Collections.Generic.IEnumerable<string> command, string? stdin = null, global::Stream.Kube.ExecOptions? options = null", pods);
        Assert.Contains("Task<global::KubeGen.Runtime.ExecSession> ExecAsync(string @namespace, string name, global::System.Collections.Generic.IEnumerable<string> command, global::Stream.Kube.ExecOptions? options = null", pods);
        Assert.Contains("Task<global::KubeGen.Runtime.ExecSession> AttachAsync(string @namespace, string name, global::Stream.Kube.AttachOptions? options = null", pods);
        Assert.Contains("Task<global::KubeGen.Runtime.PortForwarder> PortForwardAsync(string @namespace, string name, int port, global::System.Net.IPEndPoint? localEndPoint = null", pods);
        Assert.Contains("Task<global::System.IO.Stream> ConnectPortAsync(string @namespace, string name, int port, global::System.Threading.CancellationToken", pods);
        Assert.Contains("Task<global::KubeGen.Runtime.EvictionResult> EvictAsync(string @namespace, string name, global::Stream.Kube.PolicyV1.Eviction? body = null", pods);
        Assert.Contains("return _connection.EvictAsync(url.ToString(), global::KubeGen.Runtime.KubeContent.Json(body, global::Stream.Kube.PolicyV1.Eviction.JsonTypeInfo), cancellationToken);", pods);
    }

    [Fact]
    public void The_log_options_are_a_class_of_their_own_with_the_query_parameters_of_pods_log()
    {
        var result = Generate("pods/log");

        AssertClean(result);
        var log = result.Compilation.GetTypeByMetadataName("Stream.Kube.LogOptions")!;
        var properties = log.GetMembers().OfType<IPropertySymbol>().ToDictionary(p => p.Name, p => p.Type.ToDisplayString());
        Assert.Equal("bool?", properties["Follow"]);
        Assert.Equal("string?", properties["Container"]);
        Assert.Equal("int?", properties["SinceSeconds"]);
        Assert.Equal("int?", properties["TailLines"]);
        Assert.Equal("bool?", properties["Timestamps"]);
        Assert.Equal("bool?", properties["Previous"]);
        Assert.Equal("int?", properties["LimitBytes"]);
        // Not in the spec's query parameters (a metav1.Time), but every API server reads it.
        Assert.Equal("System.DateTimeOffset?", properties["SinceTime"]);
        // The verb's class is not generated for the log alone, and the exec/attach ones are not either.
        Assert.Null(result.Compilation.GetTypeByMetadataName("Stream.Kube.GetOptions"));
        Assert.Null(result.Compilation.GetTypeByMetadataName("Stream.Kube.ExecOptions"));
    }

    [Fact]
    public void A_subresource_alone_generates_no_model_of_the_resource_and_no_call_of_its_own()
    {
        var result = Generate("pods/log");

        AssertClean(result);
        Assert.Equal(new[] { "GetLogAsync", "StreamLogAsync", "StreamLogLinesAsync" }, PodMethods(result));
        Assert.Null(result.Compilation.GetTypeByMetadataName("Stream.Kube.CoreV1.Pod"));
    }

    [Fact]
    public void Selecting_the_resource_never_implies_its_streaming_subresources()
    {
        var result = Generate("pods");

        AssertClean(result);
        var methods = PodMethods(result);
        Assert.Contains("GetAsync", methods);
        Assert.Contains("GetStatusAsync", methods);
        Assert.DoesNotContain(methods, m => m.Contains("Log", StringComparison.Ordinal) || m is "ExecAsync" or "RunAsync" or "AttachAsync" or "PortForwardAsync" or "EvictAsync");
        Assert.DoesNotContain("pods/exec", Rbac(result));
    }

    [Fact]
    public void A_program_using_every_streaming_call_compiles_against_the_generated_client()
    {
        const string program = """
            using System;
            using System.Threading.Tasks;
            using KubeGen.Runtime;
            using Stream.Kube;

            public static class Tool
            {
                public static async Task<int> RunAsync(KubeClient kube)
                {
                    await foreach (string line in kube.CoreV1.Pods.StreamLogLinesAsync("ns", "web", new LogOptions { Follow = true, Container = "app", SinceSeconds = 60, TailLines = 10, Timestamps = true, Previous = false, LimitBytes = 4096, SinceTime = DateTimeOffset.UnixEpoch }))
                    {
                        Console.WriteLine(line);
                    }

                    await using System.IO.Stream raw = await kube.CoreV1.Pods.StreamLogAsync("ns", "web");
                    string whole = await kube.CoreV1.Pods.GetLogAsync("ns", "web", new LogOptions { TailLines = 1 });
                    ExecResult run = await kube.CoreV1.Pods.RunAsync("ns", "web", new[] { "sh", "-c", "exit 3" }, stdin: "input", new ExecOptions { Container = "app" });
                    await using ExecSession session = await kube.CoreV1.Pods.ExecAsync("ns", "web", new[] { "sh" }, new ExecOptions { Stdin = true, Tty = true });
                    await session.ResizeAsync(80, 24);
                    ExecExit exit = await session.WaitForExitAsync();
                    await using ExecSession attached = await kube.CoreV1.Pods.AttachAsync("ns", "web", new AttachOptions { Stdin = true });
                    await using PortForwarder forwarder = await kube.CoreV1.Pods.PortForwardAsync("ns", "web", 8080);
                    Console.WriteLine(forwarder.LocalEndPoint.Port);
                    await using System.IO.Stream port = await kube.CoreV1.Pods.ConnectPortAsync("ns", "web", 8080);
                    EvictionResult eviction = await kube.CoreV1.Pods.EvictAsync("ns", "web");
                    return (run.ExitCode ?? -1) + (exit.ExitCode ?? 0) + (eviction.IsDisruptionBudget ? 1 : 0) + whole.Length;
                }
            }
            """;

        var result = Generate(AllStreaming, program);

        AssertClean(result);
    }

    // ---- RBAC -----------------------------------------------------------------------------------

    private static string Rbac(GenerationResult result) => result.Source("rbac.g.cs");

    [Fact]
    public void The_role_lists_each_subresource_with_the_verbs_its_calls_need()
    {
        var result = Generate(AllStreaming);

        AssertClean(result);
        var rbac = Rbac(result);
        // A WebSocket upgrade is a GET authorized as get, and kube-apiserver 1.35+ also wants create: both.
        Assert.Contains("  resources: [\"pods/exec\"]\n  verbs: [\"get\", \"create\"]", rbac);
        Assert.Contains("  resources: [\"pods/attach\"]\n  verbs: [\"get\", \"create\"]", rbac);
        Assert.Contains("  resources: [\"pods/portforward\"]\n  verbs: [\"get\", \"create\"]", rbac);
        Assert.Contains("  resources: [\"pods/log\"]\n  verbs: [\"get\"]", rbac);
        Assert.Contains("  resources: [\"pods/eviction\"]\n  verbs: [\"create\"]", rbac);
        // Nothing on the pods themselves: only the subresources were selected.
        Assert.DoesNotContain("resources: [\"pods\"]", rbac);
    }

    [Theory]
    [InlineData("pods/exec:get")]
    [InlineData("pods/exec:create")]
    [InlineData("pods/exec")]
    public void Either_verb_selects_a_connect_subresource_which_needs_both(string entry)
    {
        var result = Generate(entry);

        AssertClean(result);
        Assert.Equal(new[] { "ExecAsync", "RunAsync" }, PodMethods(result));
        Assert.Contains("  resources: [\"pods/exec\"]\n  verbs: [\"get\", \"create\"]", Rbac(result));
    }

    // ---- Diagnostics ----------------------------------------------------------------------------

    [Theory]
    [InlineData("pods/proxy", "'pods/proxy' selects the subresource 'proxy', which KubeGen does not generate (it generates status, scale, log, exec, attach, portforward, eviction, binding)")]
    [InlineData("configmaps/log", "'configmaps/log' selects the subresource 'log', which the spec does not serve for configmaps (it serves: )")]
    [InlineData("pods/binding", "'pods/binding' selects the subresource 'binding', which the spec does not serve for pods (it serves: attach, eviction, exec, log, portforward, proxy, status)")]
    public void A_subresource_that_is_not_served_or_not_generated_is_KGEN0029(string entry, string message)
    {
        var result = Generate(entry + ";configmaps");

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("KGEN0029", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage());
        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
    }

    [Fact]
    public void A_verb_the_subresource_does_not_serve_is_KGEN0005_and_selects_nothing()
    {
        var result = Generate("pods/log:delete;configmaps");

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("KGEN0005", diagnostic.Id);
        Assert.Equal("The verb 'delete' selected for 'pods/log:delete' is not served by the spec; available verbs: get", diagnostic.GetMessage());
        Assert.Null(result.Compilation.GetTypeByMetadataName("Stream.Kube.CoreV1.PodsClient"));
    }
}
