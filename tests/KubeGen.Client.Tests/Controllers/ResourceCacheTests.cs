using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ClientTests.Kube.CoreV1;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

public sealed class ResourceCacheTests
{
    private static ResourceCacheOptions Fast() => new()
    {
        PageSize = 7, // several pages
        ListBackoff = TimeSpan.FromMilliseconds(20),
        Watch = new ResumableWatchOptions
        {
            BookmarkInterval = TimeSpan.FromMilliseconds(200),
            IdleTimeout = TimeSpan.FromSeconds(1),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
        },
    };

    private static async Task EventuallyAsync(Func<bool> condition, CancellationToken ct, string what)
    {
        while (!condition())
        {
            if (ct.IsCancellationRequested)
            {
                Assert.Fail("timed out waiting for " + what);
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static Dictionary<string, string> Store(ResourceCache<Pod, PodList> cache)
        => cache.List().ToDictionary(p => p.Metadata!.Namespace + "/" + p.Metadata.Name, p => p.Metadata!.ResourceVersion!);

    [Theory]
    [InlineData(false)] // the watch resumes and the server replays what happened during the outage
    [InlineData(true)]  // the server compacted meanwhile: 410 Gone, the cache lists again and reports the difference
    public async Task ConvergesToServerStateAfterAnOutage(bool compactDuringOutage)
    {
        await using var f = await ControllerFixture.StartAsync(60);
        for (int i = 0; i < 20; i++)
        {
            f.Cluster.Put("pods", i % 2 == 0 ? "default" : "other", $"pod-{i}");
        }

        var live = new ConcurrentDictionary<string, string>();
        var deleted = new ConcurrentBag<string>();
        int added = 0, updated = 0;
        await using var cache = f.Kube.CoreV1.Pods.CreateCacheForAllNamespaces(Fast());
        cache.OnAdded += p => { Interlocked.Increment(ref added); live[Key(p)] = p.Metadata!.ResourceVersion!; };
        cache.OnUpdated += (old, p) => { Interlocked.Increment(ref updated); Assert.Equal(Key(old), Key(p)); live[Key(p)] = p.Metadata!.ResourceVersion!; };
        cache.OnDeleted += p => { deleted.Add(Key(p)); live.TryRemove(Key(p), out _); };
        _ = cache.StartAsync(f.Cancel);
        await cache.WaitForSyncAsync(f.Cancel);
        Assert.Equal(20, cache.Count);
        Assert.Equal(20, added);

        f.Cluster.Put("pods", "default", "pod-0", new JsonObject { ["x"] = "1" });
        await EventuallyAsync(() => updated == 1, f.Cancel, "the live update");

        // Outage: connections reset, watches refused; meanwhile creates, updates and deletes.
        f.Cluster.RejectWatches = true;
        f.Cluster.DropWatches();
        f.Cluster.Put("pods", "default", "new-1");
        f.Cluster.Put("pods", "other", "new-2");
        f.Cluster.Put("pods", "default", "pod-2", new JsonObject { ["x"] = "2" });
        f.Cluster.Delete("pods", "other", "pod-3");
        f.Cluster.Delete("pods", "default", "pod-4");
        f.Cluster.Put("pods", "default", "short-lived");
        f.Cluster.Delete("pods", "default", "short-lived");
        if (compactDuringOutage)
        {
            f.Cluster.Compact();
        }

        await Task.Delay(300, f.Cancel);
        f.Cluster.RejectWatches = false;

        Dictionary<string, string> server = f.Cluster.Snapshot("pods");
        await EventuallyAsync(() => Store(cache).OrderBy(p => p.Key).SequenceEqual(server.OrderBy(p => p.Key)), f.Cancel, "the cache to converge");
        await EventuallyAsync(() => live.OrderBy(p => p.Key).SequenceEqual(server.OrderBy(p => p.Key)), f.Cancel, "the handlers to converge");
        Assert.Contains("other/pod-3", deleted);
        Assert.Contains("default/pod-4", deleted);
        Assert.Equal(compactDuringOutage ? 2 : 1, cache.ListCount);
        Assert.Equal(20, server.Count); // 20 + 2 created - 2 deleted
    }

    [Fact]
    public async Task NamespaceAndResyncAreHonoured()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        f.Cluster.Put("pods", "default", "a");
        f.Cluster.Put("pods", "other", "b");
        ResourceCacheOptions options = Fast();
        options.ResyncPeriod = TimeSpan.FromMilliseconds(100);
        await using var cache = f.Kube.CoreV1.Pods.CreateCache("default", options: options);
        int resyncs = 0;
        cache.OnUpdated += (old, p) =>
        {
            if (ReferenceEquals(old, p))
            {
                Interlocked.Increment(ref resyncs);
            }
        };
        _ = cache.StartAsync(f.Cancel);
        await cache.WaitForSyncAsync(f.Cancel);
        Assert.Equal(["default/a"], cache.List().Select(Key));
        Assert.NotNull(cache.Get("default", "a"));
        Assert.Null(cache.Get("other", "b"));
        await EventuallyAsync(() => Volatile.Read(ref resyncs) >= 3, f.Cancel, "resyncs");
    }

    [Fact]
    public async Task AFirstListForbiddenByRbacFailsTheSyncWithThePermissionAndReportsIt()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        f.Cluster.ForbiddenLists.Add("pods");
        var errors = new ConcurrentQueue<Exception>();
        await using var cache = f.Kube.CoreV1.Pods.CreateCache("default", options: Fast());
        cache.OnError += errors.Enqueue;

        Task running = cache.StartAsync(f.Cancel);
        KubeApiException forbidden = await Assert.ThrowsAsync<KubeApiException>(() => cache.WaitForSyncAsync(f.Cancel));

        Assert.True(forbidden.IsForbidden);
        Assert.EndsWith(
            "Missing RBAC permission: verb \"list\" on resource \"pods\" (apiGroup \"\") in namespace \"default\"; add it to the rules of the caller's Role.",
            forbidden.Message,
            StringComparison.Ordinal);
        Assert.Same(forbidden, Assert.Single(errors));
        Assert.Same(forbidden, await Assert.ThrowsAsync<KubeApiException>(() => running));
        Assert.False(cache.HasSynced);
        Assert.Equal(0, f.Cluster.WatchConnections);
    }

    [Fact]
    public async Task TransientFirstListFailuresAreReportedAndRetriedUntilTheSync()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        f.Cluster.Put("pods", "default", "a");
        f.Cluster.FailNextLists(503, count: 2);
        var errors = new ConcurrentQueue<Exception>();
        await using var cache = f.Kube.CoreV1.Pods.CreateCache("default", options: Fast());
        cache.OnError += errors.Enqueue;

        _ = cache.StartAsync(f.Cancel);
        await cache.WaitForSyncAsync(f.Cancel);

        Assert.Equal(["default/a"], cache.List().Select(Key));
        Assert.Equal([503, 503], errors.Select(e => Assert.IsType<KubeApiException>(e).Status.Code));
        Assert.Equal(1, cache.ListCount);
    }

    [Fact]
    public async Task AContinueTokenThatExpiresBetweenPagesRestartsTheListFromScratch()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        for (int i = 0; i < 20; i++)
        {
            f.Cluster.Put("pods", "default", $"pod-{i}");
        }

        int pages = 0;
        f.Cluster.AfterListPage = () =>
        {
            if (Interlocked.Increment(ref pages) == 1)
            {
                // After the first page (pod-0, pod-1, pod-10 … pod-14): a change, and the server forgets the list's version.
                f.Cluster.Delete("pods", "default", "pod-0");
                f.Cluster.Put("pods", "default", "pod-late");
                f.Cluster.Compact();
            }
        };
        var added = new ConcurrentQueue<string>();
        int deleted = 0;
        await using var cache = f.Kube.CoreV1.Pods.CreateCache("default", options: Fast());
        cache.OnAdded += p => added.Enqueue(Key(p));
        cache.OnDeleted += _ => Interlocked.Increment(ref deleted);

        _ = cache.StartAsync(f.Cancel);
        await cache.WaitForSyncAsync(f.Cancel);

        Dictionary<string, string> server = f.Cluster.Snapshot("pods");
        Assert.Equal(server.OrderBy(p => p.Key), Store(cache).OrderBy(p => p.Key));
        Assert.Equal(server.Keys.Order(), added.Order());
        Assert.Equal(0, deleted);
        Assert.Equal(1, cache.ListCount);
    }

    private static string Key(Pod p) => p.Metadata!.Namespace + "/" + p.Metadata.Name;
}
