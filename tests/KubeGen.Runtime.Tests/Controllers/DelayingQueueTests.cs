using Microsoft.Extensions.Time.Testing;

namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>AddAfter on an injected clock: nothing is ready early, the earlier time wins.</summary>
public sealed class DelayingQueueTests
{
    [Fact]
    public void An_item_becomes_ready_when_its_time_comes_and_not_before()
    {
        var time = new FakeTimeProvider();
        using var queue = new DelayingQueue<string>(new WorkQueueOptions { TimeProvider = time });
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("b", TimeSpan.FromSeconds(5));
        Assert.Equal(0, queue.Count);
        Assert.Equal(TimeSpan.FromSeconds(5), queue.NextDueIn);

        time.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, queue.Count);
        Assert.Equal(0, queue.WaitingCount);
    }

    [Fact]
    public void Adding_a_waiting_item_again_keeps_the_earlier_time()
    {
        var time = new FakeTimeProvider();
        using var queue = new DelayingQueue<string>(new WorkQueueOptions { TimeProvider = time });
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(30)); // later: ignored
        queue.AddAfter("a", TimeSpan.FromSeconds(2));  // earlier: moves forward
        Assert.Equal(1, queue.WaitingCount);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, queue.Count);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, queue.Count); // the stale 10 s and 30 s entries add nothing more
    }

    [Fact]
    public void A_zero_delay_adds_at_once_and_shutdown_drops_the_waiting_items()
    {
        var time = new FakeTimeProvider();
        using var queue = new DelayingQueue<string>(new WorkQueueOptions { TimeProvider = time });
        queue.AddAfter("now", TimeSpan.Zero);
        queue.AddAfter("later", TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        queue.ShutDown();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, queue.Count);
    }
}
