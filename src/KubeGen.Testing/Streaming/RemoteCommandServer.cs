using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubeGen.Shared.Streaming;

namespace KubeGen.Testing.Streaming;

/// <summary>
/// The server end of an exec or attach session over <c>v5.channel.k8s.io</c> or <c>v4.channel.k8s.io</c>, as the
/// kubelet speaks it: one channel byte before each message (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize), an empty
/// message on the first output channel once the session is up, v5's close signal <c>[255, channel]</c>, and at the end
/// one <c>metav1.Status</c> on channel 3 (a non-zero exit is reason <c>NonZeroExitCode</c> with an <c>ExitCode</c> cause),
/// then a normal close.
/// </summary>
internal sealed class RemoteCommandServer
{
    private readonly WebSocket _socket;
    private readonly ChannelSocket _sender;
    private readonly string _protocol;
    private readonly ChunkStream _stdin = new();
    private readonly Channel<TerminalSize> _resizes = Channel.CreateUnbounded<TerminalSize>();

    public RemoteCommandServer(WebSocket socket, string protocol)
    {
        _socket = socket;
        _sender = new ChannelSocket(socket);
        _protocol = protocol;
    }

    /// <summary>Runs <paramref name="handler"/> as the session's process, then sends its status and closes.</summary>
    public async Task RunAsync(PodExecHandler handler, Func<Stream, Stream, Stream, ChannelReader<TerminalSize>, PodExecRequest> request, RemoteCommandOptions options, CancellationToken stopping)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task receiving = ReceiveAsync(session);
        if (!options.Stdin)
        {
            _stdin.Complete();
        }

        // The kubelet's "connection established" signal: an empty message on the lowest output channel.
        await SendAsync(options.Stdout ? ChannelProtocol.Stdout : options.Stderr ? ChannelProtocol.Stderr : ChannelProtocol.Error, ReadOnlyMemory<byte>.Empty, session.Token);
        var stdout = new OutboundStream((data, ct) => options.Stdout ? SendAsync(ChannelProtocol.Stdout, data, ct) : Task.CompletedTask);
        var stderr = new OutboundStream((data, ct) => options.Tty ? stdout.WriteAsync(data, ct).AsTask() : options.Stderr ? SendAsync(ChannelProtocol.Stderr, data, ct) : Task.CompletedTask);
        JsonObject status;
        try
        {
            int code = await handler(request(_stdin, stdout, stderr, _resizes.Reader), session.Token);
            status = code == 0 ? Success() : NonZeroExit(code, options.Command);
        }
        catch (PodExecFailedException e)
        {
            status = Failure(e.Message);
        }
        catch (Exception) when (session.IsCancellationRequested)
        {
            // The client went away: nobody is left to tell.
            await CloseQuietlyAsync(receiving);
            return;
        }

        try
        {
            await SendAsync(ChannelProtocol.Error, JsonSerializer.SerializeToUtf8Bytes(status), session.Token);
            await _sender.CloseQuietlyAsync(TimeSpan.FromSeconds(5));

            // Wait (briefly) for the client's close, so the connection ends cleanly.
            await receiving.WaitAsync(TimeSpan.FromSeconds(5), session.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or IOException)
        {
        }
        finally
        {
            await CloseQuietlyAsync(receiving);
        }
    }

    private async Task CloseQuietlyAsync(Task receiving)
    {
        _socket.Abort();
        try
        {
            await receiving;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }

        _stdin.Complete();
        _resizes.Writer.TryComplete();
    }

    private static JsonObject Success() => new() { ["metadata"] = new JsonObject(), ["status"] = "Success" };

    private static JsonObject NonZeroExit(int code, IReadOnlyList<string> command) => new()
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(" ", command)}], exit code {code.ToString(CultureInfo.InvariantCulture)}",
        ["reason"] = ChannelProtocol.NonZeroExitCodeReason,
        ["details"] = new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = ChannelProtocol.ExitCodeCause, ["message"] = code.ToString(CultureInfo.InvariantCulture) }),
        },
    };

    private static JsonObject Failure(string message) => new()
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
    };

    private Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        => _sender.SendAsync(channel, data, cancellationToken);

    /// <summary>Reads the client's messages: stdin data, v5 close signals, terminal sizes; ends with the client's close.</summary>
    private async Task ReceiveAsync(CancellationTokenSource session)
    {
        var receiver = new ChannelReceiver(_socket);
        var message = new List<byte>();
        try
        {
            while (await receiver.ReceiveAsync(session.Token) is { } received)
            {
                bool closeSignal = received.Channel == ChannelProtocol.Close && _protocol == ChannelProtocol.V5;
                if (received.Channel == ChannelProtocol.Stdin)
                {
                    await _stdin.DeliverAsync(received.Data, session.Token);
                    continue;
                }

                if (received.Channel is not (ChannelProtocol.Resize or ChannelProtocol.Close))
                {
                    continue;
                }

                message.AddRange(received.Data.Span);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                if (closeSignal && message is [ChannelProtocol.Stdin])
                {
                    _stdin.Complete();
                }
                else if (received.Channel == ChannelProtocol.Resize && message.Count > 0)
                {
                    using var size = JsonDocument.Parse(message.ToArray());
                    _resizes.Writer.TryWrite(new TerminalSize(size.RootElement.GetProperty("Width").GetInt32(), size.RootElement.GetProperty("Height").GetInt32()));
                }

                message.Clear();
            }

            // The client is leaving (or answering the close after the status): the process's session ends.
            await session.CancelAsync();
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            // The client went away without a close: the process's session ends with it.
            await session.CancelAsync();
        }
        finally
        {
            _stdin.Complete();
        }
    }
}

/// <summary>What the client asked for in an exec or attach request.</summary>
internal sealed record RemoteCommandOptions(bool Stdin, bool Stdout, bool Stderr, bool Tty, IReadOnlyList<string> Command);
