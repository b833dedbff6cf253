// Source-shared by the runtime (the client side) and the emulator (the server side) of Kubernetes' channel protocols;
// not compiled into the generator (it needs WebSockets).
using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace KubeGen.Shared.Streaming;

/// <summary>
/// The sending half of a WebSocket that carries Kubernetes channels (<c>channel.k8s.io</c> and its versions): every
/// binary message starts with one byte naming the channel. A WebSocket allows one send at a time; this serializes them,
/// and splits a long write into messages of at most <see cref="MaxMessageBytes"/>.
/// </summary>
internal sealed class ChannelSocket(WebSocket socket)
{
    /// <summary>The most data one message carries (after its channel byte).</summary>
    public const int MaxMessageBytes = 32 * 1024;

    private readonly SemaphoreSlim _sending = new(1, 1);

    public WebSocket Socket => socket;

    /// <summary>Sends <paramref name="data"/> on <paramref name="channel"/>; empty data is one message of the channel byte alone.</summary>
    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        byte[] frame = new byte[Math.Min(data.Length, MaxMessageBytes) + 1];
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            do
            {
                int length = Math.Min(data.Length, MaxMessageBytes);
                frame[0] = channel;
                data.Span.Slice(0, length).CopyTo(frame.AsSpan(1));
                await socket.SendAsync(frame.AsMemory(0, length + 1), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                data = data.Slice(length);
            }
            while (!data.IsEmpty);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>
    /// Sends a normal close when the socket is still open (or answers the peer's close), waiting at most
    /// <paramref name="timeout"/>; a peer that is gone or slow is not an error here: the caller aborts after.
    /// </summary>
    public async Task CloseQuietlyAsync(TimeSpan timeout)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _sending.WaitAsync(limit.Token).ConfigureAwait(false);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, limit.Token).ConfigureAwait(false);
            }
            finally
            {
                _sending.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Gone, slow or already closing.
        }
    }
}
