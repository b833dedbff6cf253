using System.Diagnostics;
using ClientTests.Kube;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>
/// One leader-election candidate for the election tests (against the loopback fake and the emulator):
/// an elector on its own client that campaigns again after losing the lead, recording each term it
/// believed it led on a shared clock.
/// </summary>
internal sealed class ElectionCandidate : IAsyncDisposable
{
    /// <summary>Short timings, so that failovers take seconds.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(1.5);
    public static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(0.2);

    private readonly KubeClient _kube;
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    /// <param name="work">What the candidate does while it leads (OnStartedLeading); none by default.</param>
    public ElectionCandidate(KubeClient kube, string identity, Stopwatch clock, List<(string Who, TimeSpan Start, TimeSpan End)> terms, CancellationToken testCancel, bool releaseOnCancel = true, Func<string, CancellationToken, Task>? work = null)
    {
        _kube = kube;
        Identity = identity;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(testCancel);
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
                return work is null ? Task.CompletedTask : work(identity, ct);
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
        Elector = kube.CreateLeaderElector("controller-lock", "default", Options);
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

    public LeaderElectionOptions Options { get; }

    public volatile bool Leading;

    /// <summary>
    /// Ends the campaign and waits until the elector has returned (its work has ended); <paramref name="release"/> false
    /// simulates a killed process (the Lease is left to expire).
    /// </summary>
    public async Task StopAsync(bool release = true)
    {
        Options.ReleaseOnCancel = release;
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync(Options.ReleaseOnCancel);
        }

        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        await _kube.DisposeAsync();
    }

    /// <summary>The single candidate that leads, once there is exactly one; fails after <paramref name="timeout"/>.</summary>
    public static async Task<ElectionCandidate> WaitForLeaderAsync(IEnumerable<ElectionCandidate> candidates, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (candidates.Where(c => c.Leading).ToList() is [var leader])
            {
                return leader;
            }

            Assert.True(clock.Elapsed < timeout, "no single leader in time");
            await Task.Delay(10, ct);
        }
    }

    /// <summary>No two recorded terms overlap (no split brain as the electors saw it).</summary>
    public static void AssertNoOverlap(List<(string Who, TimeSpan Start, TimeSpan End)> terms)
    {
        List<(string Who, TimeSpan Start, TimeSpan End)> ordered;
        lock (terms)
        {
            ordered = [.. terms.OrderBy(t => t.Start)];
        }

        for (int i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].Start >= ordered[i - 1].End,
                $"split brain: {ordered[i - 1].Who} led {ordered[i - 1].Start}..{ordered[i - 1].End}, {ordered[i].Who} from {ordered[i].Start}");
        }
    }
}
