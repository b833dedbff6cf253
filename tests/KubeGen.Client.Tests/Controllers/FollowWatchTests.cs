using System.Text.Json.Nodes;
using ClientTests.Kube;
using ClientTests.Kube.CoreV1;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>
/// Following a collection from its current state (<see cref="ResumableWatch.FollowAsync{T, TList}"/> and
/// <see cref="ResumableWatch.FollowWithInitialEventsAsync{T}"/>): nothing lost, nothing delivered twice, across drops,
/// a stream of the initial state cut short, and 410 Gone.
/// </summary>
public sealed class FollowWatchTests
{
    private static ResumableWatchOptions Fast() => new()
    {
        BookmarkInterval = TimeSpan.FromMilliseconds(200),
        IdleTimeout = TimeSpan.FromSeconds(1),
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        EmitBookmarks = false,
    };

    private static Func<ListRequest, CancellationToken, Task<ConfigMapList>> List(KubeClient kube)
        => (request, ct) => kube.CoreV1.ConfigMaps.ListAsync("default", new() { Continue = request.Continue, Limit = request.Limit, ResourceVersion = request.ResourceVersion }, cancellationToken: ct);

    private static Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<ConfigMap>>> Watch(KubeClient kube)
        => (request, ct) => kube.CoreV1.ConfigMaps.WatchSingleConnectionAsync("default", new() { AllowWatchBookmarks = request.AllowWatchBookmarks, ResourceVersion = request.ResourceVersion, ResourceVersionMatch = request.ResourceVersionMatch, SendInitialEvents = request.SendInitialEvents, TimeoutSeconds = request.TimeoutSeconds }, cancellationToken: ct);

    private static IAsyncEnumerable<WatchEvent<ConfigMap>> FollowByList(ControllerFixture f, string? resourceVersion = null, ResumableWatchOptions? options = null)
        => ResumableWatch.FollowAsync(List(f.Kube), Watch(f.Kube), ConfigMap.JsonTypeInfo, resourceVersion, options ?? Fast(), f.Cancel);

    private static IAsyncEnumerable<WatchEvent<ConfigMap>> FollowByInitialEvents(ControllerFixture f, string? resourceVersion = null, ResumableWatchOptions? options = null)
        => ResumableWatch.FollowWithInitialEventsAsync(Watch(f.Kube), ConfigMap.JsonTypeInfo, resourceVersion, options ?? Fast(), f.Cancel);

    private static string Describe(WatchEvent<ConfigMap> e) => $"{e.Type} {e.Object.Metadata?.Name} {e.Object.Metadata?.ResourceVersion}";

    /// <summary>cm-0 … cm-(count-1), then cm-0 changed: as on any real server, key order is no longer version order.</summary>
    private static Dictionary<string, string> CreateConfigMaps(FakeCluster cluster, int count)
    {
        for (int i = 0; i < count; i++)
        {
            cluster.Put("configmaps", "default", $"cm-{i}");
        }

        cluster.Put("configmaps", "default", "cm-0", new JsonObject { ["v"] = "changed" });
        return cluster.Snapshot("configmaps");
    }

    private static string Version(FakeCluster cluster, string name) => cluster.Snapshot("configmaps")["default/" + name];

    /// <summary>The events the initial state must come as: ADDED, in key order.</summary>
    private static IEnumerable<string> AddedInKeyOrder(Dictionary<string, string> state)
        => state.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"Added {p.Key["default/".Length..]} {p.Value}");

    /// <summary>Creates a ConfigMap while the follower watches; returns the event it must deliver.</summary>
    private static string CreateLive(FakeCluster cluster, string name)
    {
        cluster.Put("configmaps", "default", name);
        return $"Added {name} {Version(cluster, name)}";
    }

    /// <summary>Changes made while the follower is not watching; returns the last version of each deleted ConfigMap.</summary>
    private static Dictionary<string, string> ChangeMeanwhile(FakeCluster cluster, string[] delete, string[] change, string[] create)
    {
        Dictionary<string, string> deleted = delete.ToDictionary(name => name, name => Version(cluster, name));
        foreach (string name in delete)
        {
            cluster.Delete("configmaps", "default", name);
        }

        foreach (string name in change)
        {
            cluster.Put("configmaps", "default", name, new JsonObject { ["v"] = "changed meanwhile" });
        }

        foreach (string name in create)
        {
            cluster.Put("configmaps", "default", name);
        }

        return deleted;
    }

    /// <summary>Applies events to a copy of the state, failing on anything a consumer could not apply (a duplicate or an unknown object).</summary>
    private sealed class Mirror
    {
        public Dictionary<string, string> State { get; } = new(StringComparer.Ordinal);

        public List<string> Events { get; } = [];

        public ConfigMap? LastDeleted { get; private set; }

        /// <summary>
        /// Applies the events of <paramref name="follow"/>; after the event numbered n (1-based) has been applied, runs
        /// <paramref name="steps"/>[n] (the follower is suspended meanwhile); stops after <paramref name="count"/> events.
        /// </summary>
        public async Task FollowAsync(IAsyncEnumerable<WatchEvent<ConfigMap>> follow, int count, Dictionary<int, Action>? steps = null)
        {
            await foreach (WatchEvent<ConfigMap> e in follow)
            {
                Apply(e);
                if (steps is not null && steps.TryGetValue(Events.Count, out Action? step))
                {
                    step();
                }

                if (Events.Count == count)
                {
                    return;
                }
            }
        }

        public void Apply(WatchEvent<ConfigMap> e)
        {
            Events.Add(Describe(e));
            string key = e.Object.Metadata!.Namespace + "/" + e.Object.Metadata.Name;
            string version = e.Object.Metadata.ResourceVersion!;
            switch (e.Type)
            {
                case WatchEventType.Added:
                    Assert.True(State.TryAdd(key, version), $"ADDED {key} twice");
                    break;
                case WatchEventType.Modified:
                    Assert.True(State.ContainsKey(key), $"MODIFIED {key} before ADDED");
                    Assert.NotEqual(State[key], version);
                    State[key] = version;
                    break;
                case WatchEventType.Deleted:
                    Assert.True(State.Remove(key), $"DELETED {key} that was never delivered");
                    LastDeleted = e.Object;
                    break;
                default:
                    Assert.Fail($"unexpected {e.Type}");
                    break;
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    public async Task AResumableWatchWithoutAStartingVersionIsRefused(string? resourceVersion)
    {
        await using var f = await ControllerFixture.StartAsync(30);

        ArgumentException refused = Assert.Throws<ArgumentException>(() => ResumableWatch.WatchAsync(Watch(f.Kube), resourceVersion, Fast(), f.Cancel));

        Assert.Equal("resourceVersion", refused.ParamName);
        Assert.Contains("resumable watch needs the resourceVersion to start from", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ResumableWatch.FollowAsync", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, f.Cluster.WatchConnections);
    }

    [Fact]
    public async Task FollowingByListDeliversTenConfigMapsOnceAndResumesAcrossADroppedWatch()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        Dictionary<string, string> initial = CreateConfigMaps(f.Cluster, 10);
        f.Cluster.InjectWatchFault(WatchFault.HoldThenDrop, afterEvents: 1); // the first watch breaks after its first event
        var mirror = new Mirror();
        var live = new List<string>();

        await mirror.FollowAsync(FollowByList(f), count: 13, new()
        {
            [10] = () => live.AddRange(new[] { "cm-a", "cm-b", "cm-c" }.Select(name => CreateLive(f.Cluster, name))),
            [11] = f.Cluster.ReleaseHeldWatch,
        });

        Assert.Equal(AddedInKeyOrder(initial).Concat(live), mirror.Events);
        Assert.Equal(f.Cluster.Snapshot("configmaps"), mirror.State);
        Assert.Equal(2, f.Cluster.WatchConnections);
    }

    [Fact]
    public async Task FollowingByInitialEventsDeliversTenConfigMapsOnceWhenTheStreamDropsAfterTheFirstEvent()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        Dictionary<string, string> initial = CreateConfigMaps(f.Cluster, 10);
        f.Cluster.InjectWatchFault(WatchFault.HoldThenDrop, afterEvents: 1); // cut before the initial-events-end bookmark
        var mirror = new Mirror();
        string live = "";

        await mirror.FollowAsync(FollowByInitialEvents(f), count: 11, new()
        {
            [1] = f.Cluster.ReleaseHeldWatch,
            [10] = () => live = CreateLive(f.Cluster, "cm-live"),
        });

        Assert.Equal(AddedInKeyOrder(initial).Append(live), mirror.Events);
        Assert.Equal(f.Cluster.Snapshot("configmaps"), mirror.State);
        Assert.Equal(2, f.Cluster.WatchConnections);
    }

    [Fact]
    public async Task AnInitialStateCutShortIsStreamedAgainAndOnlyTheDifferenceIsDelivered()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        CreateConfigMaps(f.Cluster, 10);
        f.Cluster.InjectWatchFault(WatchFault.HoldThenDrop, afterEvents: 4);
        var mirror = new Mirror();
        var expected = new List<string>();

        await mirror.FollowAsync(FollowByInitialEvents(f), count: 13, new()
        {
            [4] = () =>
            {
                // cm-0 … cm-3 delivered; the stream breaks before the rest. Meanwhile cm-1 (delivered) and cm-7 (not yet)
                // are deleted, cm-2 (delivered) and cm-8 (not yet) change, cm-new appears.
                Dictionary<string, string> deleted = ChangeMeanwhile(f.Cluster, delete: ["cm-1", "cm-7"], change: ["cm-2", "cm-8"], create: ["cm-new"]);
                expected.AddRange(mirror.Events);
                expected.Add($"Modified cm-2 {Version(f.Cluster, "cm-2")}");
                expected.AddRange(new[] { "cm-4", "cm-5", "cm-6", "cm-8", "cm-9", "cm-new" }.Select(n => $"Added {n} {Version(f.Cluster, n)}"));
                expected.Add($"Deleted cm-1 {deleted["cm-1"]}");
                f.Cluster.ReleaseHeldWatch();
            },
            [12] = () => expected.Add(CreateLive(f.Cluster, "cm-live")),
        });

        Assert.Equal(expected, mirror.Events);
        Assert.Equal(f.Cluster.Snapshot("configmaps"), mirror.State);
        Assert.Equal(2, f.Cluster.WatchConnections);
    }

    [Fact]
    public async Task AfterGoneTheListIsReadAgainAndOnlyTheDifferenceIsDelivered()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        CreateConfigMaps(f.Cluster, 10);
        var mirror = new Mirror();
        var expected = new List<string>();

        await mirror.FollowAsync(FollowByList(f), count: 14, new()
        {
            [10] = () =>
            {
                // Listed; before the watch starts, changes happen and the server forgets them: the watch gets 410.
                Dictionary<string, string> deleted = ChangeMeanwhile(f.Cluster, delete: ["cm-3"], change: ["cm-5"], create: ["cm-new"]);
                f.Cluster.Compact();
                expected.AddRange(mirror.Events);
                expected.Add($"Modified cm-5 {Version(f.Cluster, "cm-5")}");
                expected.Add($"Added cm-new {Version(f.Cluster, "cm-new")}");
                expected.Add($"Deleted cm-3 {deleted["cm-3"]}");
            },
            [13] = () => expected.Add(CreateLive(f.Cluster, "cm-live")),
        });

        Assert.Equal(expected, mirror.Events);
        Assert.Equal(f.Cluster.Snapshot("configmaps"), mirror.State);
        // The DELETED object of a vanished one holds its identity and the last version delivered, nothing else.
        ConfigMap tombstone = Assert.IsType<ConfigMap>(mirror.LastDeleted);
        Assert.Equal(("cm-3", "default"), (tombstone.Metadata!.Name, tombstone.Metadata.Namespace));
        Assert.Null(tombstone.Data);
    }

    [Fact]
    public async Task AfterGoneTheInitialEventsAreStreamedAgainAndOnlyTheDifferenceIsDelivered()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        CreateConfigMaps(f.Cluster, 3);
        // The first stream sends the three objects and the initial-events-end bookmark, then breaks in its first live event.
        f.Cluster.InjectWatchFault(WatchFault.HoldThenDrop, afterEvents: 4);
        var mirror = new Mirror();
        var expected = new List<string>();

        await mirror.FollowAsync(FollowByInitialEvents(f), count: 6, new()
        {
            [3] = () =>
            {
                // Changes, which the server then forgets: resuming from the end bookmark's version gets 410.
                Dictionary<string, string> deleted = ChangeMeanwhile(f.Cluster, delete: ["cm-0"], change: ["cm-2"], create: ["cm-3"]);
                f.Cluster.Compact();
                expected.AddRange(mirror.Events);
                expected.Add($"Modified cm-2 {Version(f.Cluster, "cm-2")}");
                expected.Add($"Added cm-3 {Version(f.Cluster, "cm-3")}");
                expected.Add($"Deleted cm-0 {deleted["cm-0"]}");
                f.Cluster.ReleaseHeldWatch();
            },
        });

        Assert.Equal(expected, mirror.Events);
        Assert.Equal(f.Cluster.Snapshot("configmaps"), mirror.State);
    }

    [Fact]
    public async Task FromAnExplicitVersionGoneEndsTheFollowUnlessRelistingIsAsked()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        CreateConfigMaps(f.Cluster, 3);
        string start = f.Cluster.CurrentVersion();
        f.Cluster.Put("configmaps", "default", "cm-1", new JsonObject { ["v"] = "1" });
        f.Cluster.Compact();

        WatchExpiredException expired = await Assert.ThrowsAsync<WatchExpiredException>(() => new Mirror().FollowAsync(FollowByList(f, start), count: 1));
        Assert.Equal(start, expired.ResourceVersion);
        await Assert.ThrowsAsync<WatchExpiredException>(() => new Mirror().FollowAsync(FollowByInitialEvents(f, start), count: 1));

        // With RelistOnExpired the state is read again; what this enumeration never delivered comes as ADDED.
        ResumableWatchOptions relist = Fast();
        relist.RelistOnExpired = true;
        var listed = new Mirror();
        await listed.FollowAsync(FollowByList(f, start, relist), count: 3);
        var streamed = new Mirror();
        await streamed.FollowAsync(FollowByInitialEvents(f, start, relist), count: 3);

        Assert.Equal(f.Cluster.Snapshot("configmaps"), listed.State);
        Assert.Equal(AddedInKeyOrder(f.Cluster.Snapshot("configmaps")), listed.Events);
        Assert.Equal(listed.Events, streamed.Events);
    }

    [Fact]
    public async Task TheInitialEventsEndBookmarkIsPassedOnOnceAfterTheInitialState()
    {
        await using var f = await ControllerFixture.StartAsync(30);
        CreateConfigMaps(f.Cluster, 3);
        ResumableWatchOptions options = Fast();
        options.EmitBookmarks = true;
        var seen = new List<(WatchEventType Type, string? Annotation)>();

        await foreach (WatchEvent<ConfigMap> e in FollowByInitialEvents(f, options: options))
        {
            seen.Add((e.Type, e.Object.Metadata?.Annotations?.TryGetValue("k8s.io/initial-events-end", out string? end) == true ? end : null));
            if (seen.Count == 5)
            {
                break; // three objects, the end of the initial state, one periodic bookmark
            }
        }

        Assert.Equal(
            [(WatchEventType.Added, null), (WatchEventType.Added, null), (WatchEventType.Added, null), (WatchEventType.Bookmark, "true"), (WatchEventType.Bookmark, null)],
            seen);
    }
}
