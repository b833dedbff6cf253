using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>The recorder's aggregation and spam filter on a virtual clock: a hot loop does not flood the API server.</summary>
public sealed class EventRecorderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class RecordingSink : IEventSink
    {
        public ConcurrentQueue<KubeEvent> Created { get; } = new();

        public ConcurrentQueue<KubeEvent> Updated { get; } = new();

        public Task CreateAsync(KubeEvent kubeEvent, CancellationToken cancellationToken)
        {
            Created.Enqueue(kubeEvent);
            return Task.CompletedTask;
        }

        public Task UpdateSeriesAsync(KubeEvent kubeEvent, CancellationToken cancellationToken)
        {
            Updated.Enqueue(kubeEvent);
            return Task.CompletedTask;
        }
    }

    private static KubeObjectReference Widget(string name) => new("example.com/v1", "Widget", "shop", name, Uid: "uid-" + name);

    [Fact]
    public async Task A_hot_loop_creates_one_Event_and_writes_its_count_once_per_interval()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var sink = new RecordingSink();
        await using var recorder = new EventRecorder(sink, new EventRecorderOptions { ReportingController = "example.com/widgets", ReportingInstance = "pod-0", TimeProvider = time });
        for (int second = 0; second < 120; second++)
        {
            for (int i = 0; i < 100; i++)
            {
                recorder.Record(Widget("w"), KubeEventType.Warning, "ApplyFailed", "Reconcile", "the server said no");
            }

            await recorder.WaitIdleAsync(Ct); // the loop has seen them before the clock moves
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await recorder.FlushAsync(Ct);
        KubeEvent created = Assert.Single(sink.Created);
        Assert.Equal(("shop", "ApplyFailed", "Warning", "example.com/widgets", "pod-0"), (created.Namespace, created.Reason, created.Type, created.ReportingController, created.ReportingInstance));
        Assert.StartsWith("w.", created.Name, StringComparison.Ordinal);

        // 12,000 occurrences over two minutes: one create, and a series update per 30 s interval plus the final flush.
        Assert.InRange(sink.Updated.Count, 4, 5);
        Assert.Equal(12_000, sink.Updated.Last().Count);
        Assert.Equal(0, recorder.Dropped);
    }

    [Fact]
    public async Task One_object_gets_at_most_its_burst_of_new_Events_then_one_per_refill()
    {
        var time = new FakeTimeProvider();
        var sink = new RecordingSink();
        await using var recorder = new EventRecorder(sink, new EventRecorderOptions { ReportingController = "example.com/widgets", TimeProvider = time });
        for (int i = 0; i < 40; i++)
        {
            recorder.Record(Widget("noisy"), KubeEventType.Normal, "Step" + i, "Reconcile");
        }

        recorder.Record(Widget("quiet"), KubeEventType.Normal, "Created", "Reconcile");
        await recorder.FlushAsync(Ct);
        Assert.Equal(25, sink.Created.Count(e => e.Regarding.Name == "noisy"));
        Assert.Single(sink.Created, e => e.Regarding.Name == "quiet");
        Assert.Equal(15, recorder.Dropped);

        time.Advance(TimeSpan.FromMinutes(5));
        recorder.Record(Widget("noisy"), KubeEventType.Normal, "Later", "Reconcile");
        recorder.Record(Widget("noisy"), KubeEventType.Normal, "TooSoon", "Reconcile");
        await recorder.FlushAsync(Ct);
        Assert.Equal(26, sink.Created.Count(e => e.Regarding.Name == "noisy"));
        Assert.Equal(16, recorder.Dropped);
        Assert.Equal(sink.Created.Count, sink.Created.Select(e => e.Name).Distinct().Count());
    }

    [Fact]
    public async Task A_repeat_after_the_series_window_is_a_new_Event()
    {
        var time = new FakeTimeProvider();
        var sink = new RecordingSink();
        await using var recorder = new EventRecorder(sink, new EventRecorderOptions { ReportingController = "example.com/widgets", TimeProvider = time });
        recorder.Record(Widget("w"), KubeEventType.Normal, "Synced", "Reconcile");
        await recorder.FlushAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(7));
        recorder.Record(Widget("w"), KubeEventType.Normal, "Synced", "Reconcile");
        await recorder.FlushAsync(Ct);
        Assert.Equal(2, sink.Created.Count);
        Assert.Empty(sink.Updated);
    }
}
