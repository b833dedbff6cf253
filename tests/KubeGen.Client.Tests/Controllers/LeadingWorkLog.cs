namespace KubeGen.Client.Tests.Controllers;

/// <summary>
/// The leading work of election candidates, as the work itself saw it: when each one began and ended acting as the
/// leader, ordered by one sequence counter (a total order that follows happens-before, no clocks), and how many acted
/// at once at most. Its <see cref="SlowToStopAsync"/> work takes its time to stop once told to, and stops at once if
/// another candidate's work begins meanwhile, so an elector that hands the lead over before its work has ended is
/// caught whatever the timing.
/// </summary>
internal sealed class LeadingWorkLog
{
    private readonly object _gate = new();
    private readonly List<(string Who, long Began, long Ended)> _spans = new();
    private TaskCompletionSource _nextBegins = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;
    private int _acting;

    public LeadingWorkLog(TimeSpan stopTime) => StopTime = stopTime;

    /// <summary>How long the work keeps acting after it was told to stop (when nobody else begins).</summary>
    public TimeSpan StopTime { get; }

    public int MaxActingAtOnce { get; private set; }

    public IReadOnlyList<(string Who, long Began, long Ended)> Spans
    {
        get
        {
            lock (_gate)
            {
                return _spans.ToArray();
            }
        }
    }

    /// <summary>The work: acts until cancelled, then keeps acting for <see cref="StopTime"/> or until another work begins.</summary>
    public async Task SlowToStopAsync(string who, CancellationToken leading)
    {
        long began = Begin();
        try
        {
            await Task.Delay(Timeout.Infinite, leading);
        }
        catch (OperationCanceledException)
        {
        }

        Task anotherBegins;
        lock (_gate)
        {
            anotherBegins = _nextBegins.Task;
        }

        await Task.WhenAny(anotherBegins, Task.Delay(StopTime, CancellationToken.None));
        End(who, began);
    }

    /// <summary>Every work began after the one before it had ended, and never two acted at once.</summary>
    public void AssertOneAtATime()
    {
        var ordered = Spans.OrderBy(s => s.Began).ToList();
        for (int i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].Began > ordered[i - 1].Ended,
                $"{ordered[i].Who}'s work began (#{ordered[i].Began}) before {ordered[i - 1].Who}'s had ended (#{ordered[i - 1].Ended})");
        }

        Assert.Equal(1, MaxActingAtOnce);
    }

    private long Begin()
    {
        TaskCompletionSource began;
        long sequence;
        lock (_gate)
        {
            sequence = ++_sequence;
            MaxActingAtOnce = Math.Max(MaxActingAtOnce, ++_acting);
            began = _nextBegins;
            _nextBegins = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        began.SetResult();
        return sequence;
    }

    private void End(string who, long began)
    {
        lock (_gate)
        {
            _acting--;
            _spans.Add((who, began, ++_sequence));
        }
    }
}
