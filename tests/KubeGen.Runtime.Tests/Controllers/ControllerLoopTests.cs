using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>
/// The reconcile loop on a virtual clock: every wait (backoff, bucket, RequeueAfter) runs on a <see cref="FakeTimeProvider"/>
/// that the test advances to the queue's next due time, so attempt counts and times are exact, not timing luck.
/// </summary>
public sealed class ControllerLoopTests
{
    private static readonly TimeSpan Horizon = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A controller over one fake informer, run until the test ends.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private readonly long _start;
        private Task? _run;

        public Rig(Func<ReconcileRequest, TimeSpan, CancellationToken, Task<ReconcileResult>> reconcile, int workers = 1, TimeSpan? grace = null)
        {
            _start = Time.GetTimestamp();
            Controller = new Controller(
                "test",
                (request, ct) => reconcile(request, Time.GetElapsedTime(_start), ct),
                new ControllerOptions { TimeProvider = Time, MaxConcurrentReconciles = workers, ShutdownGracePeriod = grace ?? TimeSpan.FromSeconds(25) });
            Controller.ReconcileFailed += Failures.Enqueue;
            Controller.For(Informer);
        }

        public FakeTimeProvider Time { get; } = new();

        public FakeInformer<TestKind> Informer { get; } = new();

        public Controller Controller { get; }

        public ConcurrentQueue<ReconcileFailure> Failures { get; } = new();

        public TimeSpan Elapsed => Time.GetElapsedTime(_start);

        public void Start() => _run = Controller.RunAsync(_stop.Token);

        public Task StopAsync()
        {
            _stop.Cancel();
            return _run ?? Task.CompletedTask;
        }

        /// <summary>Waits (in real time, bounded) until no key is queued or in hand.</summary>
        public async Task IdleAsync()
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            bound.CancelAfter(TimeSpan.FromSeconds(20));
            while (Controller.Queue.Count > 0 || Controller.Queue.Metrics!.InFlight > 0 || Controller.Metrics.ActiveWorkers > 0)
            {
                await Task.Delay(1, bound.Token);
            }
        }

        /// <summary>Advances the clock from due time to due time until <paramref name="horizon"/>, letting the loop settle at each.</summary>
        public async Task RunUntilAsync(TimeSpan horizon)
        {
            await IdleAsync();
            while (Controller.Queue.Delaying.NextDueIn is { } next && Elapsed + next <= horizon)
            {
                Time.Advance(next);
                await IdleAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await Controller.DisposeAsync();
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task An_always_failing_reconcile_backs_off_exactly_by_the_formula()
    {
        var attempts = new ConcurrentQueue<TimeSpan>();
        await using var rig = new Rig((_, at, _) =>
        {
            attempts.Enqueue(at);
            throw new InvalidOperationException("still broken");
        });
        rig.Informer.Add(new TestKind("w"));
        rig.Start();
        await rig.RunUntilAsync(Horizon);

        // Attempt n+1 comes 5 ms × 2^(n-1) after attempt n (client-go's default per-item backoff); the bucket never binds for one key.
        var formula = new ExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var expected = new List<TimeSpan> { TimeSpan.Zero };
        while (expected[^1] + formula.DelayAfter(expected.Count) <= Horizon)
        {
            expected.Add(expected[^1] + formula.DelayAfter(expected.Count));
        }

        Assert.Equal(13, expected.Count); // 0, 5 ms, 15 ms, 35 ms, ... 20.475 s; the next would be at 40.955 s
        Assert.Equal(expected, attempts);
        Assert.Equal(13, rig.Failures.Count);
        Assert.All(rig.Failures, f => Assert.False(f.Terminal));
        Assert.Equal(Enumerable.Range(0, 13), rig.Failures.Select(f => f.Retries));
    }

    [Fact]
    public async Task Many_failing_keys_never_retry_faster_than_the_overall_bucket()
    {
        var attempts = new ConcurrentQueue<(string Key, TimeSpan At)>();
        await using var rig = new Rig((request, at, _) =>
        {
            attempts.Enqueue((request.Name, at));
            throw new HttpRequestException("connection refused");
        }, workers: 4);
        for (int i = 0; i < 300; i++)
        {
            rig.Informer.Add(new TestKind("w" + i));
        }

        rig.Start();
        await rig.RunUntilAsync(Horizon);

        (string Key, TimeSpan At)[] all = [.. attempts];
        int retries = all.Length - 300; // the first attempt of each key is not rate limited
        Assert.True(retries > 0);
        // A bucket of 10 per second with a burst of 100: by any time t at most 100 + 10·t retries have been released.
        foreach (TimeSpan t in all.Select(a => a.At).Distinct())
        {
            int released = all.Count(a => a.At <= t) - 300;
            Assert.True(released <= 100 + (10 * (t.TotalSeconds + 0.001)), // a due time is rounded down to a tick
                $"{released} retries by {t}");
        }

        Assert.InRange(retries, 390, 400); // the bucket is the binding limit: 100 + 10 × 30 s, minus what was still waiting
        Assert.All(all.GroupBy(a => a.Key), g => Assert.InRange(g.Count(), 1, 13));
    }

    [Fact]
    public async Task Terminal_errors_are_reported_once_and_not_retried()
    {
        var attempts = new ConcurrentDictionary<string, int>();
        await using var rig = new Rig((request, _, _) =>
        {
            attempts.AddOrUpdate(request.Name, 1, (_, n) => n + 1);
            throw request.Name switch
            {
                "invalid" => new KubeApiException(new KubeStatus { Code = 422, Reason = "Invalid", Message = "spec.replicas: must be >= 0" }),
                "forbidden" => new KubeApiException(new KubeStatus { Code = 403, Reason = "Forbidden", Message = "cannot patch" }),
                _ => new TerminalException("the spec names a region that does not exist"),
            };
        });
        rig.Informer.Add(new TestKind("invalid"));
        rig.Informer.Add(new TestKind("forbidden"));
        rig.Informer.Add(new TestKind("terminal"));
        rig.Start();
        await rig.RunUntilAsync(Horizon);

        Assert.Equal(new Dictionary<string, int> { ["invalid"] = 1, ["forbidden"] = 1, ["terminal"] = 1 }, attempts.ToDictionary());
        Assert.Equal(3, rig.Failures.Count);
        Assert.All(rig.Failures, f => Assert.True(f.Terminal));
        Assert.Equal(3, rig.Controller.Metrics.TerminalErrors);
        Assert.Null(rig.Controller.Queue.Delaying.NextDueIn);

        // The next change brings the key back.
        rig.Informer.Update(new TestKind("invalid"), new TestKind("invalid", resourceVersion: "2"));
        await rig.IdleAsync();
        Assert.Equal(2, attempts["invalid"]);
    }

    [Fact]
    public async Task RequeueAfter_forgets_the_backoff_and_success_ends_the_retries()
    {
        var attempts = new ConcurrentQueue<TimeSpan>();
        await using var rig = new Rig((_, at, _) =>
        {
            attempts.Enqueue(at);
            return attempts.Count switch
            {
                1 or 2 => throw new TimeoutException("slow server"),
                3 => Task.FromResult(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(10))),
                _ => Task.FromResult(ReconcileResult.Done),
            };
        });
        rig.Informer.Add(new TestKind("w"));
        rig.Start();
        await rig.RunUntilAsync(Horizon);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(15), TimeSpan.FromMilliseconds(10_015)], attempts);
        Assert.Equal(0, rig.Controller.Queue.NumRequeues(new ReconcileRequest("default", "w")));
    }

    [Fact]
    public async Task Fresh_changes_are_reconciled_before_the_initial_backlog()
    {
        var order = new ConcurrentQueue<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var rig = new Rig(async (request, _, _) =>
        {
            order.Enqueue(request.Name);
            await gate.Task;
            return ReconcileResult.Done;
        });
        for (int i = 0; i < 5; i++)
        {
            rig.Informer.Add(new TestKind("old-" + i));
        }

        rig.Start();
        await WaitUntilAsync(() => order.Count == 1);           // the worker holds old-0 (every primary is queued at low priority on start)
        rig.Informer.Update(new TestKind("old-4"), new TestKind("old-4", resourceVersion: "2")); // a fresh change to a waiting key moves it up
        rig.Informer.Add(new TestKind("new"));
        gate.SetResult();
        await rig.IdleAsync();
        Assert.Equal(["old-0", "old-4", "new", "old-1", "old-2", "old-3"], order);
    }

    [Fact]
    public async Task Shutdown_lets_reconciles_in_hand_finish_within_the_grace_period_and_starts_no_new_one()
    {
        var finishing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new ConcurrentQueue<string>();
        var completed = new ConcurrentQueue<string>();
        await using var rig = new Rig(async (request, _, ct) =>
        {
            started.Enqueue(request.Name);
            await finishing.Task.WaitAsync(ct);
            completed.Enqueue(request.Name);
            return ReconcileResult.Done;
        }, workers: 2, grace: TimeSpan.FromSeconds(20));
        foreach (string name in new[] { "a", "b", "c", "d" })
        {
            rig.Informer.Add(new TestKind(name));
        }

        rig.Start();
        await WaitUntilAsync(() => started.Count == 2);
        Task stopping = rig.StopAsync();
        await Task.Delay(50, Ct);
        Assert.False(stopping.IsCompleted); // waiting for the two in hand
        finishing.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(2, completed.Count);
        Assert.Equal(2, started.Count); // c and d never started
    }

    [Fact]
    public async Task Shutdown_cancels_a_stuck_reconcile_when_the_grace_period_ends()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool cancelled = false;
        await using var rig = new Rig(async (_, _, ct) =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }

            return ReconcileResult.Done;
        }, grace: TimeSpan.FromSeconds(20));
        rig.Informer.Add(new TestKind("stuck"));
        rig.Start();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Task stopping = rig.StopAsync();

        // The grace timer starts when the controller sees the stop: step the virtual clock a second at a time until the stop completes.
        TimeSpan advanced = TimeSpan.Zero;
        while (!stopping.IsCompleted && advanced < TimeSpan.FromSeconds(60))
        {
            Assert.False(cancelled);
            rig.Time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.WhenAny(stopping, Task.Delay(20, Ct));
        }

        await stopping.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(advanced >= TimeSpan.FromSeconds(20), $"cancelled after {advanced} of a 20 s grace period");
        Assert.True(cancelled);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(1, bound.Token);
        }
    }
}
