// Source-shared by the runtime and the emulator; not compiled into the generator.
using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace KubeGen.Shared.Streaming;

/// <summary>
/// What arrives on one channel, as a read-only stream: a receive loop hands over each message's bytes, a reader takes
/// them. At most <see cref="MaxChunks"/> messages wait for the reader, after which the loop waits too, so an unread
/// stream slows the sender down instead of filling memory. Disposing the stream drops whatever arrives after.
/// </summary>
internal sealed class ChunkStream : UnseekableStream
{
    /// <summary>Messages (each at most 32 KiB) held for a reader that has not taken them.</summary>
    private const int MaxChunks = 64;

    private readonly Channel<byte[]> _chunks = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(MaxChunks) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private ReadOnlyMemory<byte> _current;
    private int _discarded;

    public override bool CanRead => true;

    public override bool CanWrite => false;

    /// <summary>Hands over the bytes of one message (copied); waits while the reader is behind, returns at once once it is gone.</summary>
    public async ValueTask DeliverAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty || Volatile.Read(ref _discarded) != 0)
        {
            return;
        }

        try
        {
            await _chunks.Writer.WriteAsync(data.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The reader disposed the stream, or the channel was closed, meanwhile: the bytes are dropped.
        }
    }

    /// <summary>No more data: reads return 0 once the rest is taken, or throw <paramref name="error"/> when there is one.</summary>
    public void Complete(Exception? error = null) => _chunks.Writer.TryComplete(error);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _discarded) != 0)
        {
            throw new ObjectDisposedException(nameof(ChunkStream));
        }

        while (_current.IsEmpty)
        {
            if (buffer.IsEmpty || !await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            if (_chunks.Reader.TryRead(out byte[]? chunk))
            {
                _current = chunk;
            }
        }

        int count = Math.Min(buffer.Length, _current.Length);
        _current.Slice(0, count).CopyTo(buffer);
        _current = _current.Slice(count);
        return count;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _discarded, 1) == 0)
        {
            _chunks.Writer.TryComplete();
            while (_chunks.Reader.TryRead(out _))
            {
            }
        }

        base.Dispose(disposing);
    }
}
