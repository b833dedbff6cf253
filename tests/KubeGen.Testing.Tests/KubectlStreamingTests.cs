using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// kubectl as the outside reference for the streaming pod subresources: <c>logs</c> (and <c>-f</c>), <c>exec</c> over
/// WebSocket (v5: stdin, its end, the exit code) and <c>port-forward</c> (SPDY tunneled in a WebSocket, several
/// connections). Skipped when kubectl is not installed, except on CI, where its absence fails.
/// </summary>
public sealed partial class KubectlStreamingTests : IAsyncLifetime
{
    private const string PodYaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: default, labels: {app: web}}
        spec:
          containers:
          - {name: app, image: nginx:1.27}
        status: {phase: Running}
        """;

    private KubectlWorkspace? _workspace;

    private KubeApiServerEmulator Server => _workspace!.Server;

    private Kubectl Cli => _workspace!.Cli;

    public async ValueTask InitializeAsync()
    {
        if (Kubectl.Executable is not null)
        {
            _workspace = await KubectlWorkspace.StartAsync(FixtureSpec, o => o.SeedManifests.Add(PodYaml));
        }
    }

    public ValueTask DisposeAsync() => _workspace?.DisposeAsync() ?? ValueTask.CompletedTask;

    [Fact]
    public async Task Logs_prints_the_container_log_with_tail_and_timestamps()
    {
        Kubectl.Require();
        Server.SetPodLog("default", "web", "app", "one\ntwo\nthree\n");

        Assert.Equal("one\ntwo\nthree\n", await Cli.OkAsync("logs", "web"));
        Assert.Equal("two\nthree\n", await Cli.OkAsync("logs", "web", "--tail=2"));
        string stamped = await Cli.OkAsync("logs", "web", "--tail=1", "--timestamps");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z three\n$", stamped);
    }

    [Fact]
    public async Task Logs_follow_prints_each_append_as_it_comes_and_ends_with_the_container()
    {
        Kubectl.Require();
        Server.SetPodLog("default", "web", "app", "started\n");
        using Process follow = Process.Start(Cli.StartInfo("logs", "-f", "web"))!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            Assert.Equal("started", await follow.StandardOutput.ReadLineAsync(timeout.Token));

            // Each append reaches kubectl while the request is still open: wait for it before the next.
            for (int i = 1; i <= 3; i++)
            {
                Server.AppendPodLog("default", "web", "app", $"request {i}\n");
                Assert.Equal($"request {i}", await follow.StandardOutput.ReadLineAsync(timeout.Token));
            }

            Server.EndPodLog("default", "web", "app");
            Assert.Null(await follow.StandardOutput.ReadLineAsync(timeout.Token));
            await follow.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, follow.ExitCode);
        }
        finally
        {
            if (!follow.HasExited)
            {
                follow.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Logs_of_a_container_the_pod_does_not_have_is_the_api_servers_error()
    {
        Kubectl.Require();
        (int exit, _, string error) = await Cli.RunAsync("logs", "web", "-c", "sidecar");
        Assert.NotEqual(0, exit);
        Assert.Contains("container sidecar is not valid for pod web", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_runs_the_command_and_prints_its_output()
    {
        Kubectl.Require();
        Assert.Equal("hello from web\n", await Cli.OkAsync("exec", "web", "--", "echo", "hello", "from", "web"));
    }

    [Fact]
    public async Task Exec_with_stdin_passes_input_closes_it_and_exits_with_the_commands_code()
    {
        Kubectl.Require();
        string? container = null;
        IReadOnlyList<string>? command = null;
        Server.ExecHandler = async (request, ct) =>
        {
            container = request.Container;
            command = request.Command;
            // Reads to the end of stdin: kubectl must close it (v5's close signal) for this to return.
            using var reader = new StreamReader(request.Stdin, Encoding.UTF8);
            string input = await reader.ReadToEndAsync(ct);
            await request.Stdout.WriteAsync(Encoding.UTF8.GetBytes(input.ToUpperInvariant()), ct);
            await request.Stderr.WriteAsync("warning: shouting\n"u8.ToArray(), ct);
            return 3;
        };

        ProcessStartInfo start = Cli.StartInfo("exec", "-i", "web", "--", "tr", "a-z", "A-Z");
        start.RedirectStandardInput = true;
        using Process exec = Process.Start(start)!;
        await exec.StandardInput.WriteAsync("quiet please\n");
        exec.StandardInput.Close();
        Task<string> stdout = exec.StandardOutput.ReadToEndAsync(Ct);
        Task<string> stderr = exec.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await exec.WaitForExitAsync(timeout.Token);

        Assert.Equal("QUIET PLEASE\n", await stdout);
        Assert.Contains("warning: shouting", await stderr, StringComparison.Ordinal);
        Assert.Equal(3, exec.ExitCode); // kubectl exits with the remote command's code
        Assert.Equal("app", container);
        Assert.Equal(["tr", "a-z", "A-Z"], command);
    }

    [Fact]
    public async Task Exec_of_a_missing_executable_fails_with_the_runtimes_message()
    {
        Kubectl.Require();
        (int exit, _, string error) = await Cli.RunAsync("exec", "web", "--", "no-such-tool");
        Assert.NotEqual(0, exit);
        Assert.Contains("executable file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_needs_create_on_pods_exec()
    {
        Kubectl.Require();
        Server.SetServiceAccountRules(AccessRule.For("get,list", "pods,pods/exec", "default"));
        (int exit, _, string error) = await Cli.RunAsync("exec", "web", "--", "echo", "hi");
        Assert.NotEqual(0, exit);
        Assert.Contains("cannot create resource \"pods/exec\"", error, StringComparison.Ordinal);

        Server.SetServiceAccountRules(AccessRule.For("get,list", "pods", "default"), AccessRule.For("get,create", "pods/exec", "default"));
        Assert.Equal("hi\n", await Cli.OkAsync("exec", "web", "--", "echo", "hi"));
    }

    [Fact]
    public async Task Port_forward_carries_several_connections_at_once()
    {
        Kubectl.Require();
        int connections = 0;
        Server.PortForwardHandler = async (request, ct) =>
        {
            Interlocked.Increment(ref connections);
            using var reader = new StreamReader(request.Connection, Encoding.UTF8, leaveOpen: true);
            string? line = await reader.ReadLineAsync(ct);
            await request.Connection.WriteAsync(Encoding.UTF8.GetBytes($"port {request.Port} of {request.Pod} got {line}\n"), ct);
        };

        using Process forward = Process.Start(Cli.StartInfo("port-forward", "pod/web", ":8080"))!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(45));
        try
        {
            int localPort = await LocalPortAsync(forward, timeout.Token);

            // Two connections open at the same time, answered in the opposite order.
            using var first = new TcpClient();
            using var second = new TcpClient();
            await first.ConnectAsync("127.0.0.1", localPort, timeout.Token);
            await second.ConnectAsync("127.0.0.1", localPort, timeout.Token);
            await second.GetStream().WriteAsync("second\n"u8.ToArray(), timeout.Token);
            Assert.Equal("port 8080 of web got second\n", await ReadToEndAsync(second.GetStream(), timeout.Token));
            await first.GetStream().WriteAsync("first\n"u8.ToArray(), timeout.Token);
            Assert.Equal("port 8080 of web got first\n", await ReadToEndAsync(first.GetStream(), timeout.Token));
            Assert.Equal(2, connections);
        }
        finally
        {
            forward.Kill(entireProcessTree: true);
            await forward.WaitForExitAsync(Ct);
        }
    }

    [Fact]
    public async Task Port_forward_to_a_port_nothing_listens_on_reports_the_kubelets_error()
    {
        Kubectl.Require();
        using Process forward = Process.Start(Cli.StartInfo("port-forward", "pod/web", ":9999"))!;
        Task<string> errors = forward.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(45));
        try
        {
            int localPort = await LocalPortAsync(forward, timeout.Token);
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", localPort, timeout.Token);
            await client.GetStream().WriteAsync("hello\n"u8.ToArray(), timeout.Token);
            // kubectl closes the local connection once the pod side reports the error.
            Assert.Equal("", await ReadToEndAsync(client.GetStream(), timeout.Token));
        }
        finally
        {
            forward.Kill(entireProcessTree: true);
            await forward.WaitForExitAsync(Ct);
        }

        Assert.Contains("error forwarding port 9999 to pod web", await errors, StringComparison.Ordinal);
    }

    /// <summary>The local port from kubectl's "Forwarding from 127.0.0.1:N -> M" line.</summary>
    private static async Task<int> LocalPortAsync(Process forward, CancellationToken cancellationToken)
    {
        while (await forward.StandardOutput.ReadLineAsync(cancellationToken) is string line)
        {
            if (ForwardingLine().Match(line) is { Success: true } match)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("kubectl port-forward ended without saying where it listens: " + await forward.StandardError.ReadToEndAsync(cancellationToken));
    }

    private static async Task<string> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    [GeneratedRegex(@"Forwarding from 127\.0\.0\.1:(\d+) ->")]
    private static partial Regex ForwardingLine();
}
