using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using KubeGen.Shared.Streaming;

namespace KubeGen.Testing.Streaming;

/// <summary>
/// The server end of <c>pods/portforward</c> over <c>v4.channel.k8s.io</c>, as the kubelet speaks it: for the i-th port
/// of <c>ports=</c>, channel 2i carries the data and 2i+1 the errors, and both start with the port as two little-endian
/// bytes. Each port is one connection to the pod; the socket closes when every port's connection has ended.
/// </summary>
internal sealed class PortForwardServer(WebSocket socket)
{
    private readonly ChannelSocket _sender = new(socket);

    /// <summary>Forwards each port to <paramref name="forward"/>; a failure becomes the error channel's text.</summary>
    public async Task RunAsync(IReadOnlyList<int> ports, Func<int, Stream, CancellationToken, Task> forward, CancellationToken stopping)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var inbound = ports.Select(_ => new ChunkStream()).ToArray();
        Task receiving = ReceiveAsync(inbound, session);
        try
        {
            for (int i = 0; i < ports.Count; i++)
            {
                byte[] prefix = new byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(prefix, (ushort)ports[i]);
                await SendAsync((byte)(2 * i), prefix, session.Token);
                await SendAsync((byte)(2 * i + 1), prefix, session.Token);
            }

            await Task.WhenAll(ports.Select((port, i) => ForwardOneAsync(port, (byte)(2 * i), inbound[i], forward, session.Token)));
            await _sender.CloseQuietlyAsync(TimeSpan.FromSeconds(5));
            await receiving.WaitAsync(TimeSpan.FromSeconds(5), session.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or IOException)
        {
        }
        finally
        {
            socket.Abort();
            try
            {
                await receiving;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
            }
        }
    }

    private async Task ForwardOneAsync(int port, byte dataChannel, ChunkStream fromClient, Func<int, Stream, CancellationToken, Task> forward, CancellationToken cancellationToken)
    {
        var toClient = new OutboundStream((data, ct) => SendAsync(dataChannel, data, ct));
        try
        {
            await forward(port, new DuplexStream(fromClient, toClient), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await SendAsync((byte)(dataChannel + 1), Encoding.UTF8.GetBytes(e.Message), cancellationToken);
        }
    }

    private Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        => _sender.SendAsync(channel, data, cancellationToken);

    private async Task ReceiveAsync(ChunkStream[] inbound, CancellationTokenSource session)
    {
        var receiver = new ChannelReceiver(socket);
        try
        {
            // Until the client closes the connection: the pod's side then sees the end of the data (there is no half-close).
            while (await receiver.ReceiveAsync(session.Token) is { } received)
            {
                if (received.Channel % 2 == 0 && received.Channel / 2 < inbound.Length)
                {
                    await inbound[received.Channel / 2].DeliverAsync(received.Data, session.Token);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            await session.CancelAsync();
        }
        finally
        {
            foreach (ChunkStream stream in inbound)
            {
                stream.Complete();
            }
        }
    }
}
