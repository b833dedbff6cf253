using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using KubeGen.Shared.Streaming;

namespace KubeGen.Testing.Streaming.Spdy;

/// <summary>
/// The server end of kubectl's port-forward over SPDY/3.1 (tunneled in a WebSocket as <c>SPDY/3.1+portforward.k8s.io</c>,
/// KEP-4006), as the kubelet answers it: the client opens, per forwarded connection, an <c>error</c> stream and a
/// <c>data</c> stream carrying the same <c>port</c> and <c>requestid</c> headers; each stream gets a SYN_REPLY, and once a
/// pair is complete the connection is forwarded. When it ends, both streams are finished (FIN), the error stream after
/// the error's text when there is one. PINGs are answered; a GOAWAY or the end of the tunnel ends everything.
/// </summary>
internal sealed class SpdyPortForwardSession : IDisposable
{
    private const ushort Version = 3;
    private const ushort SynStream = 1;
    private const ushort SynReply = 2;
    private const ushort RstStream = 3;
    private const ushort Ping = 6;
    private const ushort GoAway = 7;
    private const byte FlagFin = 0x01;
    private const int MaxFrameBytes = 1 << 24;
    private const int MaxDataFrame = 32 * 1024;

    private readonly Stream _transport;
    private readonly SpdyHeaderCodec _headers = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Dictionary<uint, ChunkStream> _dataStreams = [];
    private readonly Dictionary<string, PendingPair> _pairs = new(StringComparer.Ordinal);
    private readonly List<Task> _forwards = [];

    public SpdyPortForwardSession(Stream transport)
    {
        _transport = transport;
    }

    /// <summary>Serves frames until the client leaves; each completed stream pair is forwarded with <paramref name="forward"/>.</summary>
    public async Task RunAsync(Func<int, Stream, CancellationToken, Task> forward, CancellationToken stopping)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        byte[] head = new byte[8];
        try
        {
            while (true)
            {
                if (!await ReadExactlyOrEndAsync(head, session.Token))
                {
                    break;
                }

                uint first = BinaryPrimitives.ReadUInt32BigEndian(head);
                byte flags = head[4];
                int length = (head[5] << 16) | (head[6] << 8) | head[7];
                byte[] payload = new byte[length];
                if (length > 0 && !await ReadExactlyOrEndAsync(payload, session.Token))
                {
                    break;
                }

                if ((first & 0x80000000) == 0)
                {
                    await OnDataAsync(first & 0x7FFFFFFF, flags, payload, session.Token);
                    continue;
                }

                ushort type = (ushort)(first & 0xFFFF);
                if (type == GoAway)
                {
                    break;
                }

                await OnControlAsync(type, payload, forward, session.Token);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The tunnel broke or carried something that is not SPDY: the forwarded connections end with it.
        }
        finally
        {
            await session.CancelAsync();
            foreach (ChunkStream stream in _dataStreams.Values)
            {
                stream.Complete();
            }

            try
            {
                await Task.WhenAll(_forwards);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException)
            {
            }
        }
    }

    public void Dispose() => _headers.Dispose();

    private async Task OnControlAsync(ushort type, byte[] payload, Func<int, Stream, CancellationToken, Task> forward, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case SynStream:
                await OnSynStreamAsync(payload, forward, cancellationToken);
                break;
            case RstStream:
                // The client is done with a stream (it resets the data stream after each connection): the pod side ends too.
                uint reset = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF;
                if (_dataStreams.Remove(reset, out ChunkStream? stream))
                {
                    stream.Complete();
                }

                break;
            case Ping:
                await WriteControlAsync(Ping, 0, payload, cancellationToken);
                break;
            default:
                // SETTINGS, WINDOW_UPDATE, HEADERS: nothing a port-forward server needs.
                break;
        }
    }

    private async Task OnSynStreamAsync(byte[] payload, Func<int, Stream, CancellationToken, Task> forward, CancellationToken cancellationToken)
    {
        uint streamId = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF;
        Dictionary<string, List<string>> headers = _headers.Decode(payload.AsSpan(10));
        string type = Header(headers, "streamtype");
        string requestId = Header(headers, "requestid");
        string portText = Header(headers, "port");
        await WriteControlAsync(SynReply, 0, Reply(streamId), cancellationToken);

        if (!_pairs.TryGetValue(requestId, out PendingPair? pair))
        {
            pair = new PendingPair();
            _pairs[requestId] = pair;
        }

        if (type == "error")
        {
            pair.ErrorStream = streamId;
        }
        else if (type == "data")
        {
            pair.DataStream = streamId;
            _dataStreams[streamId] = new ChunkStream();
        }

        if (pair is { ErrorStream: uint error, DataStream: uint data })
        {
            _pairs.Remove(requestId);
            int port = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed : 0;
            _forwards.Add(ForwardAsync(port, data, error, _dataStreams[data], forward, cancellationToken));
        }
    }

    private async Task ForwardAsync(int port, uint dataStream, uint errorStream, ChunkStream fromClient, Func<int, Stream, CancellationToken, Task> forward, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var toClient = new OutboundStream((data, ct) => WriteDataAsync(dataStream, data, fin: false, ct));
        string? failure = null;
        try
        {
            await forward(port, new DuplexStream(fromClient, toClient), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            failure = e.Message;
        }
        catch (Exception)
        {
            return;
        }

        try
        {
            if (failure is not null)
            {
                await WriteDataAsync(errorStream, Encoding.UTF8.GetBytes(failure), fin: false, cancellationToken);
            }

            await WriteDataAsync(errorStream, ReadOnlyMemory<byte>.Empty, fin: true, cancellationToken);
            await WriteDataAsync(dataStream, ReadOnlyMemory<byte>.Empty, fin: true, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
        }
    }

    private Task OnDataAsync(uint streamId, byte flags, byte[] payload, CancellationToken cancellationToken)
    {
        if (!_dataStreams.TryGetValue(streamId, out ChunkStream? stream))
        {
            // The error stream's (empty) FIN, or data for a stream already reset.
            return Task.CompletedTask;
        }

        if ((flags & FlagFin) != 0)
        {
            return DeliverThenEndAsync(stream, payload, cancellationToken);
        }

        return stream.DeliverAsync(payload, cancellationToken).AsTask();
    }

    private static async Task DeliverThenEndAsync(ChunkStream stream, byte[] payload, CancellationToken cancellationToken)
    {
        await stream.DeliverAsync(payload, cancellationToken);
        stream.Complete();
    }

    private byte[] Reply(uint streamId)
    {
        byte[] block = _headers.Encode([]);
        byte[] reply = new byte[4 + block.Length];
        BinaryPrimitives.WriteUInt32BigEndian(reply, streamId);
        block.CopyTo(reply, 4);
        return reply;
    }

    private async Task WriteControlAsync(ushort type, byte flags, byte[] payload, CancellationToken cancellationToken)
    {
        byte[] frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, 0x8000 | Version);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), type);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)flags << 24) | (uint)payload.Length);
        payload.CopyTo(frame, 8);
        await WriteFrameAsync(frame, cancellationToken);
    }

    private async Task WriteDataAsync(uint streamId, ReadOnlyMemory<byte> data, bool fin, CancellationToken cancellationToken)
    {
        do
        {
            int length = Math.Min(data.Length, MaxDataFrame);
            bool last = length == data.Length;
            byte[] frame = new byte[8 + length];
            BinaryPrimitives.WriteUInt32BigEndian(frame, streamId & 0x7FFFFFFF);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)(fin && last ? FlagFin : 0) << 24) | (uint)length);
            data.Span[..length].CopyTo(frame.AsSpan(8));
            await WriteFrameAsync(frame, cancellationToken);
            data = data[length..];
        }
        while (!data.IsEmpty);
    }

    private async Task WriteFrameAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await _transport.WriteAsync(frame, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        if (buffer.Length > MaxFrameBytes)
        {
            throw new InvalidDataException("frame too large");
        }

        int done = 0;
        while (done < buffer.Length)
        {
            int read = await _transport.ReadAsync(buffer.AsMemory(done), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            done += read;
        }

        return true;
    }

    private static string Header(Dictionary<string, List<string>> headers, string name)
        => headers.TryGetValue(name, out List<string>? values) && values.Count > 0 ? values[0] : "";

    /// <summary>The two streams of one forwarded connection, as they arrive.</summary>
    private sealed class PendingPair
    {
        public uint? ErrorStream { get; set; }

        public uint? DataStream { get; set; }
    }
}
