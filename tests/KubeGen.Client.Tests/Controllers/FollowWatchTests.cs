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
        => (request, ct) => kube.CoreV1.ConfigMaps.ListAsync("default", @continue: request.Continue, limit: request.Limit, resourceVersion: request.ResourceVersion, cancellationToken: ct);

    private static Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<ConfigMap>>> Watch(KubeClient kube)
        => (request, ct) => kube.CoreV1.ConfigMaps.WatchAsync(
            "default",
            allowWatchBookmarks: request.AllowWatchBookmarks,
            resourceVersion: request.ResourceVersion,
            resourceVersionMatch: request.ResourceVersionMatch,
            sendInitialEvents: request.SendInitialEvents,
            timeoutSeconds: request.TimeoutSeconds,
            cancellationToken: ct);

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

    /// <summary>Applies events to a copy of the state, failing on anything a consumer could not apply (a duplicate or an unknown object).</summary>
    private sealed class Mirror
    {
        public Dictionary<string, string> State { get; } = new(StringComparer.Ordinal);

        public List<string> Events { get; } = [];

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

        await foreach (WatchEvent<ConfigMap> e in FollowByList(f))
        {
            mirror.Apply(e);
            if (mirror.Events.Count == 10)
            {
                for (int i = 1; i <= 3; i++)
                {
                    f.Cluster.Put("configmaps", "default", $"cm-{i}", new JsonObject { ["v"] = "live" });
                }
            }

            if (mirror.Events.Count == 11)
            {
                f.Cluster.ReleaseHeldWatch();
            }

            if (mirror.Events.Count == 13)
            {
                break;
            }
        }

        Assert.Equal(initial.OrderBy(p => p.Key).Select(p => $"Added {p.Key[8..]} {p.Value}"), mirror.Events.Take(10));
        Assert.Equal(new[] { 1, 2, 3 }.Select(i => $"Modified cm-{i} {Version(f.Cluster, $"cm-{i}")}"), mirror.Events.Skip(10));
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

        await foreach (WatchEvent<ConfigMap> e in FollowByInitialEvents(f))
        {
            mirror.Apply(e);
            if (mirror.Events.Count == 1)
            {
                f.Cluster.ReleaseHeldWatch();
            }

            if (mirror.Events.Count == 10)
            {
                f.Cluster.Put("configmaps", "default", "cm-live");
            }

            if (mirror.Events.Count == 11)
            {
                break;
            }
        }

        Assert.Equal(initial.OrderBy(p => p.Key).Select(p => $"Added {p.Key[8..]} {p.Value}"), mirror.Events.Take(10));
        Assert.Equal($"Added cm-live {Version(f.Cluster, "cm-live")}", mirror.Events[10]);
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

        await foreach (WatchEvent<ConfigMap> e in FollowByInitialEvents(f))
        {
            mirror.Apply(e);
            if (mirror.Events.Count == 4)
            {
                // cm-0 … cm-3 delivered; the stream breaks before the rest. Meanwhile:
                string deletedVersion = Version(f.Cluster, "cm-1");
                f.Cluster.Delete("configmaps", "default", "cm-1");                                   // delivered, then deleted
                f.Cluster.Put("configmaps", "default", "cm-2", new JsonObject { ["v"] = "2" });      // delivered, then changed
                f.Cluster.Delete("configmaps", "default", "cm-7");                                   // never delivered
                f.Cluster.Put("configmaps", "default", "cm-8", new JsonObject { ["v"] = "8" });      // never delivered, changed
                f.Cluster.Put("configmaps", "default", "cm-new");                                    // new
                expected.AddRange(mirror.Events);
                expected.Add($"Modified cm-2 {Version(f.Cluster, "cm-2")}");
                expected.AddRange(new[] { "cm-4", "cm-5", "cm-6", "cm-8", "cm-9", "cm-new" }.Select(n => $"Added {n} {Version(f.Cluster, n)}"));
                expected.Add($"Deleted cm-1 {deletedVersion}");
                f.Cluster.ReleaseHeldWatch();
            }

            if (mirror.Events.Count == 12)
            {
                f.Cluster.Put("configmaps", "default", "cm-live");
                expected.Add($"Added cm-live {Version(f.Cluster, "cm-live")}");
            }

            if (mirror.Events.Count == 13)
            {
                break;
            }
        }

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
        ConfigMap? tombstone = null;

        await foreach (WatchEvent<ConfigMap> e in FollowByList(f))
        {
            mirror.Apply(e);
            if (e.Type == WatchEventType.Deleted)
            {
                tombstone = e.Object;
            }

            if (mirror.Events.Count == 10)
            {
                // Listed; before the watch starts, changes happen and the server forgets them: the watch gets 410.
                string deletedVersion = Version(f.Cluster, "cm-3");
                f.Cluster.Delete("configmaps", "default", "cm-3");
                f.Cluster.Put("configmaps", "default", "cm-5", new JsonObject { ["v"] = "5" });
                f.Cluster.Put("configmaps", "default", "cm-new");
                f.Cluster.Compact();
                expected.AddRange(mirror.Events);
                expected.Add($"Modified cm-5 {Version(f.Cluster, "cm-5")}");
                expected.Add($"Added cm-new {Version(f.Cluster, "cm-new")}");
                expected.Add($"Deleted cm-3 {deletedVersion}");
            }

            if (mirror.Events.Count == 13)
            {
                f.Cluster.Put("configmaps", "default", "cm-live");
                expected.Add($"Added cm-live {Version(f.Cluster, "cm-live")}");
            }

            if (mirror.Events.Count == 14)
            {
                break;
            }
        }

        Assert.Equal(expected, mirror.Events);
        Assert.Equal(f.Cluster.Snapshot("configmaps"), mirror.State);
        // The DELETED object of a vanished one holds its identity and the last version delivered, nothing else.
        Assert.NotNull(tombstone);
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

        await foreach (WatchEvent<ConfigMap> e in FollowByInitialEvents(f))
        {
            mirror.Apply(e);
            if (mirror.Events.Count == 3)
            {
                // Changes, which the server then forgets: resuming from the end bookmark's version gets 410.
                string deletedVersion = Version(f.Cluster, "cm-0");
                f.Cluster.Delete("configmaps", "default", "cm-0");
                f.Cluster.Put("configmaps", "default", "cm-2", new JsonObject { ["v"] = "2" });
                f.Cluster.Put("configmaps", "default", "cm-3");
                f.Cluster.Compact();
                expected.AddRange(mirror.Events);
                expected.Add($"Modified cm-2 {Version(f.Cluster, "cm-2")}");
                expected.Add($"Added cm-3 {Version(f.Cluster, "cm-3")}");
                expected.Add($"Deleted cm-0 {deletedVersion}");
                f.Cluster.ReleaseHeldWatch();
            }

            if (mirror.Events.Count == 6)
            {
                break;
            }
        }

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

        WatchExpiredException expired = await Assert.ThrowsAsync<WatchExpiredException>(async () =>
        {
            await foreach (WatchEvent<ConfigMap> e in FollowByList(f, start))
            {
                Assert.Fail($"unexpected {Describe(e)}");
            }
        });
        Assert.Equal(start, expired.ResourceVersion);
        await Assert.ThrowsAsync<WatchExpiredException>(async () =>
        {
            await foreach (WatchEvent<ConfigMap> e in FollowByInitialEvents(f, start))
            {
                Assert.Fail($"unexpected {Describe(e)}");
            }
        });

        // With RelistOnExpired the state is read again; what this enumeration never delivered comes as ADDED.
        ResumableWatchOptions relist = Fast();
        relist.RelistOnExpired = true;
        var listed = new Mirror();
        await foreach (WatchEvent<ConfigMap> e in FollowByList(f, start, relist))
        {
            listed.Apply(e);
            if (listed.Events.Count == 3)
            {
                break;
            }
        }

        var streamed = new Mirror();
        await foreach (WatchEvent<ConfigMap> e in FollowByInitialEvents(f, start, relist))
        {
            streamed.Apply(e);
            if (streamed.Events.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(f.Cluster.Snapshot("configmaps"), listed.State);
        Assert.Equal(listed.Events, streamed.Events);
        Assert.All(listed.Events, e => Assert.StartsWith("Added ", e, StringComparison.Ordinal));
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
