using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using KubeGen.Shared.Streaming;

namespace KubeGen.Runtime;

/// <summary>
/// One TCP connection to a port of a pod, over one <c>pods/portforward</c> WebSocket (<c>v4.channel.k8s.io</c> with
/// <c>ports=N</c>): channel 0 carries the data both ways, channel 1 the kubelet's error text. The server starts each
/// channel with the port as two little-endian bytes, which this stream strips. Reading returns 0 when the pod's side
/// closes; an error the kubelet reports (nothing listens on the port) is an <see cref="IOException"/>. The protocol has
/// no half-close: the pod's side sees the end of the data only when this stream is disposed.
/// </summary>
internal sealed class PortForwardStream : UnseekableStream
{
    private const byte DataChannel = 0;
    private const byte ErrorChannel = 1;
    private const int PortPrefixBytes = 2;

    private readonly ChannelSocket _socket;
    private readonly ChannelReceiver _receiver;
    private readonly int _port;
    private readonly StringBuilder _error = new();
    private ReadOnlyMemory<byte> _pending;
    private int _dataPrefixLeft = PortPrefixBytes;
    private int _errorPrefixLeft = PortPrefixBytes;
    private bool _ended;
    private int _disposed;

    public PortForwardStream(WebSocket socket, int port)
    {
        _socket = new ChannelSocket(socket);
        _receiver = new ChannelReceiver(socket);
        _port = port;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (_pending.IsEmpty)
        {
            if (_error.Length > 0)
            {
                throw new IOException($"Port {Port} of the pod: {_error}");
            }

            if (_ended || buffer.IsEmpty)
            {
                return 0;
            }

            await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }

        int count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (buffer.IsEmpty)
        {
            return;
        }

        try
        {
            await _socket.SendAsync(DataChannel, buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            throw new IOException($"Port {Port} of the pod: the connection broke: {ex.Message}", ex);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _socket.CloseQuietlyAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        Release();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private string Port => _port.ToString(CultureInfo.InvariantCulture);

    private void Release()
    {
        _socket.Socket.Abort();
        _socket.Socket.Dispose();
    }

    /// <summary>Takes one piece of a message: data becomes <see cref="_pending"/>, error text is collected, a close ends the stream.</summary>
    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        ChannelData? received;
        try
        {
            received = await _receiver.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            throw new IOException($"Port {Port} of the pod: the connection broke: {ex.Message}", ex);
        }

        switch (received)
        {
            case null:
                _ended = true;
                break;
            case { Channel: DataChannel } data:
                _pending = Strip(ref _dataPrefixLeft, data.Data);
                break;
            case { Channel: ErrorChannel } error when _error.Length < ChannelProtocol.MaxStatusBytes:
                _error.Append(Encoding.UTF8.GetString(Strip(ref _errorPrefixLeft, error.Data).Span));
                break;
            default:
                break;
        }
    }

    /// <summary>Drops what is left of a channel's two-byte port prefix.</summary>
    private static ReadOnlyMemory<byte> Strip(ref int prefixLeft, ReadOnlyMemory<byte> data)
    {
        int skip = Math.Min(prefixLeft, data.Length);
        prefixLeft -= skip;
        return data[skip..];
    }
}
