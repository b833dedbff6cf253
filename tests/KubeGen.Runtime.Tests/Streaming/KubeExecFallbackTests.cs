using System.Net.WebSockets;
using System.Text;
using KubeGen.Runtime;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Streaming;

/// <summary>
/// Exec against a server before Kubernetes 1.30, which speaks only <c>v4.channel.k8s.io</c>, over TLS on loopback: the
/// client offers v5 first, takes v4, reads the exit code from the status channel, and cannot close stdin (v4 has no signal).
/// </summary>
public sealed class KubeExecFallbackTests
{
    private const string Path = "/api/v1/namespaces/ns/pods/web/exec?command=sh&stdout=true&stderr=true";

    [Fact]
    public async Task RunAsync_falls_back_to_v4_and_reads_a_non_zero_exit_code_from_the_status_channel()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        var offered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(async (context, _) =>
        {
            offered.TrySetResult(string.Join(", ", context.WebSockets.WebSocketRequestedProtocols));
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
            await SendAsync(socket, 1, "partial output\n");
            await SendAsync(socket, 2, "something failed\n");
            await SendAsync(socket, 3, """{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh], exit code 7","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"7"}]}}""");
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        });
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] });

        ExecResult result = await KubeExec.RunAsync(connection, Path, stdin: null, TestContext.Current.CancellationToken);

        Assert.Equal("v5.channel.k8s.io, v4.channel.k8s.io", await offered.Task);
        Assert.Equal(7, result.ExitCode);
        Assert.Equal("partial output\n", result.Stdout);
        Assert.Equal("something failed\n", result.Stderr);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task A_v4_session_cannot_close_stdin_and_says_so()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.Enqueue(async (context, _) =>
        {
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
            await SendAsync(socket, 3, """{"metadata":{},"status":"Success"}""");
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        });
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] });

        await using ExecSession session = await KubeExec.StartAsync(connection, Path, TestContext.Current.CancellationToken);

        Assert.Equal("v4.channel.k8s.io", session.Protocol);
        Assert.False(session.CanCloseStdin);
        Assert.Equal(0, (await session.WaitForExitAsync(TestContext.Current.CancellationToken)).ExitCode);
    }

    [Fact]
    public async Task A_refused_upgrade_is_the_servers_Status_not_a_bare_handshake_error()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.EnqueueJson(403, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web\" is forbidden: User \"me\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"ns\"","reason":"Forbidden","code":403}""");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] });

        var error = await Assert.ThrowsAsync<KubeApiException>(() => KubeExec.RunAsync(connection, Path, stdin: null, TestContext.Current.CancellationToken));

        Assert.True(error.IsForbidden);
        Assert.Contains("cannot create resource \"pods/exec\"", error.Message, StringComparison.Ordinal);
    }

    /// <summary>One frame of the channel protocol: the channel byte, then the data.</summary>
    private static Task SendAsync(WebSocket socket, byte channel, string text)
    {
        byte[] data = Encoding.UTF8.GetBytes(text);
        byte[] frame = new byte[data.Length + 1];
        frame[0] = channel;
        data.CopyTo(frame, 1);
        return socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
    }
}
