using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// The PodTool sample as a user meets it: <c>samples/PodTool/demo.sh</c> publishes it with Native AOT (no trim or AOT
/// warning) and runs logs, exec and a failing exec against the API server emulator. Then the published binary meets an
/// emulator whose service account has only the build's rbac.yaml: it follows a log as the container writes it, gets a
/// command's outputs and exit code, and forwards two connections at once to a pod's port, all over real TLS and WebSockets.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed partial class PodToolTests(PodToolDemoFixture fixture, ITestOutputHelper output) : IClassFixture<PodToolDemoFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private string Sample => Path.Combine(fixture.RepositoryRoot, "samples", "PodTool");

    [Fact]
    public void Demo_publishes_without_warnings_then_reads_the_log_and_returns_the_commands_exit_codes()
    {
        ProcessResult demo = fixture.AssertDemoSucceeded(output);

        string log = File.ReadAllText(Path.Combine(Sample, "demo-web.log")).ReplaceLineEndings("\n");
        string[] logLines = log.TrimEnd('\n').Split('\n');
        string stdout = string.Join('\n', demo.StandardOutput);
        Assert.Contains("==> PodTool logs web -f\n" + string.Join('\n', logLines) + "\n==> PodTool exited with 0", stdout, StringComparison.Ordinal);
        Assert.Contains("==> PodTool logs web --tail 2\n" + string.Join('\n', logLines[^2..]) + "\n==> PodTool exited with 0", stdout, StringComparison.Ordinal);
        Assert.Contains("==> PodTool exec web -- hostname\nweb\nexit code: 0\n==> PodTool exited with 0", stdout, StringComparison.Ordinal);
        Assert.Contains("checking the disk\nexit code: 3\n==> PodTool exited with 3", stdout, StringComparison.Ordinal);
        Assert.Contains("disk almost full", demo.StandardError);
    }

    [Fact]
    public async Task The_build_rbac_yaml_grants_exactly_the_subresources_with_get_and_create_for_the_WebSockets()
    {
        fixture.RequirePrerequisites();
        string printed = await RbacYaml.PrintedRulesAsync(fixture.BinaryPath, fixture.RepositoryRoot, TestContext.Current.CancellationToken);
        IReadOnlyList<string> rules = RbacYaml.ParseRules(printed);
        Assert.Equal(["|pods/exec|create,get", "|pods/log|get", "|pods/portforward|create,get"], rules.Order(StringComparer.Ordinal));
        Assert.Equal(rules, RbacYaml.ParseRules(RbacYaml.RulesSection(await File.ReadAllTextAsync(Path.Combine(fixture.PublishDirectory, "rbac.yaml"), TestContext.Current.CancellationToken))));
    }

    [Fact]
    public async Task Following_a_log_prints_each_line_as_the_container_writes_it_and_ends_with_the_container()
    {
        fixture.RequirePrerequisites();
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await using KubeApiServerEmulator server = await StartClusterAsync(cancel);
        server.SetPodLog("default", "web", "app", "first line\n");

        await using RunningProcess tool = Start(server, "logs", "web", "-f", "-c", "app");
        await tool.WaitForLineAsync("first line", Wait, cancel);
        server.AppendPodLog("default", "web", "app", "second line\n");
        await tool.WaitForLineAsync("second line", Wait, cancel);
        Assert.False(tool.HasExited, "logs -f ended before the container did");
        server.AppendPodLog("default", "web", "app", "last line\n");
        server.EndPodLog("default", "web", "app");

        int exitCode = await tool.WaitForExitAsync(Wait);
        tool.Report();
        Assert.Equal(0, exitCode);
        Assert.Equal(["first line", "second line", "last line"], tool.Lines);
    }

    [Fact]
    public async Task Exec_prints_both_outputs_and_exits_with_the_commands_exit_code()
    {
        fixture.RequirePrerequisites();
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await using KubeApiServerEmulator server = await StartClusterAsync(cancel);

        ProcessResult run = await RunAsync(server, ["exec", "web", "--", "sh", "-c", "echo to stdout; echo to stderr >&2; exit 3"], cancel);

        output.WriteLine(run.CombinedText);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal(["to stdout", "exit code: 3"], run.StandardOutput);
        Assert.Equal(["to stderr"], run.StandardError);
    }

    [Fact]
    public async Task Port_forward_carries_two_connections_at_once_each_to_the_pods_port()
    {
        fixture.RequirePrerequisites();
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await using KubeApiServerEmulator server = await StartClusterAsync(cancel);
        var ports = new List<string>();
        server.PortForwardHandler = async (request, token) =>
        {
            lock (ports)
            {
                ports.Add($"{request.Namespace}/{request.Pod}:{request.Port}");
            }

            // The pod's side answers each line with it upper-cased, until the client closes its side.
            using var reader = new StreamReader(request.Connection, Encoding.UTF8, leaveOpen: true);
            while (await reader.ReadLineAsync(token) is { } line)
            {
                await request.Connection.WriteAsync(Encoding.UTF8.GetBytes(line.ToUpperInvariant() + "\n"), token);
                await request.Connection.FlushAsync(token);
            }
        };

        await using RunningProcess tool = Start(server, "port-forward", "web", "0:8080");
        string forwarding = await tool.WaitForLineAsync(line => Forwarding().IsMatch(line), "'Forwarding from 127.0.0.1:N -> 8080'", Wait, cancel);
        int localPort = int.Parse(Forwarding().Match(forwarding).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // Both connections are open before either is used: each has its own stream to the pod.
        using TcpClient first = new();
        using TcpClient second = new();
        await first.ConnectAsync(System.Net.IPAddress.Loopback, localPort, cancel);
        await second.ConnectAsync(System.Net.IPAddress.Loopback, localPort, cancel);
        Assert.Equal("FROM SECOND", await ExchangeAsync(second, "from second", cancel));
        Assert.Equal("FROM FIRST", await ExchangeAsync(first, "from first", cancel));
        Assert.Equal("AGAIN", await ExchangeAsync(second, "again", cancel));

        int exitCode = await tool.StopAsync(Wait);
        tool.Report();
        Assert.Equal(0, exitCode);
        Assert.Equal(["default/web:8080", "default/web:8080"], ports);
    }

    [Fact]
    public async Task Without_the_role_binding_exec_gets_the_403_naming_the_subresource()
    {
        fixture.RequirePrerequisites();
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await using KubeApiServerEmulator server = await StartClusterAsync(cancel, bind: false);

        ProcessResult run = await RunAsync(server, ["exec", "web", "--", "hostname"], cancel);

        output.WriteLine(run.CombinedText);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("User \"system:serviceaccount:default:pod-tool\" cannot", run.CombinedText, StringComparison.Ordinal);
        Assert.Contains("resource \"pods/exec\"", run.CombinedText, StringComparison.Ordinal);
        Assert.Contains("PodTool --print-rbac", run.CombinedText, StringComparison.Ordinal);
    }

    /// <summary>The cluster the tool runs in: the demo's pod, and a service account with only the build's rbac.yaml (when bound).</summary>
    private async Task<KubeApiServerEmulator> StartClusterAsync(CancellationToken cancel, bool bind = true)
    {
        var options = new KubeApiServerEmulatorOptions { ServiceAccountName = "pod-tool", ServiceAccountRules = [] };
        options.SpecFiles.Add(Path.Combine(fixture.RepositoryRoot, "fixtures", "openapi", "mini-cluster.swagger.json"));
        options.SeedFiles.Add(Path.Combine(Sample, "demo-pods.yaml"));
        KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, cancel);
        if (bind)
        {
            await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(fixture.PublishDirectory, "rbac.yaml"), cancel), cancel);
            await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(Sample, "deploy", "rolebinding.yaml"), cancel), cancel);
        }

        return server;
    }

    private RunningProcess Start(KubeApiServerEmulator server, params string[] arguments)
        => RunningProcess.Start(fixture.BinaryPath, arguments, fixture.RepositoryRoot, server.Environment, "PodTool " + string.Join(' ', arguments), output);

    private Task<ProcessResult> RunAsync(KubeApiServerEmulator server, string[] arguments, CancellationToken cancel)
        => ProcessRunner.RunAsync(fixture.BinaryPath, arguments, fixture.RepositoryRoot, server.Environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal), Wait, cancel);

    private static async Task<string> ExchangeAsync(TcpClient client, string line, CancellationToken cancel)
    {
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancel);
        var answer = new StringBuilder();
        byte[] buffer = new byte[1];
        while (await stream.ReadAsync(buffer, cancel) == 1 && buffer[0] != (byte)'\n')
        {
            answer.Append((char)buffer[0]);
        }

        return answer.ToString();
    }

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(\d+) -> 8080$")]
    private static partial Regex Forwarding();
}

/// <summary>Runs samples/PodTool/demo.sh once for the class.</summary>
public sealed class PodToolDemoFixture() : SampleDemoFixture("PodTool");
