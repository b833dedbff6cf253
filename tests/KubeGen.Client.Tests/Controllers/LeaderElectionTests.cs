using System.Diagnostics;
using ClientTests.Kube;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

public sealed class LeaderElectionTests
{
    private static readonly TimeSpan LeaseDuration = ElectionCandidate.LeaseDuration;
    private static readonly TimeSpan RetryPeriod = ElectionCandidate.RetryPeriod;
    private static readonly TimeSpan LeaderTimeout = TimeSpan.FromSeconds(30);

    private static ElectionCandidate Candidate(ControllerFixture f, string identity, Stopwatch clock, List<(string, TimeSpan, TimeSpan)> terms, bool releaseOnCancel = true, LeadingWorkLog? work = null)
        => new(f.NewClient(), identity, clock, terms, f.Cancel, releaseOnCancel, work is null ? null : work.SlowToStopAsync);

    /// <summary>From the server's Lease history: a new holder only takes over after a release, or a full lease duration after the last write of the previous one.</summary>
    private static void AssertHistory(FakeCluster cluster)
    {
        IReadOnlyList<LeaseWrite> writes = cluster.LeaseWrites;
        for (int i = 1; i < writes.Count; i++)
        {
            LeaseWrite previous = writes[i - 1];
            LeaseWrite current = writes[i];
            if (!string.IsNullOrEmpty(previous.Holder) && !string.IsNullOrEmpty(current.Holder) && previous.Holder != current.Holder)
            {
                Assert.True(current.At - previous.At >= LeaseDuration,
                    $"{current.Holder} took the lease from {previous.Holder} {(current.At - previous.At).TotalMilliseconds:0} ms after its last renewal");
            }
        }
    }

    [Fact]
    public async Task ThreeElectorsOneLeaderAndFailoverAfterReleaseAndAfterKill()
    {
        await using var f = await ControllerFixture.StartAsync(60);
        var clock = Stopwatch.StartNew();
        var terms = new List<(string, TimeSpan, TimeSpan)>();
        var candidates = new List<ElectionCandidate>
        {
            Candidate(f, "a", clock, terms),
            Candidate(f, "b", clock, terms),
            Candidate(f, "c", clock, terms),
        };
        var all = candidates.ToList();
        try
        {
            ElectionCandidate first = await ElectionCandidate.WaitForLeaderAsync(candidates, LeaderTimeout, f.Cancel);
            await Task.Delay(1000, f.Cancel); // renewals keep the lead where it is
            Assert.True(first.Leading);
            Assert.Equal(first.Identity, candidates.Single(c => c.Leading).Identity);

            // A graceful stop releases the lease: the next leader does not wait for it to expire.
            TimeSpan stopped = clock.Elapsed;
            await first.StopAsync();
            candidates.Remove(first);
            ElectionCandidate second = await ElectionCandidate.WaitForLeaderAsync(candidates, LeaderTimeout, f.Cancel);
            TimeSpan releaseFailover = clock.Elapsed - stopped;
            Assert.True(releaseFailover < LeaseDuration, $"failover after release took {releaseFailover}");

            // A killed leader (no release): another takes over within lease duration + retry period (plus jitter and latency).
            TimeSpan killed = clock.Elapsed;
            await second.StopAsync(release: false);
            candidates.Remove(second);
            ElectionCandidate third = await ElectionCandidate.WaitForLeaderAsync(candidates, LeaderTimeout, f.Cancel);
            TimeSpan killFailover = clock.Elapsed - killed;
            Assert.True(killFailover >= LeaseDuration - RetryPeriod * 1.3, $"took over too early: {killFailover}");
            Assert.True(killFailover <= LeaseDuration + RetryPeriod * 2.4 + TimeSpan.FromMilliseconds(300), $"failover after a kill took {killFailover}");
            Assert.NotEqual(second.Identity, third.Identity);
        }
        finally
        {
            foreach (ElectionCandidate c in all)
            {
                await c.DisposeAsync();
            }
        }

        ElectionCandidate.AssertNoOverlap(terms);
        AssertHistory(f.Cluster);
    }

    [Fact]
    public async Task NoSplitBrainUnderConflictsAndLatency()
    {
        await using var f = await ControllerFixture.StartAsync(60);
        f.Cluster.LeaseConflictProbability = 0.3;
        f.Cluster.LeaseLatency = TimeSpan.FromMilliseconds(120);
        var clock = Stopwatch.StartNew();
        var terms = new List<(string, TimeSpan, TimeSpan)>();
        var candidates = Enumerable.Range(0, 3).Select(i => Candidate(f, "e" + i, clock, terms, releaseOnCancel: i == 0)).ToList();
        int samples = 0;
        try
        {
            var end = clock.Elapsed + TimeSpan.FromSeconds(8);
            while (clock.Elapsed < end)
            {
                Assert.True(candidates.Count(c => c.Elector.IsLeader) <= 1, "two electors believe they lead");
                samples++;
                await Task.Delay(5, f.Cancel);
            }
        }
        finally
        {
            foreach (ElectionCandidate c in candidates)
            {
                await c.DisposeAsync();
            }
        }

        Assert.True(samples > 100);
        lock (terms)
        {
            Assert.NotEmpty(terms); // someone led despite 30% conflicts
        }

        ElectionCandidate.AssertNoOverlap(terms);
        AssertHistory(f.Cluster);
    }

    [Fact]
    public async Task AReleasingLeaderHandsOverOnlyAfterItsWorkHasStopped()
    {
        await using var f = await ControllerFixture.StartAsync(90);
        var clock = Stopwatch.StartNew();
        var terms = new List<(string, TimeSpan, TimeSpan)>();
        // Each leader's work keeps acting for longer than the lease duration after it is told to stop: the elector must
        // keep renewing meanwhile, and release only after the work has ended.
        var work = new LeadingWorkLog(stopTime: LeaseDuration + RetryPeriod * 2);
        var candidates = new[] { "a", "b", "c", "d" }.Select(id => Candidate(f, id, clock, terms, work: work)).ToList();
        var all = candidates.ToList();
        var leaders = new List<string>();
        try
        {
            while (candidates.Count > 0)
            {
                ElectionCandidate leader = await ElectionCandidate.WaitForLeaderAsync(candidates, LeaderTimeout, f.Cancel);
                leaders.Add(leader.Identity);
                await leader.StopAsync(release: true);
                candidates.Remove(leader);
            }
        }
        finally
        {
            foreach (ElectionCandidate c in all)
            {
                await c.DisposeAsync();
            }
        }

        Assert.Equal(4, leaders.Distinct().Count());
        Assert.Equal(leaders, work.Spans.OrderBy(s => s.Began).Select(s => s.Who));
        work.AssertOneAtATime();
        ElectionCandidate.AssertNoOverlap(terms);
        AssertHistory(f.Cluster);
    }
}
