using System.Globalization;
using System.Threading.Channels;

namespace KubeGen.Runtime;

/// <summary>
/// Records Kubernetes Events for a controller without slowing it down or flooding the API server (client-go's event
/// broadcaster and its spam filter): <see cref="Record(KubeObjectReference, string, string, string, string?, KubeObjectReference?)"/> only queues; one background loop writes. The first occurrence of an
/// event creates an Event; repeats within <see cref="EventRecorderOptions.SeriesWindow"/> only raise its count, written at
/// most once per <see cref="EventRecorderOptions.SeriesUpdateInterval"/>; each object gets at most
/// <see cref="EventRecorderOptions.BurstPerObject"/> new Events at once, refilled slowly. Events are best effort: dropped
/// events are counted in <see cref="Dropped"/>, failed writes go to <see cref="EventRecorderOptions.OnError"/>.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private const int MaxNoteLength = 1024;

    private readonly IEventSink _sink;
    private readonly EventRecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly string _instance;
    private readonly Channel<Work> _work;
    private readonly Dictionary<SeriesKey, Series> _series = new();
    private readonly Dictionary<KubeObjectReference, Bucket> _buckets = new();
    private readonly ITimer _flushTimer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _dropped;
    private long _created;
    private long _sequence;
    private long _seriesUpdates;

    /// <summary>Creates the recorder and its writing loop.</summary>
    public EventRecorder(IEventSink sink, EventRecorderOptions options)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ReportingController, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BurstPerObject, 1, nameof(options));
        _sink = sink;
        _options = options;
        _time = options.TimeProvider;
        _instance = options.ReportingInstance
            ?? (Environment.GetEnvironmentVariable("HOSTNAME") is { Length: > 0 } host ? host : Environment.MachineName);
        _work = Channel.CreateBounded<Work>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        _flushTimer = _time.CreateTimer(static s => ((EventRecorder)s!).Post(Work.Flush), this, options.SeriesUpdateInterval, options.SeriesUpdateInterval);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Events not written: the queue was full, or the object had used up its burst.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events created.</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>Series counts written for repeated events.</summary>
    public long SeriesUpdates => Interlocked.Read(ref _seriesUpdates);

    /// <summary>Records an event about <paramref name="regarding"/>; returns at once.</summary>
    /// <param name="regarding">The object (its apiVersion and kind must be known: see <see cref="KubeObjectReference.For"/>).</param>
    /// <param name="type"><see cref="KubeEventType.Normal"/> or <see cref="KubeEventType.Warning"/>.</param>
    /// <param name="reason">Why, in UpperCamelCase.</param>
    /// <param name="action">What was done, in UpperCamelCase.</param>
    /// <param name="note">A human-readable description; never put secrets in it.</param>
    /// <param name="related">A second object involved.</param>
    public void Record(KubeObjectReference regarding, string type, string reason, string action, string? note = null, KubeObjectReference? related = null)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentException.ThrowIfNullOrEmpty(action);
        if (note is { Length: > MaxNoteLength })
        {
            note = note[..MaxNoteLength];
        }

        Post(new Work(new Occurrence(regarding, related, type, reason, action, note, _time.GetUtcNow())));
    }

    /// <summary>Records an event about an object read from the server (see <see cref="Record(KubeObjectReference, string, string, string, string?, KubeObjectReference?)"/>).</summary>
    public void Record(IKubeObject regarding, string type, string reason, string action, string? note = null)
        => Record(KubeObjectReference.For(regarding), type, reason, action, note);

    /// <summary>Waits until everything recorded so far has been handled (written, counted or dropped), and writes pending series counts.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => MarkAsync(writeSeries: true, cancellationToken);

    /// <summary>Waits until everything recorded so far has been handled, without writing series counts early (tests).</summary>
    internal Task WaitIdleAsync(CancellationToken cancellationToken = default) => MarkAsync(writeSeries: false, cancellationToken);

    private async Task MarkAsync(bool writeSeries, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _work.Writer.WriteAsync(new Work(done, writeSeries), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes what is pending (pending series counts included) and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _flushTimer.Dispose();
        _work.Writer.TryWrite(Work.Flush);
        _work.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Post(Work work)
    {
        if (!_work.Writer.TryWrite(work) && work.Occurrence is not null)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task LoopAsync()
    {
        await foreach (Work work in _work.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            if (work.Occurrence is { } occurrence)
            {
                await HandleAsync(occurrence).ConfigureAwait(false);
            }
            else
            {
                if (work.WriteSeries)
                {
                    await FlushSeriesAsync().ConfigureAwait(false);
                }

                work.Done?.TrySetResult();
            }
        }
    }

    private async Task HandleAsync(Occurrence o)
    {
        var key = new SeriesKey(o.Regarding, o.Related, o.Type, o.Reason, o.Action, o.Note);
        if (_series.TryGetValue(key, out Series? series) && o.At - series.LastObserved <= _options.SeriesWindow)
        {
            // A repeat: counted now, written by the next flush.
            series.Event = series.Event with { Count = series.Event.Count + 1, LastObservedTime = o.At };
            series.LastObserved = o.At;
            series.Dirty = true;
            return;
        }

        if (!Take(o.Regarding, o.At))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        var kubeEvent = new KubeEvent
        {
            // client-go's name: the object's, then the time in hex nanoseconds; plus this recorder's sequence, so that two events
            // in the same clock tick do not collide.
            Name = $"{o.Regarding.Name}.{((o.At.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100) + (++_sequence % 100):x}",
            Namespace = o.Regarding.Namespace ?? "default",
            Regarding = o.Regarding,
            Related = o.Related,
            Type = o.Type,
            Reason = o.Reason,
            Action = o.Action,
            Note = o.Note,
            ReportingController = _options.ReportingController,
            ReportingInstance = _instance,
            EventTime = o.At,
            LastObservedTime = o.At,
        };
        if (await WriteAsync(() => _sink.CreateAsync(kubeEvent, _stop.Token)).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _created);
            _series[key] = new Series(kubeEvent, o.At);
        }

        Forget(o.At);
    }

    private async Task FlushSeriesAsync()
    {
        foreach (Series series in _series.Values.Where(s => s.Dirty).ToArray())
        {
            series.Dirty = false;
            if (await WriteAsync(() => _sink.UpdateSeriesAsync(series.Event, _stop.Token)).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _seriesUpdates);
            }
        }

        Forget(_time.GetUtcNow());
    }

    /// <summary>Drops series that ended and buckets that are full again, so memory follows the events of the last window.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach ((SeriesKey key, Series series) in _series.ToArray())
        {
            if (!series.Dirty && now - series.LastObserved > _options.SeriesWindow)
            {
                _series.Remove(key);
            }
        }

        foreach ((KubeObjectReference reference, Bucket bucket) in _buckets.ToArray())
        {
            if (Refilled(bucket, now) >= _options.BurstPerObject)
            {
                _buckets.Remove(reference);
            }
        }
    }

    /// <summary>The object's token bucket: whether it may get another new Event now.</summary>
    private bool Take(KubeObjectReference regarding, DateTimeOffset now)
    {
        if (!_buckets.TryGetValue(regarding, out Bucket? bucket))
        {
            bucket = new Bucket(_options.BurstPerObject, now);
            _buckets[regarding] = bucket;
        }

        bucket.Tokens = Refilled(bucket, now);
        bucket.At = now;
        if (bucket.Tokens < 1)
        {
            return false;
        }

        bucket.Tokens -= 1;
        return true;
    }

    private double Refilled(Bucket bucket, DateTimeOffset now)
        => Math.Min(_options.BurstPerObject, bucket.Tokens + ((now - bucket.At) / _options.RefillPerObject));

    private async Task<bool> WriteAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            try
            {
                _options.OnError?.Invoke(ex);
            }
            catch (Exception)
            {
                // A failing error handler must not stop the loop.
            }

            return false;
        }
    }

    private readonly record struct Occurrence(KubeObjectReference Regarding, KubeObjectReference? Related, string Type, string Reason, string Action, string? Note, DateTimeOffset At);

    private readonly record struct SeriesKey(KubeObjectReference Regarding, KubeObjectReference? Related, string Type, string Reason, string Action, string? Note);

    private sealed class Series(KubeEvent kubeEvent, DateTimeOffset lastObserved)
    {
        public KubeEvent Event { get; set; } = kubeEvent;

        public DateTimeOffset LastObserved { get; set; } = lastObserved;

        public bool Dirty { get; set; }
    }

    private sealed class Bucket(double tokens, DateTimeOffset at)
    {
        public double Tokens { get; set; } = tokens;

        public DateTimeOffset At { get; set; } = at;
    }

    private sealed class Work
    {
        public static readonly Work Flush = new(null, writeSeries: true);

        public Work(Occurrence occurrence) => Occurrence = occurrence;

        public Work(TaskCompletionSource? done, bool writeSeries)
        {
            Done = done;
            WriteSeries = writeSeries;
        }

        public Occurrence? Occurrence { get; }

        public TaskCompletionSource? Done { get; }

        public bool WriteSeries { get; }
    }
}
