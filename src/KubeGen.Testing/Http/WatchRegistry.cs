using System.Collections.Concurrent;

namespace KubeGen.Testing.Http;

/// <summary>The watches being served, so tests can drop them all at once.</summary>
internal sealed class WatchRegistry
{
    private readonly ConcurrentDictionary<CancellationTokenSource, bool> _active = new();

    public int Count => _active.Count;

    public IDisposable Register(CancellationTokenSource cancel)
    {
        _active[cancel] = false;
        return new Registration(this, cancel);
    }

    public bool WasDropped(CancellationTokenSource cancel) => _active.TryGetValue(cancel, out bool dropped) && dropped;

    /// <summary>Aborts every active watch connection.</summary>
    public int DropAll()
    {
        int count = 0;
        foreach (CancellationTokenSource cancel in _active.Keys)
        {
            _active[cancel] = true;
            try
            {
                cancel.Cancel();
                count++;
            }
            catch (ObjectDisposedException)
            {
            }
        }

        return count;
    }

    private sealed class Registration(WatchRegistry owner, CancellationTokenSource cancel) : IDisposable
    {
        public void Dispose() => owner._active.TryRemove(cancel, out _);
    }
}
