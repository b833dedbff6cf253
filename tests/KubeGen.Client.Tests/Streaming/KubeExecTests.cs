using KubeGen.Client.Tests.Emulator;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Streaming;

/// <summary>The runtime's exec over the emulator's WebSocket (v5), below the generated client: stdin, both outputs, the exit code.</summary>
public sealed class KubeExecTests
{
    [Fact]
    public async Task RunAsync_writes_stdin_closes_it_and_returns_both_outputs_and_the_exit_code()
    {
        await using EmulatorHarness harness = await EmulatorHarness.StartAsync();
        await harness.Kube.CoreV1.Pods.CreateAsync(EmulatorHarness.Ns, EmulatorHarness.Pod("web"), cancellationToken: harness.Cancel);
        ExecResult result = await KubeExec.RunAsync(harness.Kube.Connection, "/api/v1/namespaces/shop/pods/web/exec?command=sh&command=-c&command=cat%3B%20echo%20oops%20%3E%262%3B%20exit%203&stdin=true&stdout=true&stderr=true", "hello\n", harness.Cancel);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("hello\n", result.Stdout);
        Assert.Equal("oops\n", result.Stderr);
    }
}
