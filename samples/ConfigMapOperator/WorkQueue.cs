using System.Threading.Channels;

namespace ConfigMapOperator;

/// <summary>
/// The keys ("namespace/name" of source ConfigMaps) waiting to be reconciled, like client-go's
/// workqueue: a key is queued at most once however many events name it (the reconciler reads the
/// latest state from the caches anyway), one consumer takes them in order, and a failed key comes
/// back after a per-key exponential backoff.
/// </summary>
internal sealed class WorkQueue
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(1);

    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Queues the key unless it is already waiting.</summary>
    public void Add(string key)
    {
        lock (_gate)
        {
            if (!_queued.Add(key))
            {
                return;
            }
        }

        _ready.Writer.TryWrite(key);
    }

    /// <summary>The next key; from now on an event for it queues it again.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        string key = await _ready.Reader.ReadAsync(cancellationToken);
        lock (_gate)
        {
            _queued.Remove(key);
        }

        return key;
    }

    /// <summary>Queues the key again after 1 s, 2 s, 4 s, … up to a minute (per key, reset by <see cref="Forget"/>).</summary>
    public void Retry(string key, CancellationToken cancellationToken)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        TimeSpan delay = TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, FirstRetry.Ticks << Math.Min(failures - 1, 16)));
        _ = Task.Delay(delay, cancellationToken).ContinueWith(
            _ => Add(key),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }

    /// <summary>The key was reconciled: its next failure starts the backoff again.</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }
}
