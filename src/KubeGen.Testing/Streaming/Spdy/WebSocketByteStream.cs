using System.Net.WebSockets;
using KubeGen.Shared.Streaming;

namespace KubeGen.Testing.Streaming.Spdy;

/// <summary>
/// A byte stream carried in a WebSocket's binary messages, as client-go's tunneling connection carries SPDY: message
/// boundaries mean nothing, reads run the messages together, each write is one message.
/// </summary>
internal sealed class WebSocketByteStream(WebSocket socket) : UnseekableStream
{
    private readonly SemaphoreSlim _sending = new(1, 1);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ValueWebSocketReceiveResult received = await socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return 0;
            }

            if (received.Count > 0 || buffer.IsEmpty)
            {
                return received.Count;
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(buffer, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }
}
