namespace KubeGen.Runtime;

/// <summary>A read-only pass-through stream that remembers the first bytes read, for error messages.</summary>
internal sealed class PrefixCapturingStream(Stream inner, int capacity) : ReadOnlyPassThroughStream(inner)
{
    private readonly byte[] _prefix = new byte[capacity];
    private int _captured;

    public ReadOnlySpan<byte> Captured => _prefix.AsSpan(0, _captured);

    protected override void OnRead(ReadOnlySpan<byte> data)
    {
        int take = Math.Min(data.Length, _prefix.Length - _captured);
        if (take > 0)
        {
            data[..take].CopyTo(_prefix.AsSpan(_captured));
            _captured += take;
        }
    }
}
