namespace KubeGen.Runtime;

/// <summary>A read-only pass-through stream that remembers the first bytes read, for error messages.</summary>
internal sealed class PrefixCapturingStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _prefix;
    private int _captured;

    public PrefixCapturingStream(Stream inner, int capacity)
    {
        _inner = inner;
        _prefix = new byte[capacity];
    }

    public ReadOnlySpan<byte> Captured => _prefix.AsSpan(0, _captured);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        Capture(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Capture(buffer.Span[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Capture(ReadOnlySpan<byte> data)
    {
        int take = Math.Min(data.Length, _prefix.Length - _captured);
        if (take > 0)
        {
            data[..take].CopyTo(_prefix.AsSpan(_captured));
            _captured += take;
        }
    }
}
