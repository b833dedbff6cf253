using Microsoft.Extensions.Time.Testing;

namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>client-go's work queue promises: dedup, stingy, fair, priorities, shutdown, drain, metrics.</summary>
public sealed class WorkQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> TakeAsync(IWorkQueue<string> queue)
    {
        (string item, bool shutDown) = await queue.GetAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.False(shutDown);
        return item;
    }

    [Fact]
    public async Task An_item_added_many_times_while_waiting_is_handed_out_once()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");
        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await TakeAsync(queue));
        Assert.Equal("b", await TakeAsync(queue));
        Assert.Equal(0, queue.Count);
        Assert.Equal(4, queue.Metrics.Adds);
    }

    [Fact]
    public async Task An_item_added_while_in_hand_waits_for_Done_and_then_comes_once()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        Assert.Equal("a", await TakeAsync(queue));
        queue.Add("a");
        queue.Add("a");
        Assert.Equal(0, queue.Count); // parked: no second worker may take it

        ValueTask<(string, bool)> second = queue.GetAsync(Ct);
        Assert.False(second.IsCompleted);
        queue.Done("a");
        (string again, bool shutDown) = await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("a", again);
        Assert.False(shutDown);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Items_come_in_order_and_fresh_changes_before_the_low_priority_backlog()
    {
        var queue = new WorkQueue<string>();
        queue.Add("initial-1", WorkQueuePriority.Low);
        queue.Add("initial-2", WorkQueuePriority.Low);
        queue.Add("initial-3", WorkQueuePriority.Low);
        queue.Add("change-1");
        queue.Add("initial-3"); // a fresh change to an object still waiting from the initial list moves it up
        queue.Add("change-2");
        string[] order = [await TakeAsync(queue), await TakeAsync(queue), await TakeAsync(queue), await TakeAsync(queue), await TakeAsync(queue)];
        Assert.Equal(["change-1", "initial-3", "change-2", "initial-1", "initial-2"], order);
    }

    [Fact]
    public async Task A_cancelled_get_takes_nothing()
    {
        var queue = new WorkQueue<string>();
        using var cancel = new CancellationTokenSource();
        ValueTask<(string, bool)> waiting = queue.GetAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        queue.Add("a");
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await TakeAsync(queue));
    }

    [Fact]
    public async Task Shutdown_hands_out_what_waits_then_reports_shut_down_and_ignores_adds()
    {
        var queue = new WorkQueue<string>();
        ValueTask<(string, bool)> idle = queue.GetAsync(Ct);
        queue.Add("a");
        Assert.Equal("a", (await idle).Item1);
        queue.Add("b");
        queue.ShutDown();
        queue.Add("c");
        Assert.True(queue.IsShuttingDown);
        Assert.Equal("b", await TakeAsync(queue));
        (_, bool shutDown) = await queue.GetAsync(Ct);
        Assert.True(shutDown);
    }

    [Fact]
    public async Task Shutdown_with_drain_waits_for_the_items_in_hand()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("b");
        string a = await TakeAsync(queue);
        string b = await TakeAsync(queue);
        Task drain = queue.ShutDownWithDrainAsync(Ct);
        Assert.False(drain.IsCompleted);
        queue.Done(a);
        Assert.False(drain.IsCompleted);
        queue.Done(b);
        await drain.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Metrics_follow_depth_work_in_hand_and_its_age_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue<string>(new WorkQueueOptions { Name = "metrics-test", TimeProvider = time });
        queue.Add("a");
        queue.Add("b");
        Assert.Equal(2, queue.Metrics.Depth);
        string a = await TakeAsync(queue);
        time.Advance(TimeSpan.FromSeconds(3));
        string b = await TakeAsync(queue);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, queue.Metrics.Depth);
        Assert.Equal(2, queue.Metrics.InFlight);
        Assert.Equal(TimeSpan.FromSeconds(5), queue.Metrics.UnfinishedWork); // 4 s + 1 s
        Assert.Equal(TimeSpan.FromSeconds(4), queue.Metrics.LongestRunningProcessor);
        queue.Done(a);
        queue.Done(b);
        Assert.Equal(0, queue.Metrics.InFlight);
        Assert.Equal(TimeSpan.Zero, queue.Metrics.UnfinishedWork);
    }

    [Fact]
    public async Task Many_producers_and_consumers_never_hold_one_item_twice()
    {
        var queue = new WorkQueue<int>();
        int[] inHand = new int[10];
        int overlaps = 0;
        int processed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task[] consumers = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                (int item, bool shutDown) = await queue.GetAsync(stop.Token);
                if (shutDown)
                {
                    return;
                }

                if (Interlocked.Increment(ref inHand[item]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                await Task.Yield();
                Interlocked.Decrement(ref inHand[item]);
                Interlocked.Increment(ref processed);
                queue.Done(item);
            }
        }))];
        Task[] producers = [.. Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < 5_000; i++)
            {
                queue.Add((i + p) % 10);
            }
        }))];
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await queue.ShutDownWithDrainAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, overlaps);
        Assert.InRange(processed, 10, 20_000);
    }
}
