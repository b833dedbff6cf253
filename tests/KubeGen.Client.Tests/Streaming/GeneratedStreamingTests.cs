using System.Text;
using ClientTests.Kube;
using ClientTests.Kube.MetaV1;
using ClientTests.Kube.PolicyV1;
using KubeGen.Client.Tests.Emulator;
using KubeGen.Runtime;
using KubeGen.Testing;

namespace KubeGen.Client.Tests.Streaming;

/// <summary>
/// The generated streaming calls of <c>PodsClient</c> (the csproj selects pods/log, exec, attach, portforward and eviction)
/// against the emulator, over TLS and WebSockets on loopback: what reaches the server is what the options say.
/// </summary>
public sealed class GeneratedStreamingTests
{
    private const string Pod = "web";

    private static async Task<EmulatorHarness> StartWithPodAsync()
    {
        EmulatorHarness harness = await EmulatorHarness.StartAsync();
        await harness.Kube.CoreV1.Pods.CreateAsync(EmulatorHarness.Ns, EmulatorHarness.Pod(Pod), cancellationToken: harness.Cancel);
        return harness;
    }

    // ---- pods/log -------------------------------------------------------------------------------

    [Fact]
    public async Task StreamLogLinesAsync_with_Follow_yields_each_line_as_the_container_writes_it_and_ends_with_it()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();
        harness.Server.SetPodLog(EmulatorHarness.Ns, Pod, "web", "one\n");

        await using IAsyncEnumerator<string> lines = harness.Kube.CoreV1.Pods
            .StreamLogLinesAsync(EmulatorHarness.Ns, Pod, new LogOptions { Follow = true, Container = "web" }, harness.Cancel)
            .GetAsyncEnumerator(harness.Cancel);
        Assert.True(await lines.MoveNextAsync());
        Assert.Equal("one", lines.Current);

        // Nothing more yet: the next line is the one appended now.
        ValueTask<bool> next = lines.MoveNextAsync();
        harness.Server.AppendPodLog(EmulatorHarness.Ns, Pod, "web", "two\n");
        Assert.True(await next);
        Assert.Equal("two", lines.Current);

        harness.Server.EndPodLog(EmulatorHarness.Ns, Pod, "web");
        Assert.False(await lines.MoveNextAsync());
    }

    [Fact]
    public async Task Cancelling_a_followed_log_ends_the_enumeration_while_the_server_is_silent()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();
        harness.Server.SetPodLog(EmulatorHarness.Ns, Pod, "web", "only line\n");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(harness.Cancel);

        await using IAsyncEnumerator<string> lines = harness.Kube.CoreV1.Pods
            .StreamLogLinesAsync(EmulatorHarness.Ns, Pod, new LogOptions { Follow = true }, stop.Token)
            .GetAsyncEnumerator(stop.Token);
        Assert.True(await lines.MoveNextAsync());
        ValueTask<bool> waiting = lines.MoveNextAsync();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        Assert.False(harness.Cancel.IsCancellationRequested, "the read ended only when the test's own time ran out");
    }

    [Fact]
    public async Task GetLogAsync_and_StreamLogAsync_send_tail_timestamps_and_since_time()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();
        harness.Server.SetPodLog(EmulatorHarness.Ns, Pod, "web", "first\nsecond\nthird\n");
        var pods = harness.Kube.CoreV1.Pods;

        Assert.Equal("first\nsecond\nthird\n", await pods.GetLogAsync(EmulatorHarness.Ns, Pod, cancellationToken: harness.Cancel));
        Assert.Equal("third\n", await pods.GetLogAsync(EmulatorHarness.Ns, Pod, new LogOptions { TailLines = 1 }, harness.Cancel));
        string stamped = await pods.GetLogAsync(EmulatorHarness.Ns, Pod, new LogOptions { TailLines = 1, Timestamps = true }, harness.Cancel);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z third\n$", stamped);

        // sinceTime is sent in RFC 3339 (a wrong form would be the server's 400): the past keeps all, the future nothing.
        Assert.Equal("first\nsecond\nthird\n", await pods.GetLogAsync(EmulatorHarness.Ns, Pod, new LogOptions { SinceTime = DateTimeOffset.UtcNow.AddHours(-1) }, harness.Cancel));
        Assert.Equal(string.Empty, await pods.GetLogAsync(EmulatorHarness.Ns, Pod, new LogOptions { SinceTime = DateTimeOffset.UtcNow.AddHours(1) }, harness.Cancel));

        await using Stream raw = await pods.StreamLogAsync(EmulatorHarness.Ns, Pod, new LogOptions { LimitBytes = 8 }, harness.Cancel);
        using var reader = new StreamReader(raw, Encoding.UTF8);
        Assert.Equal("first\nse", await reader.ReadToEndAsync(harness.Cancel));
    }

    [Fact]
    public async Task A_container_the_pod_does_not_have_is_the_servers_400()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();

        var error = await Assert.ThrowsAsync<KubeApiException>(() => harness.Kube.CoreV1.Pods.GetLogAsync(EmulatorHarness.Ns, Pod, new LogOptions { Container = "sidecar" }, harness.Cancel));

        Assert.Equal(400, (int)error.StatusCode);
        Assert.Contains("container sidecar is not valid for pod web", error.Message, StringComparison.Ordinal);
    }

    // ---- pods/exec, pods/attach -------------------------------------------------------------------

    [Fact]
    public async Task RunAsync_returns_both_outputs_and_the_exit_code_and_a_non_zero_code_is_no_exception()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();
        var pods = harness.Kube.CoreV1.Pods;

        ExecResult echoed = await pods.RunAsync(EmulatorHarness.Ns, Pod, ["cat"], stdin: "hello\n", cancellationToken: harness.Cancel);
        Assert.Equal(0, echoed.ExitCode);
        Assert.Equal("hello\n", echoed.Stdout);

        ExecResult failed = await pods.RunAsync(EmulatorHarness.Ns, Pod, ["sh", "-c", "echo out; echo err >&2; exit 3"], cancellationToken: harness.Cancel);
        Assert.Equal(3, failed.ExitCode);
        Assert.False(failed.Succeeded);
        Assert.Equal("out\n", failed.Stdout);
        Assert.Equal("err\n", failed.Stderr);
        Assert.Throws<KubeExecException>(() => failed.EnsureSuccess());
    }

    [Fact]
    public async Task ExecAsync_is_an_interactive_session_on_v5_whose_input_can_be_closed()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();

        await using ExecSession session = await harness.Kube.CoreV1.Pods.ExecAsync(EmulatorHarness.Ns, Pod, ["cat"], new ExecOptions { Stdin = true, Container = "web" }, harness.Cancel);
        Assert.Equal("v5.channel.k8s.io", session.Protocol);
        await session.Stdin.WriteAsync("line one\nline two\n"u8.ToArray(), harness.Cancel);
        await session.CloseStdinAsync(harness.Cancel);
        using var reader = new StreamReader(session.Stdout, Encoding.UTF8);
        Assert.Equal("line one\nline two\n", await reader.ReadToEndAsync(harness.Cancel));
        ExecExit exit = await session.WaitForExitAsync(harness.Cancel);
        Assert.Equal(0, exit.ExitCode);
    }

    [Fact]
    public async Task AttachAsync_reaches_the_running_process()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();
        var attached = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Server.AttachHandler = async (request, cancellationToken) =>
        {
            attached.TrySetResult(request.Container);
            await request.Stdout.WriteAsync("attached to the main process\n"u8.ToArray(), cancellationToken);
            return 0;
        };

        await using ExecSession session = await harness.Kube.CoreV1.Pods.AttachAsync(EmulatorHarness.Ns, Pod, new AttachOptions { Container = "web" }, harness.Cancel);
        using var reader = new StreamReader(session.Stdout, Encoding.UTF8);
        Assert.Equal("attached to the main process\n", await reader.ReadToEndAsync(harness.Cancel));
        Assert.Equal(0, (await session.WaitForExitAsync(harness.Cancel)).ExitCode);
        Assert.Equal("web", await attached.Task);
    }

    // ---- pods/portforward -------------------------------------------------------------------------

    [Fact]
    public async Task PortForwardAsync_and_ConnectPortAsync_reach_the_pods_port()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();
        harness.Server.PortForwardHandler = async (request, cancellationToken) =>
        {
            // Answers the port it was reached on, then echoes what it gets until the client closes its side.
            await request.Connection.WriteAsync(Encoding.UTF8.GetBytes($"port {request.Port}\n"), cancellationToken);
            await request.Connection.CopyToAsync(request.Connection, cancellationToken);
        };
        var pods = harness.Kube.CoreV1.Pods;

        await using (Stream port = await pods.ConnectPortAsync(EmulatorHarness.Ns, Pod, 8080, harness.Cancel))
        {
            Assert.Equal("port 8080", await ReadLineAsync(port, harness.Cancel));
            await port.WriteAsync("ping\n"u8.ToArray(), harness.Cancel);
            Assert.Equal("ping", await ReadLineAsync(port, harness.Cancel));
        }

        await using PortForwarder forwarder = await pods.PortForwardAsync(EmulatorHarness.Ns, Pod, 9090, cancellationToken: harness.Cancel);
        Assert.Equal(System.Net.IPAddress.Loopback, forwarder.LocalEndPoint.Address);
        using var first = new System.Net.Sockets.TcpClient();
        using var second = new System.Net.Sockets.TcpClient();
        await first.ConnectAsync(forwarder.LocalEndPoint, harness.Cancel);
        await second.ConnectAsync(forwarder.LocalEndPoint, harness.Cancel);
        Assert.Equal("port 9090", await ReadLineAsync(second.GetStream(), harness.Cancel));
        Assert.Equal("port 9090", await ReadLineAsync(first.GetStream(), harness.Cancel));
        await first.GetStream().WriteAsync("from first\n"u8.ToArray(), harness.Cancel);
        await second.GetStream().WriteAsync("from second\n"u8.ToArray(), harness.Cancel);
        Assert.Equal("from second", await ReadLineAsync(second.GetStream(), harness.Cancel));
        Assert.Equal("from first", await ReadLineAsync(first.GetStream(), harness.Cancel));
    }

    // ---- pods/eviction ----------------------------------------------------------------------------

    [Fact]
    public async Task EvictAsync_without_a_body_names_the_pod_and_deletes_it()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();

        EvictionResult result = await harness.Kube.CoreV1.Pods.EvictAsync(EmulatorHarness.Ns, Pod, cancellationToken: harness.Cancel);

        Assert.True(result.IsEvicted, result.ToString());
        Assert.Null(harness.Server.GetObject("v1", "Pod", EmulatorHarness.Ns, Pod));
    }

    [Fact]
    public async Task EvictAsync_in_dry_run_keeps_the_pod_and_a_429_is_a_result_not_an_exception()
    {
        await using EmulatorHarness harness = await StartWithPodAsync();
        var pods = harness.Kube.CoreV1.Pods;

        var dryRun = new Eviction { DeleteOptions = new DeleteOptions { DryRun = ["All"] } };
        Assert.True((await pods.EvictAsync(EmulatorHarness.Ns, Pod, dryRun, cancellationToken: harness.Cancel)).IsEvicted);
        Assert.NotNull(harness.Server.GetObject("v1", "Pod", EmulatorHarness.Ns, Pod));

        using (harness.Server.Faults.Add(new FaultMatch { PathPrefix = $"/api/v1/namespaces/{EmulatorHarness.Ns}/pods/{Pod}/eviction" }, Fault.TooManyRequests(retryAfterSeconds: 7)))
        {
            EvictionResult refused = await pods.EvictAsync(EmulatorHarness.Ns, Pod, cancellationToken: harness.Cancel);
            Assert.False(refused.IsEvicted);
            Assert.Equal(TimeSpan.FromSeconds(7), refused.RetryAfter);
        }

        Assert.NotNull(harness.Server.GetObject("v1", "Pod", EmulatorHarness.Ns, Pod));
    }

    [Fact]
    public async Task EvictAsync_refused_by_a_PodDisruptionBudget_is_a_result_that_names_the_budget()
    {
        // The fixture serves no budgets: the emulator serves the real v1.36 spec, whose pods are the same to the client.
        string realSpec = RealSpec();
        await using EmulatorHarness harness = await EmulatorHarness.StartAsync(options =>
        {
            options.SpecFiles.Clear();
            options.SpecFiles.Add(realSpec);
        });
        // Seeded to keep its status: budgets protect running pods only (a Pending one is evicted regardless).
        harness.Server.Seed($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{{Pod}}}, namespace: {{{EmulatorHarness.Ns}}}, labels: {app: web}}
            spec:
              containers: [{name: web, image: nginx:1.27}]
            status: {phase: Running}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web-budget, namespace: {{{EmulatorHarness.Ns}}}, generation: 1}
            spec:
              minAvailable: 1
              selector:
                matchLabels: {app: web}
            status: {observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1}
            """);

        EvictionResult refused = await harness.Kube.CoreV1.Pods.EvictAsync(EmulatorHarness.Ns, Pod, cancellationToken: harness.Cancel);

        Assert.False(refused.IsEvicted);
        Assert.True(refused.IsDisruptionBudget, refused.ToString());
        Assert.Equal(429, refused.Status?.Code);
        Assert.Contains("The disruption budget web-budget needs 1 healthy pods and has 1 currently", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(harness.Server.GetObject("v1", "Pod", EmulatorHarness.Ns, Pod));
    }

    /// <summary>The shared real v1.36 spec (../shared/openapi or KUBEGEN_SPEC_DIR): skipped when absent, except under CI.</summary>
    private static string RealSpec()
    {
        string root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(EmulatorHarness.SpecPath)!, "..", ".."));
        string directory = Environment.GetEnvironmentVariable("KUBEGEN_SPEC_DIR") is { Length: > 0 } configured ? configured : Path.Combine(root, "..", "shared", "openapi");
        string spec = Path.Combine(directory, "kubernetes-v1.36.0.json");
        if (!File.Exists(spec))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail($"CI must have the shared specs, but {spec} is not there.");
            }

            Assert.Skip($"The shared spec {spec} is not on this machine.");
        }

        return spec;
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        byte[] one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken) == 1 && one[0] != (byte)'\n')
        {
            line.Add(one[0]);
        }

        return Encoding.UTF8.GetString(line.ToArray());
    }
}
