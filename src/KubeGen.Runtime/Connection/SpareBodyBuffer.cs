namespace KubeGen.Runtime;

/// <summary>
/// The buffer of a connection's last large response body (a list of known length), kept for the next one and dropped
/// once no large body has been read for <see cref="IdleTime"/>.
/// </summary>
/// <remarks>
/// A 10,000-pod list is a 30 MB body read into one buffer before its objects are. Allocating it again for every list
/// doubles what a list call allocates; renting it from the shared array pool keeps it (and every size below it) in the
/// pool after the list. One spare buffer per connection is reused by back-to-back lists and by the pages of a paged list,
/// and goes back to the GC when the connection idles or is disposed: the memory a list needed does not outlive the lists.
/// </remarks>
internal sealed class SpareBodyBuffer : IDisposable
{
    /// <summary>How long the spare buffer outlives the last large body.</summary>
    public static readonly TimeSpan IdleTime = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private readonly ITimer _dropTimer;
    private byte[]? _spare;
    private bool _disposed;

    public SpareBodyBuffer(TimeProvider time)
        => _dropTimer = time.CreateTimer(static state => ((SpareBodyBuffer)state!).Drop(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>The spare buffer if it can hold <paramref name="length"/> bytes, else a new buffer of exactly that size.</summary>
    public byte[] Rent(int length)
    {
        lock (_lock)
        {
            byte[]? spare = _spare;
            _spare = null;
            if (spare is not null && spare.Length >= length)
            {
                return spare;
            }
        }

        // A spare too small for this body is left to the GC: this one replaces it when it comes back.
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Keeps <paramref name="buffer"/> for the next large body (the larger one, when two calls return theirs).</summary>
    public void Return(byte[] buffer)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_spare is null || _spare.Length < buffer.Length)
            {
                _spare = buffer;
            }

            _dropTimer.Change(IdleTime, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether a spare buffer is held (for tests).</summary>
    internal bool HoldsBuffer
    {
        get
        {
            lock (_lock)
            {
                return _spare is not null;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _spare = null;
        }

        _dropTimer.Dispose();
    }

    private void Drop()
    {
        lock (_lock)
        {
            _spare = null;
        }
    }
}
