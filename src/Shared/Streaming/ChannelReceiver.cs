// Source-shared by the runtime and the emulator; not compiled into the generator (it needs WebSockets).
using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace KubeGen.Shared.Streaming;

/// <summary>
/// The receiving half of a channel WebSocket: each receive yields the channel of the message it belongs to and that part
/// of its data. The first byte of a message names the channel; a message split over several frames keeps it.
/// </summary>
internal sealed class ChannelReceiver(WebSocket socket)
{
    private readonly byte[] _buffer = new byte[ChannelSocket.MaxMessageBytes + 1];
    private int _channel = -1;

    /// <summary>The next piece of data and its channel; null when the peer closed the socket. Data may be empty.</summary>
    public async Task<ChannelData?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ValueWebSocketReceiveResult received = await socket.ReceiveAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            ReadOnlyMemory<byte> data = _buffer.AsMemory(0, received.Count);
            if (_channel < 0 && !data.IsEmpty)
            {
                _channel = data.Span[0];
                data = data.Slice(1);
            }

            int channel = _channel;
            if (received.EndOfMessage)
            {
                _channel = -1;
            }

            if (channel >= 0)
            {
                return new ChannelData((byte)channel, data, received.EndOfMessage);
            }
        }
    }
}

/// <summary>A piece of one message: its channel, the data (valid until the next receive) and whether the message ends here.</summary>
internal readonly record struct ChannelData(byte Channel, ReadOnlyMemory<byte> Data, bool EndOfMessage);
