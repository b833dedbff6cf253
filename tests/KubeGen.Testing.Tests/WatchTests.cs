using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

public sealed class WatchTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Watch_from_a_version_streams_changes_in_order()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(ConfigMaps, ConfigMap("before"));
        string rv = (await client.GetJsonAsync(ConfigMaps)).Body.Str("metadata.resourceVersion")!;

        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={rv}");
        Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
        Assert.StartsWith("application/json", watch.ContentType, StringComparison.Ordinal);

        await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        await client.PatchAsync(ConfigMaps + "/a", """{"data":{"k":"2"}}""", "application/merge-patch+json");
        await client.DeleteJsonAsync(ConfigMaps + "/a");

        JsonNode added = (await watch.NextAsync())!;
        Assert.Equal("ADDED", added.Str("type"));
        Assert.Equal("a", added.Str("object.metadata.name"));
        JsonNode modified = (await watch.NextAsync())!;
        Assert.Equal("MODIFIED", modified.Str("type"));
        Assert.Equal("2", modified.Str("object.data.k"));
        JsonNode deleted = (await watch.NextAsync())!;
        Assert.Equal("DELETED", deleted.Str("type"));
        Assert.True(long.Parse(deleted.Str("object.metadata.resourceVersion")!) > long.Parse(modified.Str("object.metadata.resourceVersion")!));
    }

    [Fact]
    public async Task Resuming_replays_what_was_missed()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string rv = (await client.PostJsonAsync(ConfigMaps, ConfigMap("a"))).Body.Str("metadata.resourceVersion")!;
        await client.PostJsonAsync(ConfigMaps, ConfigMap("b"));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("c"));
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=1&resourceVersion={rv}");
        Assert.Equal("b", (await watch.NextAsync()).Str("object.metadata.name"));
        Assert.Equal("c", (await watch.NextAsync()).Str("object.metadata.name"));
    }

    [Fact]
    public async Task Watch_without_a_version_starts_with_the_current_state()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true");
        JsonNode first = (await watch.NextAsync())!;
        Assert.Equal("ADDED", first.Str("type"));
        Assert.Equal("a", first.Str("object.metadata.name"));
    }

    [Fact]
    public async Task Too_old_version_gets_a_410_ERROR_event()
    {
        await using KubeApiServerEmulator server = await StartAsync(o => o.HistoryWindow = 2);
        using HttpClient client = server.CreateHttpClient();
        string rv = (await client.PostJsonAsync(ConfigMaps, ConfigMap("a"))).Body.Str("metadata.resourceVersion")!;
        for (int i = 0; i < 4; i++)
        {
            await client.PostJsonAsync(ConfigMaps, ConfigMap("x" + i));
        }

        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={rv}");
        Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
        JsonNode error = (await watch.NextAsync())!;
        Assert.Equal("ERROR", error.Str("type"));
        Assert.Equal("Status", error.Str("object.kind"));
        Assert.Equal("410", error.Str("object.code"));
        Assert.Equal("Expired", error.Str("object.reason"));
        Assert.Matches($"^too old resource version: {rv} \\(\\d+\\)$", error.Str("object.message"));
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task Bookmarks_arrive_periodically_with_the_current_version()
    {
        await using KubeApiServerEmulator server = await StartAsync(o => o.BookmarkInterval = TimeSpan.FromMilliseconds(200));
        using HttpClient client = server.CreateHttpClient();
        string rv = (await client.PostJsonAsync(ConfigMaps, ConfigMap("a"))).Body.Str("metadata.resourceVersion")!;
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&resourceVersion={rv}");
        JsonNode bookmark = await watch.NextOfTypeAsync("BOOKMARK");
        Assert.Equal("ConfigMap", bookmark.Str("object.kind"));
        Assert.Equal(server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), bookmark.Str("object.metadata.resourceVersion"));
    }

    [Fact]
    public async Task SendInitialEvents_ends_the_initial_state_with_an_annotated_bookmark()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("b"));
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        Assert.Equal("a", (await watch.NextAsync()).Str("object.metadata.name"));
        Assert.Equal("b", (await watch.NextAsync()).Str("object.metadata.name"));
        JsonNode end = (await watch.NextAsync())!;
        Assert.Equal("BOOKMARK", end.Str("type"));
        Assert.Equal("true", end["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());

        AssertStatus(await client.GetJsonAsync($"{ConfigMaps}?watch=true&sendInitialEvents=true"), 422, "Invalid");
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_watch()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&timeoutSeconds=1&resourceVersion={server.ResourceVersion}");
        Assert.Null(await watch.NextAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Selectors_filter_and_turn_leaving_objects_into_DELETED()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&labelSelector=app%3Dweb&resourceVersion={server.ResourceVersion}");
        await client.PostJsonAsync(ConfigMaps, ConfigMap("other", labels: """{"app":"db"}"""));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a", labels: """{"app":"web"}"""));
        await client.PatchAsync(ConfigMaps + "/a", """{"metadata":{"labels":{"app":"db"}}}""", "application/merge-patch+json");
        JsonNode added = (await watch.NextAsync())!;
        Assert.Equal(("ADDED", "a"), (added.Str("type"), added.Str("object.metadata.name")));
        JsonNode left = (await watch.NextAsync())!;
        Assert.Equal(("DELETED", "a"), (left.Str("type"), left.Str("object.metadata.name")));
    }

    [Fact]
    public async Task Watching_one_object_by_name_and_the_legacy_watch_path()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"/api/v1/watch/namespaces/default/configmaps/b?resourceVersion={server.ResourceVersion}");
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("b"));
        Assert.Equal("b", (await watch.NextAsync()).Str("object.metadata.name"));
    }

    [Fact]
    public async Task Faults_drop_and_stall_watches()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("b"));

        using (server.Faults.Add(FaultMatch.Watch("configmaps"), Fault.DropWatch(afterEvents: 1), times: 1))
        {
            await using WatchStream dropped = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true");
            Assert.Equal("a", (await dropped.NextAsync()).Str("object.metadata.name"));
            await Assert.ThrowsAnyAsync<IOException>(async () => await dropped.NextAsync());
        }

        server.Faults.Add(FaultMatch.Watch("configmaps"), Fault.StallWatch(afterEvents: 1), times: 1);
        await using WatchStream stalled = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true");
        Assert.Equal("a", (await stalled.NextAsync()).Str("object.metadata.name"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stalled.NextAsync(TimeSpan.FromMilliseconds(500)));

        // DropWatches aborts whatever is open.
        await using WatchStream open = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={server.ResourceVersion}");
        await WaitUntilAsync(() => server.ActiveWatchCount >= 1);
        server.DropWatches();
        await Assert.ThrowsAnyAsync<IOException>(async () => await open.NextAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }
    }
}
