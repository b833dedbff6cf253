using KubeGen.Runtime;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace KubeGen.Runtime.Tests.Connection;

public sealed class SpareBodyBufferTests
{
    [Fact]
    public void The_next_large_body_reuses_the_returned_buffer_when_it_fits()
    {
        using var spare = new SpareBodyBuffer(new FakeTimeProvider());
        byte[] first = spare.Rent(4096);
        spare.Return(first);

        Assert.Same(first, spare.Rent(4000));
        Assert.False(spare.HoldsBuffer); // lent out: two concurrent calls never share it
    }

    [Fact]
    public void A_body_larger_than_the_spare_gets_a_buffer_of_its_own_and_that_one_is_kept()
    {
        using var spare = new SpareBodyBuffer(new FakeTimeProvider());
        byte[] small = spare.Rent(1000);
        spare.Return(small);

        byte[] large = spare.Rent(5000);
        Assert.NotSame(small, large);
        Assert.Equal(5000, large.Length);
        spare.Return(large);
        Assert.Same(large, spare.Rent(5000));
    }

    [Fact]
    public void Of_two_returned_buffers_the_larger_is_kept()
    {
        using var spare = new SpareBodyBuffer(new FakeTimeProvider());
        byte[] a = spare.Rent(3000);
        byte[] b = spare.Rent(2000);
        spare.Return(a);
        spare.Return(b);

        Assert.Same(a, spare.Rent(1));
    }

    [Fact]
    public void The_spare_is_dropped_after_the_idle_time_and_each_return_restarts_it()
    {
        var time = new FakeTimeProvider();
        using var spare = new SpareBodyBuffer(time);
        spare.Return(spare.Rent(1000));
        time.Advance(SpareBodyBuffer.IdleTime - TimeSpan.FromSeconds(1));
        spare.Return(spare.Rent(1000));
        time.Advance(SpareBodyBuffer.IdleTime - TimeSpan.FromSeconds(1));
        Assert.True(spare.HoldsBuffer);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(spare.HoldsBuffer);
    }

    [Fact]
    public void Disposing_drops_the_spare_and_ignores_later_returns()
    {
        var spare = new SpareBodyBuffer(new FakeTimeProvider());
        byte[] buffer = spare.Rent(1000);
        spare.Return(spare.Rent(10));

        spare.Dispose();
        spare.Return(buffer);

        Assert.False(spare.HoldsBuffer);
    }
}
