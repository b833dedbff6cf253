using System.Diagnostics;
using ClientTests.Kube;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

public sealed class LeaderElectionTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(0.2);

    /// <summary>One elector with its own connection, recording when it believed it led.</summary>
    private sealed class Candidate : IAsyncDisposable
    {
        private readonly KubeClient _kube;
        private readonly CancellationTokenSource _stop;
        private readonly Task _run;

        public Candidate(ControllerFixture f, string identity, Stopwatch clock, List<(string Who, TimeSpan Start, TimeSpan End)> terms, bool releaseOnCancel = true)
        {
            Identity = identity;
            _kube = f.NewClient();
            _stop = CancellationTokenSource.CreateLinkedTokenSource(f.Cancel);
            TimeSpan started = TimeSpan.Zero;
            Options = new LeaderElectionOptions
            {
                Identity = identity,
                LeaseDuration = LeaseDuration,
                RenewDeadline = RenewDeadline,
                RetryPeriod = RetryPeriod,
                ReleaseOnCancel = releaseOnCancel,
                OnStartedLeading = ct =>
                {
                    started = clock.Elapsed;
                    Leading = true;
                    return Task.CompletedTask;
                },
                OnStoppedLeading = () =>
                {
                    Leading = false;
                    lock (terms)
                    {
                        terms.Add((identity, started, clock.Elapsed));
                    }
                },
            };
            Elector = _kube.CreateLeaderElector("controller-lock", "default", Options);
            _run = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    await Elector.RunAsync(_stop.Token); // campaign again after losing the lead
                }
            });
        }

        public string Identity { get; }

        public LeaderElector Elector { get; }

        /// <summary>Read when the run ends: set ReleaseOnCancel to false before stopping to simulate a killed process.</summary>
        public LeaderElectionOptions Options { get; }

        public volatile bool Leading;

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _run;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await _kube.DisposeAsync();
        }
    }

    private static void AssertNoOverlap(List<(string Who, TimeSpan Start, TimeSpan End)> terms)
    {
        lock (terms)
        {
            var ordered = terms.OrderBy(t => t.Start).ToList();
            for (int i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].Start >= ordered[i - 1].End,
                    $"split brain: {ordered[i - 1].Who} led {ordered[i - 1].Start}..{ordered[i - 1].End}, {ordered[i].Who} from {ordered[i].Start}");
            }
        }
    }

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

    private static async Task<Candidate> WaitForLeaderAsync(IEnumerable<Candidate> candidates, CancellationToken ct)
    {
        while (true)
        {
            if (candidates.Where(c => c.Leading).ToList() is [var leader])
            {
                return leader;
            }

            await Task.Delay(10, ct);
        }
    }

    [Fact]
    public async Task ThreeElectorsOneLeaderAndFailoverAfterReleaseAndAfterKill()
    {
        await using var f = await ControllerFixture.StartAsync(60);
        var clock = Stopwatch.StartNew();
        var terms = new List<(string, TimeSpan, TimeSpan)>();
        var candidates = new List<Candidate>
        {
            new(f, "a", clock, terms),
            new(f, "b", clock, terms),
            new(f, "c", clock, terms),
        };
        try
        {
            Candidate first = await WaitForLeaderAsync(candidates, f.Cancel);
            await Task.Delay(1000, f.Cancel); // renewals keep the lead where it is
            Assert.True(first.Leading);
            Assert.Equal(first.Identity, candidates.Single(c => c.Leading).Identity);

            // A graceful stop releases the lease: the next leader does not wait for it to expire.
            TimeSpan stopped = clock.Elapsed;
            await first.StopAsync();
            candidates.Remove(first);
            Candidate second = await WaitForLeaderAsync(candidates, f.Cancel);
            TimeSpan releaseFailover = clock.Elapsed - stopped;
            Assert.True(releaseFailover < LeaseDuration, $"failover after release took {releaseFailover}");

            // A killed leader (no release): another takes over within lease duration + retry period (plus jitter and latency).
            second.Options.ReleaseOnCancel = false; // killed: no release
            TimeSpan killed = clock.Elapsed;
            await second.StopAsync();
            candidates.Remove(second);
            Candidate third = await WaitForLeaderAsync(candidates, f.Cancel);
            TimeSpan killFailover = clock.Elapsed - killed;
            Assert.True(killFailover >= LeaseDuration - RetryPeriod * 1.3, $"took over too early: {killFailover}");
            Assert.True(killFailover <= LeaseDuration + RetryPeriod * 2.4 + TimeSpan.FromMilliseconds(300), $"failover after a kill took {killFailover}");
            Assert.NotEqual(second.Identity, third.Identity);
        }
        finally
        {
            foreach (Candidate c in candidates)
            {
                await c.DisposeAsync();
            }
        }

        AssertNoOverlap(terms);
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
        var candidates = Enumerable.Range(0, 3).Select(i => new Candidate(f, "e" + i, clock, terms, releaseOnCancel: i == 0)).ToList();
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
            foreach (Candidate c in candidates)
            {
                await c.DisposeAsync();
            }
        }

        Assert.True(samples > 100);
        lock (terms)
        {
            Assert.NotEmpty(terms); // someone led despite 30% conflicts
        }

        AssertNoOverlap(terms);
        AssertHistory(f.Cluster);
    }
}
