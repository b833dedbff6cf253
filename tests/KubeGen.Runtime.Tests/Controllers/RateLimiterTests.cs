using Microsoft.Extensions.Time.Testing;

namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>The limiters against their formulas.</summary>
public sealed class RateLimiterTests
{
    [Fact]
    public void Exponential_doubles_from_the_base_up_to_the_cap_per_item_until_forgotten()
    {
        var limiter = new ExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));
        TimeSpan[] waits = [.. Enumerable.Range(0, 10).Select(_ => limiter.When("a"))];
        Assert.Equal([5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000], waits.Select(w => (int)w.TotalMilliseconds));
        Assert.Equal(10, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));
        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
    }

    [Fact]
    public void The_bucket_lets_a_burst_through_then_spaces_reservations_by_the_rate()
    {
        var time = new FakeTimeProvider();
        var bucket = new BucketRateLimiter<int>(qps: 10, burst: 100, time);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.Zero, bucket.When(i));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.When(100));
        Assert.Equal(TimeSpan.FromMilliseconds(200), bucket.When(101));
        time.Advance(TimeSpan.FromSeconds(1)); // ten tokens back: the two reservations are paid, eight left
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(TimeSpan.Zero, bucket.When(200 + i));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.When(300));
    }

    [Fact]
    public void The_default_is_the_slower_of_per_item_backoff_and_the_overall_bucket()
    {
        var time = new FakeTimeProvider();
        IRateLimiter<string> limiter = RateLimiters.Default<string>(time);
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("a"));
        for (int i = 0; i < 98; i++)
        {
            limiter.When("other-" + i);
        }

        // The bucket is empty now: a first failure waits for the bucket (100 ms), not the 5 ms of its own backoff.
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("fresh"));
        Assert.Equal(1, limiter.NumRequeues("fresh"));
        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
    }
}
