using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using KubeGen.Shared.Streaming;

namespace KubeGen.Runtime;

/// <summary>
/// An interactive <c>pods/exec</c> or <c>pods/attach</c> session over one WebSocket: <see cref="Stdin"/> to write to the
/// process, <see cref="Stdout"/> and <see cref="Stderr"/> to read what it writes, <see cref="ResizeAsync"/> for a terminal,
/// and <see cref="WaitForExitAsync"/> for how it ended. Disposing the session ends it (the process gets a hang-up when it
/// has a terminal; a command without one keeps running in the container, as with kubectl).
/// </summary>
/// <remarks>
/// Output is handed over as the server sends it, with back-pressure: when neither output stream is read, the session stops
/// reading from the server. Read both, or dispose the one you do not want (what arrives for it is then dropped), or ask for
/// only one in the request's options.
/// </remarks>
public sealed class ExecSession : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly ChannelSocket _sender;
    private readonly ChunkStream _stdout = new();
    private readonly ChunkStream _stderr = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<ExecExit> _exit;
    private int _stdinClosed;
    private int _disposed;

    internal ExecSession(WebSocket socket)
    {
        _socket = socket;
        _sender = new ChannelSocket(socket);
        Protocol = socket.SubProtocol ?? ChannelProtocol.V4;
        Stdin = new ChannelWriteStream(this);
        Stdout = _stdout;
        Stderr = _stderr;
        _exit = ReceiveAsync();
    }

    /// <summary>The subprotocol the server chose: <c>v5.channel.k8s.io</c>, or <c>v4.channel.k8s.io</c> from a server before Kubernetes 1.30.</summary>
    public string Protocol { get; }

    /// <summary>Whether <see cref="CloseStdinAsync"/> can end the process's input: only v5 has the close signal.</summary>
    public bool CanCloseStdin => Protocol == ChannelProtocol.V5;

    /// <summary>Writes to the process's standard input (open it with the request's <c>stdin</c> option). Disposing it is <see cref="CloseStdinAsync"/>.</summary>
    public Stream Stdin { get; }

    /// <summary>The process's standard output (and, with a terminal, its standard error too).</summary>
    public Stream Stdout { get; }

    /// <summary>The process's standard error; ends at once with a terminal.</summary>
    public Stream Stderr { get; }

    /// <summary>
    /// Ends the process's standard input, as closing a pipe does: a command that reads to the end of its input (<c>cat</c>,
    /// <c>sh</c> reading a script) can finish. Needs v5 (<see cref="CanCloseStdin"/>); on v4 it does nothing, and only ending
    /// the session ends the input.
    /// </summary>
    public async Task CloseStdinAsync(CancellationToken cancellationToken = default)
    {
        if (!CanCloseStdin || Interlocked.Exchange(ref _stdinClosed, 1) != 0)
        {
            return;
        }

        await SendAsync(ChannelProtocol.Close, new[] { ChannelProtocol.Stdin }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells the process's terminal its new size (columns and rows), for a session with <c>tty</c>.</summary>
    public Task ResizeAsync(int width, int height, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, ushort.MaxValue);
        byte[] size = Encoding.ASCII.GetBytes(FormattableString.Invariant($"{{\"Width\":{width},\"Height\":{height}}}"));
        return SendAsync(ChannelProtocol.Resize, size, cancellationToken);
    }

    /// <summary>
    /// Waits until the server says how the process ended. Output that was not read is still there to read afterwards.
    /// </summary>
    /// <exception cref="KubeExecException">The connection ended before the server sent the exit status.</exception>
    public Task<ExecExit> WaitForExitAsync(CancellationToken cancellationToken = default)
        => _exit.WaitAsync(cancellationToken);

    /// <summary>Ends the session: a close frame to the server if it is still open, then the connection is released.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _sender.CloseQuietlyAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        try
        {
            await _exit.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KubeExecException or OperationCanceledException)
        {
            // Ended by this dispose, or already reported to a waiter.
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    /// <summary>Sends data on a channel (the channel byte first, long data in several messages).</summary>
    internal Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _sender.SendAsync(channel, data, cancellationToken);
    }

    /// <summary>Reads messages until the server closes: output to its stream, the status channel into the result.</summary>
    private async Task<ExecExit> ReceiveAsync()
    {
        await Task.Yield();
        var receiver = new ChannelReceiver(_socket);
        var status = new ArrayBufferWriter<byte>();
        Exception? failure = null;
        try
        {
            while (await receiver.ReceiveAsync(_stop.Token).ConfigureAwait(false) is { } received)
            {
                await DeliverAsync(received.Channel, received.Data, status).ConfigureAwait(false);
            }

            // The server closed: answer its close so the connection ends cleanly.
            await _sender.CloseQuietlyAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            failure = ex;
        }

        if (status.WrittenCount > 0)
        {
            // The command ended; a connection that broke after the status lost nothing.
            _stdout.Complete();
            _stderr.Complete();
            return new ExecExit(KubeStatus.TryParse(status.WrittenSpan)
                ?? throw new KubeExecException("The status channel carried something that is not a Status: " + ResponseErrors.Snippet(status.WrittenSpan)));
        }

        var ended = new KubeExecException(
            failure is null
                ? "The server closed the session without sending the command's exit status."
                : "The session's connection ended before the server sent the command's exit status: " + failure.Message,
            failure);
        _stdout.Complete(failure is null ? null : ended);
        _stderr.Complete(failure is null ? null : ended);
        throw ended;
    }

    private async ValueTask DeliverAsync(byte channel, ReadOnlyMemory<byte> data, ArrayBufferWriter<byte> status)
    {
        if (data.IsEmpty)
        {
            return;
        }

        switch (channel)
        {
            case ChannelProtocol.Stdout:
                await _stdout.DeliverAsync(data, _stop.Token).ConfigureAwait(false);
                break;
            case ChannelProtocol.Stderr:
                await _stderr.DeliverAsync(data, _stop.Token).ConfigureAwait(false);
                break;
            case ChannelProtocol.Error when status.WrittenCount + data.Length <= ChannelProtocol.MaxStatusBytes:
                status.Write(data.Span);
                break;
            default:
                // Channels a client does not read (or a status too large to be one) are dropped.
                break;
        }
    }

    /// <summary>The standard input as a write-only stream: each write is sent as stdin messages, disposing it ends the input.</summary>
    private sealed class ChannelWriteStream(ExecSession session) : UnseekableStream
    {
        public override bool CanRead => false;

        public override bool CanWrite => true;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            => buffer.IsEmpty ? default : new ValueTask(session.SendAsync(ChannelProtocol.Stdin, buffer, cancellationToken));

        public override async ValueTask DisposeAsync()
        {
            if (Volatile.Read(ref session._disposed) == 0 && session._socket.State == WebSocketState.Open)
            {
                await session.CloseStdinAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && Volatile.Read(ref session._disposed) == 0 && session._socket.State == WebSocketState.Open)
            {
                session.CloseStdinAsync().GetAwaiter().GetResult();
            }

            base.Dispose(disposing);
        }
    }
}
