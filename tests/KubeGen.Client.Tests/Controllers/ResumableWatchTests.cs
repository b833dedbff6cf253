using System.Diagnostics;
using System.Text.Json.Nodes;
using ClientTests.Kube.CoreV1;
using KubeGen.Runtime;
using static KubeGen.Client.Tests.Controllers.WatchStart;

namespace KubeGen.Client.Tests.Controllers;

public sealed class ResumableWatchTests
{
    private static ResumableWatchOptions Fast(TimeSpan? idle = null) => new()
    {
        BookmarkInterval = TimeSpan.FromMilliseconds(200),
        IdleTimeout = idle ?? TimeSpan.FromSeconds(1),
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        EmitBookmarks = false,
    };

    private static async Task<List<int>> CollectAsync(IAsyncEnumerable<WatchEvent<ConfigMap>> watch, int count, CancellationToken ct)
    {
        var seen = new List<int>();
        await foreach (WatchEvent<ConfigMap> e in watch.WithCancellation(ct))
        {
            Assert.Equal(WatchEventType.Modified, e.Type);
            seen.Add(int.Parse(e.Object.Data!["n"]));
            if (seen.Count == count)
            {
                break;
            }
        }

        return seen;
    }

    [Fact]
    public async Task TenThousandChangesArriveOnceInOrderAcrossServerSideEnds()
    {
        await using var f = await ControllerFixture.StartAsync(120);
        f.Cluster.Put("configmaps", "default", "counter");
        string start = f.Cluster.CurrentVersion();
        f.Cluster.MaxEventsPerWatch = 1500; // the server ends each watch cleanly: the client must resume without gaps
        const int changes = 10_000;
        Task writer = Task.Run(() =>
        {
            for (int i = 0; i < changes; i++)
            {
                f.Cluster.Put("configmaps", "default", "counter", new JsonObject { ["n"] = i.ToString() });
            }
        }, f.Cancel);

        List<int> seen = await CollectAsync(f.Kube.CoreV1.ConfigMaps.WatchAsync("default", StartingAt(start, Fast()), cancellationToken: f.Cancel), changes, f.Cancel);
        await writer;

        Assert.Equal(Enumerable.Range(0, changes), seen);
        Assert.True(f.Cluster.WatchConnections >= changes / 1500, $"only {f.Cluster.WatchConnections} watch connections");
        // client-go's randomized server-side timeout: between 5 and 10 minutes, not all the same.
        Assert.All(f.Cluster.WatchTimeouts, t => Assert.InRange(t, 300, 600));
        Assert.True(f.Cluster.WatchTimeouts.Distinct().Count() > 1);
    }

    [Fact]
    public async Task DroppedMidEventAndStalledConnectionsRecoverWithinTheIdleBound()
    {
        await using var f = await ControllerFixture.StartAsync(60);
        f.Cluster.Put("configmaps", "default", "counter");
        string start = f.Cluster.CurrentVersion();
        f.Cluster.InjectWatchFault(WatchFault.DropMidEvent, afterEvents: 50);
        f.Cluster.InjectWatchFault(WatchFault.Stall, afterEvents: 30);
        const int changes = 300;
        for (int i = 0; i < changes; i++)
        {
            f.Cluster.Put("configmaps", "default", "counter", new JsonObject { ["n"] = i.ToString() });
        }

        var idle = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        List<int> seen = await CollectAsync(f.Kube.CoreV1.ConfigMaps.WatchAsync("default", StartingAt(start, Fast(idle)), cancellationToken: f.Cancel), changes, f.Cancel);

        Assert.Equal(Enumerable.Range(0, changes), seen);
        Assert.True(f.Cluster.WatchConnections >= 3, $"{f.Cluster.WatchConnections} watch connections");
        // One stall costs the idle bound; the drop and the reconnects cost little.
        Assert.True(clock.Elapsed < idle + TimeSpan.FromSeconds(15), $"recovery took {clock.Elapsed}");
    }

    [Fact]
    public async Task QuietWatchWithBookmarksStaysConnected()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        string start = f.Cluster.Put("configmaps", "default", "counter");
        var options = Fast(TimeSpan.FromMilliseconds(600));
        options.EmitBookmarks = true;
        int bookmarks = 0;
        await foreach (WatchEvent<ConfigMap> e in f.Kube.CoreV1.ConfigMaps.WatchAsync("default", StartingAt(start, options), cancellationToken: f.Cancel))
        {
            Assert.Equal(WatchEventType.Bookmark, e.Type);
            if (++bookmarks == 8)
            {
                break;
            }
        }

        Assert.Equal(1, f.Cluster.WatchConnections); // bookmarks every 200 ms keep the 600 ms idle bound from firing
    }

    [Fact]
    public async Task GoneEndsTheWatchWithWatchExpiredException()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        string start = f.Cluster.Put("configmaps", "default", "counter");
        f.Cluster.Put("configmaps", "default", "counter", new JsonObject { ["n"] = "1" });
        f.Cluster.Compact();

        var ex = await Assert.ThrowsAsync<WatchExpiredException>(async () =>
        {
            await foreach (var unused in f.Kube.CoreV1.ConfigMaps.WatchAsync("default", StartingAt(start, Fast()), cancellationToken: f.Cancel))
            {
            }
        });
        Assert.Equal(start, ex.ResourceVersion);
        Assert.True(((KubeApiException)ex.InnerException!).IsGone);
    }
}
