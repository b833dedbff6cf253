using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KubeGen.Runtime;

/// <summary>
/// client-go's work queue metrics for one queue: depth, adds, time waiting in the queue, time processing, retries,
/// and the work in hand for how long. They are readable here (for health checks and tests) and published through
/// <see cref="System.Diagnostics.Metrics"/> on the meter <see cref="MeterName"/>, tagged with the queue's name
/// (<c>kubegen.workqueue.depth</c>, <c>.adds</c>, <c>.queue_duration</c>, <c>.work_duration</c>, <c>.retries</c>,
/// <c>.unfinished_work</c>, <c>.longest_running_processor</c>; durations in seconds). Nothing is recorded unless a
/// listener (OpenTelemetry, <c>dotnet-counters</c>, the Prometheus endpoint of KubeGen.Hosting) subscribes.
/// </summary>
public sealed class WorkQueueMetrics
{
    /// <summary>The meter every work queue publishes on.</summary>
    public const string MeterName = "KubeGen.WorkQueue";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<WorkQueueMetrics, byte> Live = new();
    private static readonly Counter<long> AddsCounter = Meter.CreateCounter<long>("kubegen.workqueue.adds", description: "Items added to the queue.");
    private static readonly Counter<long> RetriesCounter = Meter.CreateCounter<long>("kubegen.workqueue.retries", description: "Items added again after a failure (rate limited).");
    private static readonly Histogram<double> QueueDuration = Meter.CreateHistogram<double>("kubegen.workqueue.queue_duration", "s", "How long an item waited in the queue before a worker took it.");
    private static readonly Histogram<double> WorkDuration = Meter.CreateHistogram<double>("kubegen.workqueue.work_duration", "s", "How long processing an item took.");

    private readonly TimeProvider _time;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly object _gate = new();
    private readonly Dictionary<object, long> _startedAt = new(); // item → timestamp its processing started
    private long _adds;
    private long _retries;
    private int _depth;

    static WorkQueueMetrics()
    {
        Meter.CreateObservableUpDownCounter("kubegen.workqueue.depth", () => Observe(m => m.Depth), description: "Items waiting in the queue.");
        Meter.CreateObservableGauge("kubegen.workqueue.unfinished_work", () => Observe(m => m.UnfinishedWork.TotalSeconds), "s", "Seconds of work in hand that has not finished yet.");
        Meter.CreateObservableGauge("kubegen.workqueue.longest_running_processor", () => Observe(m => m.LongestRunningProcessor.TotalSeconds), "s", "How long the longest item in hand has been processed.");
    }

    internal WorkQueueMetrics(string name, TimeProvider time)
    {
        Name = name;
        _time = time;
        _tag = new KeyValuePair<string, object?>("name", name);
        Live.TryAdd(this, 0);
    }

    /// <summary>The queue's name (the controller's name), the <c>name</c> tag of its measurements.</summary>
    public string Name { get; }

    /// <summary>Items waiting now.</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>Items added since the queue was created (adds of an item already waiting count too, as in client-go).</summary>
    public long Adds => Interlocked.Read(ref _adds);

    /// <summary>Rate-limited adds (retries after failures) since the queue was created.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Items being processed now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _startedAt.Count;
            }
        }
    }

    /// <summary>The sum of how long each item in hand has been processed (client-go's unfinished work): it grows while a worker is stuck.</summary>
    public TimeSpan UnfinishedWork => FoldInHand(static (total, elapsed) => total + elapsed);

    /// <summary>How long the longest item in hand has been processed.</summary>
    public TimeSpan LongestRunningProcessor => FoldInHand(static (longest, elapsed) => elapsed > longest ? elapsed : longest);

    internal void Added()
    {
        Interlocked.Increment(ref _adds);
        AddsCounter.Add(1, _tag);
    }

    internal void Retried()
    {
        Interlocked.Increment(ref _retries);
        RetriesCounter.Add(1, _tag);
    }

    internal void SetDepth(int depth) => Volatile.Write(ref _depth, depth);

    /// <summary>A worker took <paramref name="item"/>, which had been queued at <paramref name="queuedAt"/>.</summary>
    internal void Started(object item, long queuedAt)
    {
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            _startedAt[item] = now;
        }

        if (QueueDuration.Enabled)
        {
            QueueDuration.Record(_time.GetElapsedTime(queuedAt, now).TotalSeconds, _tag);
        }
    }

    internal void Finished(object item)
    {
        long started;
        lock (_gate)
        {
            if (!_startedAt.Remove(item, out started))
            {
                return;
            }
        }

        if (WorkDuration.Enabled)
        {
            WorkDuration.Record(_time.GetElapsedTime(started).TotalSeconds, _tag);
        }
    }

    /// <summary>Combines how long each item in hand has been processed.</summary>
    private TimeSpan FoldInHand(Func<TimeSpan, TimeSpan, TimeSpan> combine)
    {
        long now = _time.GetTimestamp();
        TimeSpan result = TimeSpan.Zero;
        lock (_gate)
        {
            foreach (long started in _startedAt.Values)
            {
                result = combine(result, _time.GetElapsedTime(started, now));
            }
        }

        return result;
    }

    /// <summary>The queue has shut down: it is no longer observed.</summary>
    internal void Unregister() => Live.TryRemove(this, out _);

    private static IEnumerable<Measurement<T>> Observe<T>(Func<WorkQueueMetrics, T> read)
        where T : struct
    {
        foreach (WorkQueueMetrics metrics in Live.Keys)
        {
            yield return new Measurement<T>(read(metrics), metrics._tag);
        }
    }
}
