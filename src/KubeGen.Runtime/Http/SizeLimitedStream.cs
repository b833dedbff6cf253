namespace KubeGen.Runtime;

/// <summary>
/// A read-only pass-through stream over a response body that fails with <see cref="KubeResponseTooLargeException"/>
/// once more than the limit has been read. It reads what the handler hands out, that is, after gzip/deflate
/// decompression, so a small compressed body cannot expand past the limit.
/// </summary>
internal sealed class SizeLimitedStream(Stream inner, long limit, string method, string pathAndQuery) : ReadOnlyPassThroughStream(inner)
{
    private long _read;

    protected override void OnRead(ReadOnlySpan<byte> data)
    {
        _read += data.Length;
        if (_read > limit)
        {
            throw new KubeResponseTooLargeException(method, pathAndQuery, limit);
        }
    }
}
