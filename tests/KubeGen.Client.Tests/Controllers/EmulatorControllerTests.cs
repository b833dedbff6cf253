using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClientTests.Kube;
using ClientTests.Kube.CoordinationV1;
using ClientTests.Kube.CoreV1;
using KubeGen.Client.Tests.Emulator;
using KubeGen.Runtime;
using static KubeGen.Client.Tests.Controllers.WatchStart;
using KubeGen.Testing;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>
/// The controller building blocks (resumable watch, cache, leader election) against the real
/// <see cref="KubeApiServerEmulator"/> rather than <see cref="FakeCluster"/>, with its fault injection.
/// </summary>
public sealed class EmulatorControllerTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    private static ResumableWatchOptions FastWatch(Action<Exception?>? onReconnect = null) => new()
    {
        BookmarkInterval = TimeSpan.FromMilliseconds(200),
        IdleTimeout = Idle,
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        EmitBookmarks = false,
        OnReconnect = onReconnect,
    };

    /// <summary>An emulator whose bookmarks come every 200 ms (well inside the 1 s idle bound).</summary>
    private static Task<EmulatorHarness> StartFastAsync(int historyWindow = 10_000, int timeoutSeconds = 30)
        => StartAsync(o =>
        {
            o.BookmarkInterval = TimeSpan.FromMilliseconds(200);
            o.HistoryWindow = historyWindow;
        }, timeoutSeconds);

    private static string Rv(ConfigMap c) => c.Metadata!.ResourceVersion!;

    private static long Num(string rv) => long.Parse(rv, CultureInfo.InvariantCulture);

    private static async Task<List<(string Name, string Rv)>> CollectAsync(IAsyncEnumerable<WatchEvent<ConfigMap>> watch, int count, CancellationToken ct)
    {
        var seen = new List<(string, string)>();
        await foreach (WatchEvent<ConfigMap> e in watch.WithCancellation(ct))
        {
            Assert.Equal(WatchEventType.Modified, e.Type);
            seen.Add((e.Object.Metadata!.Name!, Rv(e.Object)));
            if (seen.Count == count)
            {
                break;
            }
        }

        return seen;
    }

    private static Task<ConfigMap> SetAsync(KubeClient kube, string name, int n, CancellationToken ct)
        => kube.CoreV1.ConfigMaps.PatchAsync(Ns, name, KubePatch.Merge($$$"""{"data":{"n":"{{{n}}}"}}"""), cancellationToken: ct);

    [Fact]
    public async Task TwoThousandWritesThroughTheClientArriveOnceInOrder()
    {
        await using EmulatorHarness api = await StartFastAsync();
        string[] names = ["c0", "c1", "c2", "c3"];
        foreach (string name in names)
        {
            await api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMap(name), cancellationToken: api.Cancel);
        }

        string start = api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        const int Changes = 2000;
        int reconnects = 0;
        Task<List<(string Name, string Rv)>> reader = CollectAsync(
            api.Kube.CoreV1.ConfigMaps.WatchAsync(Ns, StartingAt(start, FastWatch(_ => Interlocked.Increment(ref reconnects))), cancellationToken: api.Cancel),
            Changes,
            api.Cancel);

        // Four concurrent writers, one ConfigMap each: the server orders them by resourceVersion.
        var acknowledged = new ConcurrentBag<(string Name, string Rv)>();
        await Task.WhenAll(names.Select((name, w) => Task.Run(async () =>
        {
            for (int i = 0; i < Changes / names.Length; i++)
            {
                ConfigMap written = await SetAsync(api.Kube, name, i, api.Cancel);
                acknowledged.Add((name, Rv(written)));
            }
        })));

        List<(string Name, string Rv)> seen = await reader.WaitAsync(TimeSpan.FromSeconds(20), api.Cancel);
        List<(string Name, string Rv)> expected = [.. acknowledged.OrderBy(a => Num(a.Rv))];
        Assert.Equal(Changes, expected.Count);
        Assert.Equal(Changes, expected.Select(e => e.Rv).Distinct().Count());
        Assert.Equal(expected, seen);
        Assert.Equal(0, reconnects);
    }

    [Fact]
    public async Task DroppedAndStalledWatchesRecoverWithinTheIdleBound()
    {
        await using EmulatorHarness api = await StartFastAsync();
        await api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMap("counter"), cancellationToken: api.Cancel);
        string start = api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        const int Changes = 300;
        var acknowledged = new List<(string, string)>();
        for (int i = 0; i < Changes; i++)
        {
            acknowledged.Add(("counter", Rv(await SetAsync(api.Kube, "counter", i, api.Cancel))));
        }

        // First watch: dropped after 50 events; second: stalled (open, silent, no bookmarks) after 30; then normal.
        api.Server.Faults.Add(FaultMatch.Watch("configmaps"), Fault.DropWatch(afterEvents: 50), times: 1);
        api.Server.Faults.Add(FaultMatch.Watch("configmaps"), Fault.StallWatch(afterEvents: 30), times: 1);
        var reconnects = new ConcurrentQueue<Exception?>();
        var clock = Stopwatch.StartNew();
        List<(string, string)> seen = await CollectAsync(
            api.Kube.CoreV1.ConfigMaps.WatchAsync(Ns, StartingAt(start, FastWatch(reconnects.Enqueue)), cancellationToken: api.Cancel),
            Changes,
            api.Cancel).WaitAsync(TimeSpan.FromSeconds(15), api.Cancel);

        Assert.Equal(acknowledged, seen);
        Assert.Equal(2, api.Server.Faults.AppliedCount);
        Assert.Equal(2, reconnects.Count);
        // The stall costs the idle bound; the drop (100 ms linger) and the reconnects cost little.
        Assert.True(clock.Elapsed >= Idle, $"recovered from the stall before the idle bound: {clock.Elapsed}");
        Assert.True(clock.Elapsed < Idle + TimeSpan.FromSeconds(15), $"recovery took {clock.Elapsed}");

        // Live: a drop and then a stall while changes keep coming; the watch keeps up without loss or duplicates.
        string liveStart = api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        api.Server.Faults.Add(FaultMatch.Watch("configmaps"), Fault.DropWatch(afterEvents: 20), times: 1);
        api.Server.Faults.Add(FaultMatch.Watch("configmaps"), Fault.StallWatch(afterEvents: 20), times: 1);
        Task<List<(string, string)>> live = CollectAsync(
            api.Kube.CoreV1.ConfigMaps.WatchAsync(Ns, StartingAt(liveStart, FastWatch()), cancellationToken: api.Cancel),
            100,
            api.Cancel);
        var liveAcknowledged = new List<(string, string)>();
        for (int i = 0; i < 100; i++)
        {
            liveAcknowledged.Add(("counter", Rv(await SetAsync(api.Kube, "counter", 1000 + i, api.Cancel))));
            await Task.Delay(10, api.Cancel);
        }

        Assert.Equal(liveAcknowledged, await live.WaitAsync(TimeSpan.FromSeconds(10), api.Cancel));
        Assert.Equal(4, api.Server.Faults.AppliedCount);
    }

    [Fact]
    public async Task ResumingFromBeyondTheHistoryWindowEndsWithWatchExpired()
    {
        await using EmulatorHarness api = await StartFastAsync(historyWindow: 20);
        await api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMap("counter"), cancellationToken: api.Cancel);
        string start = api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < 50; i++)
        {
            await SetAsync(api.Kube, "counter", i, api.Cancel);
        }

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<WatchExpiredException>(async () =>
        {
            await foreach (var unused in api.Kube.CoreV1.ConfigMaps.WatchAsync(Ns, StartingAt(start, FastWatch()), cancellationToken: api.Cancel))
            {
                Assert.Fail("no event expected before the 410");
            }
        });
        Assert.Equal(start, ex.ResourceVersion);
        var gone = Assert.IsType<KubeApiException>(ex.InnerException);
        Assert.True(gone.IsGone);
        Assert.Equal("Expired", gone.Status.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the 410 took {clock.Elapsed}");

        // A version still inside the window resumes normally.
        string recent = api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        ConfigMap last = await SetAsync(api.Kube, "counter", 999, api.Cancel);
        List<(string, string)> seen = await CollectAsync(api.Kube.CoreV1.ConfigMaps.WatchAsync(Ns, StartingAt(recent, FastWatch()), cancellationToken: api.Cancel), 1, api.Cancel)
            .WaitAsync(TimeSpan.FromSeconds(5), api.Cancel);
        Assert.Equal([("counter", Rv(last))], seen);
    }

    public enum Outage
    {
        /// <summary>Open watches dropped, new ones refused with 503: the cache resumes and the server replays the outage.</summary>
        Refused,

        /// <summary>Open watches dropped, new ones stalled: the idle bound abandons them.</summary>
        Stalled,

        /// <summary>Refused, and more changes than the history window meanwhile: 410 on resume, the cache lists again.</summary>
        Expired,
    }

    [Theory]
    [InlineData(Outage.Refused)]
    [InlineData(Outage.Stalled)]
    [InlineData(Outage.Expired)]
    public async Task CacheConvergesToTheServerAfterAWatchOutage(Outage outage)
    {
        await using EmulatorHarness api = await StartFastAsync(historyWindow: outage == Outage.Expired ? 30 : 10_000);
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        for (int i = 0; i < 20; i++)
        {
            await configMaps.CreateAsync(Ns, ConfigMap($"cm-{i}"), cancellationToken: api.Cancel);
        }

        var live = new ConcurrentDictionary<string, string>();
        var deleted = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<Exception>();
        int added = 0, updated = 0;
        await using ResourceCache<ConfigMap, ConfigMapList> cache = configMaps.CreateCache(Ns, options: new ResourceCacheOptions
        {
            PageSize = 7, // several pages
            ListBackoff = TimeSpan.FromMilliseconds(20),
            Watch = FastWatch(),
        });
        cache.OnAdded += c => { Interlocked.Increment(ref added); live[c.Metadata!.Name!] = Rv(c); };
        cache.OnUpdated += (old, c) => { Interlocked.Increment(ref updated); live[c.Metadata!.Name!] = Rv(c); };
        cache.OnDeleted += c => { deleted.Enqueue(c.Metadata!.Name!); live.TryRemove(c.Metadata!.Name!, out _); };
        cache.OnError += errors.Enqueue;
        _ = cache.StartAsync(api.Cancel);
        await cache.WaitForSyncAsync(api.Cancel).WaitAsync(TimeSpan.FromSeconds(10), api.Cancel);
        Assert.Equal(20, cache.Count);
        Assert.Equal(20, Volatile.Read(ref added));

        await SetAsync(api.Kube, "cm-0", 1, api.Cancel);
        await EventuallyAsync(() => Volatile.Read(ref updated) == 1, 5, "the live update", api.Cancel);

        // The outage: open watches cut, new ones refused or stalled, while the cluster changes.
        IDisposable rule = api.Server.Faults.Add(
            FaultMatch.Watch("configmaps"),
            outage == Outage.Stalled ? Fault.StallWatch(0) : Fault.ServiceUnavailable());
        api.Server.DropWatches();
        await configMaps.CreateAsync(Ns, ConfigMap("new-1"), cancellationToken: api.Cancel);
        await configMaps.CreateAsync(Ns, ConfigMap("new-2"), cancellationToken: api.Cancel);
        await SetAsync(api.Kube, "cm-2", 2, api.Cancel);
        await configMaps.DeleteAsync(Ns, "cm-3", cancellationToken: api.Cancel);
        await configMaps.DeleteAsync(Ns, "cm-4", cancellationToken: api.Cancel);
        await configMaps.CreateAsync(Ns, ConfigMap("short-lived"), cancellationToken: api.Cancel);
        await configMaps.DeleteAsync(Ns, "short-lived", cancellationToken: api.Cancel);
        if (outage == Outage.Expired)
        {
            for (int i = 0; i < 40; i++)
            {
                await SetAsync(api.Kube, "cm-5", i, api.Cancel); // pushes the cache's version out of the 30-change window
            }
        }

        await Task.Delay(outage == Outage.Stalled ? 1500 : 400, api.Cancel); // at least one stalled watch hits the idle bound
        Assert.True(api.Server.Faults.AppliedCount >= 1, "no watch came during the outage");
        rule.Dispose();

        ConfigMapList list = await configMaps.ListAsync(Ns, cancellationToken: api.Cancel);
        var server = list.Items.ToDictionary(c => c.Metadata!.Name!, Rv);
        Assert.Equal(20, server.Count); // 20 + 2 created - 2 deleted
        await EventuallyAsync(() => Snapshot(cache).SequenceEqual(server.OrderBy(p => p.Key)), 10, "the cache to converge", api.Cancel);
        await EventuallyAsync(() => live.OrderBy(p => p.Key).SequenceEqual(server.OrderBy(p => p.Key)), 5, "the handlers to converge", api.Cancel);
        Assert.Contains("cm-3", deleted);
        Assert.Contains("cm-4", deleted);
        Assert.Equal(deleted.Count, deleted.Distinct().Count());
        Assert.Equal(outage == Outage.Expired ? 2 : 1, cache.ListCount);
        if (outage == Outage.Expired)
        {
            Assert.DoesNotContain("short-lived", deleted); // never seen by the relisting cache
        }
        else
        {
            Assert.Contains("short-lived", deleted); // replayed from the history
        }

    }

    private static IEnumerable<KeyValuePair<string, string>> Snapshot(ResourceCache<ConfigMap, ConfigMapList> cache)
        => cache.List().Select(c => KeyValuePair.Create(c.Metadata!.Name!, Rv(c))).OrderBy(p => p.Key);

    private static async Task EventuallyAsync(Func<bool> condition, int seconds, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (ct.IsCancellationRequested || clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail("timed out waiting for " + what);
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static readonly TimeSpan LeaseDuration = ElectionCandidate.LeaseDuration;
    private static readonly TimeSpan RetryPeriod = ElectionCandidate.RetryPeriod;

    [Fact]
    public async Task ThreeElectorsOnTheEmulatorsLeaseNeverOverlapAndFailOver()
    {
        await using EmulatorHarness api = await StartFastAsync(timeoutSeconds: 40);
        var clock = Stopwatch.StartNew();
        var terms = new List<(string Who, TimeSpan Start, TimeSpan End)>();

        // The Lease's write history as the server orders it: (holder, when it was seen).
        var history = new ConcurrentQueue<(string Holder, string Rv, TimeSpan At)>();
        using var historyStop = CancellationTokenSource.CreateLinkedTokenSource(api.Cancel);
        string leaseStart = (await api.Kube.CoordinationV1.Leases.ListAsync("default", cancellationToken: api.Cancel)).Metadata!.ResourceVersion!;
        Task historyTask = Task.Run(async () =>
        {
            try
            {
                await foreach (WatchEvent<Lease> e in api.Kube.CoordinationV1.Leases.WatchAsync("default", StartingAt(leaseStart, FastWatch()), cancellationToken: historyStop.Token))
                {
                    history.Enqueue((e.Object.Spec?.HolderIdentity ?? "", e.Object.Metadata!.ResourceVersion!, clock.Elapsed));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        var candidates = new List<ElectionCandidate> { new(api.Connect(), "a", clock, terms, api.Cancel), new(api.Connect(), "b", clock, terms, api.Cancel), new(api.Connect(), "c", clock, terms, api.Cancel) };
        var all = candidates.ToList();
        int samples = 0;
        int maxLeaders = 0;

        async Task SampleAsync(TimeSpan length)
        {
            TimeSpan end = clock.Elapsed + length;
            while (clock.Elapsed < end)
            {
                maxLeaders = Math.Max(maxLeaders, all.Count(c => c.Elector.IsLeader));
                samples++;
                await Task.Delay(5, api.Cancel);
            }
        }

        try
        {
            ElectionCandidate first = await ElectionCandidate.WaitForLeaderAsync(candidates, TimeSpan.FromSeconds(10), api.Cancel);
            await SampleAsync(TimeSpan.FromSeconds(1));
            Assert.True(first.Leading);

            // Latency on every Lease read and write for a while (120 ms: well inside the renew deadline).
            using (api.Server.Faults.Add(new FaultMatch { Resource = "leases", Name = "controller-lock" }, Fault.Latency(TimeSpan.FromMilliseconds(120))))
            {
                await SampleAsync(TimeSpan.FromSeconds(3));
            }

            Assert.True(api.Server.Faults.AppliedCount > 10, $"only {api.Server.Faults.AppliedCount} delayed Lease requests");
            Assert.Equal(first.Identity, candidates.Single(c => c.Leading).Identity); // renewals held the lead under latency

            // Killed (no release): another takes over after the lease duration on its own clock.
            TimeSpan killed = clock.Elapsed;
            await first.StopAsync(release: false);
            candidates.Remove(first);
            ElectionCandidate second = await ElectionCandidate.WaitForLeaderAsync(candidates, TimeSpan.FromSeconds(5), api.Cancel);
            TimeSpan killFailover = clock.Elapsed - killed;
            Assert.True(killFailover >= LeaseDuration - RetryPeriod * 1.3, $"took over too early: {killFailover}");
            Assert.True(killFailover <= LeaseDuration + RetryPeriod * 2.4 + TimeSpan.FromMilliseconds(500), $"failover after a kill took {killFailover}");
            await SampleAsync(TimeSpan.FromMilliseconds(500));

            // Cancelled with release: the last one takes over at once.
            TimeSpan stopped = clock.Elapsed;
            await second.StopAsync(release: true);
            candidates.Remove(second);
            ElectionCandidate third = await ElectionCandidate.WaitForLeaderAsync(candidates, TimeSpan.FromSeconds(5), api.Cancel);
            TimeSpan releaseFailover = clock.Elapsed - stopped;
            Assert.True(releaseFailover < LeaseDuration, $"failover after release took {releaseFailover}");
            Assert.NotEqual(second.Identity, third.Identity);
            await SampleAsync(TimeSpan.FromMilliseconds(500));
        }
        finally
        {
            foreach (ElectionCandidate c in all)
            {
                await c.DisposeAsync();
            }

            await Task.Delay(300, CancellationToken.None); // let the history watch see the last writes
            await historyStop.CancelAsync();
            await historyTask.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        Assert.True(samples > 200, $"only {samples} samples");
        Assert.Equal(1, maxLeaders);

        // Leadership terms (from the electors' callbacks) never overlap.
        List<(string Who, TimeSpan Start, TimeSpan End)> ordered;
        lock (terms)
        {
            ordered = [.. terms.OrderBy(t => t.Start)];
        }

        Assert.Equal(3, ordered.Count);
        Assert.Equal(3, ordered.Select(t => t.Who).Distinct().Count());
        ElectionCandidate.AssertNoOverlap(terms);

        // The server's history: ordered versions; a holder change without a release in between
        // comes at least a lease duration after the previous holder's last write (less watch jitter).
        var writes = history.ToList();
        Assert.Equal(writes.Select(w => Num(w.Rv)).Order(), writes.Select(w => Num(w.Rv)));
        Assert.Equal(writes.Count, writes.Select(w => w.Rv).Distinct().Count());
        for (int i = 1; i < writes.Count; i++)
        {
            var (previous, current) = (writes[i - 1], writes[i]);
            if (previous.Holder.Length > 0 && current.Holder.Length > 0 && previous.Holder != current.Holder)
            {
                Assert.True(current.At - previous.At >= LeaseDuration - TimeSpan.FromMilliseconds(150),
                    $"{current.Holder} took the lease from {previous.Holder} {(current.At - previous.At).TotalMilliseconds:0} ms after its last write");
            }
        }

        Assert.Equal(
            ordered.Select(t => t.Who),
            writes.Select(w => w.Holder).Where(h => h.Length > 0).Aggregate(new List<string>(), (acc, h) =>
            {
                if (acc.Count == 0 || acc[^1] != h)
                {
                    acc.Add(h);
                }

                return acc;
            }));
    }
}
