using System.Globalization;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.StableV1;
using KubeGen.Runtime;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.Emulator;

/// <summary>The generated watch calls against the emulator: event order, bookmarks, resume and 410.</summary>
public sealed class EmulatorWatchTests
{
    [Fact]
    public async Task WritesArriveAsAddedModifiedDeletedInOrder()
    {
        await using EmulatorHarness api = await StartAsync();
        var pods = api.Kube.CoreV1.Pods;
        string from = (await pods.ListAsync(Ns, cancellationToken: api.Cancel)).Metadata!.ResourceVersion!;
        await using var watch = new WatchReader<Pod>(ct => pods.WatchSingleConnectionAsync(Ns, new() { ResourceVersion = from }, cancellationToken: ct), api.Cancel);

        Pod created = await pods.CreateAsync(Ns, Pod("web-1"), cancellationToken: api.Cancel);
        Pod patched = await pods.PatchAsync(Ns, "web-1", KubePatch.Merge("""{"metadata":{"labels":{"app":"web"}}}"""), cancellationToken: api.Cancel);
        patched.Spec!.Containers[0].Image = "nginx:1.28";
        Pod replaced = await pods.ReplaceAsync(Ns, "web-1", patched, cancellationToken: api.Cancel);
        await pods.DeleteAsync(Ns, "web-1", cancellationToken: api.Cancel);

        var events = new List<WatchEvent<Pod>>();
        for (int i = 0; i < 4; i++)
        {
            events.Add(await watch.NextChangeAsync());
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("web-1", e.Object.Metadata!.Name));
        Assert.Equal(
            [created.Metadata!.ResourceVersion, patched.Metadata!.ResourceVersion, replaced.Metadata!.ResourceVersion],
            events.Take(3).Select(e => e.Object.Metadata!.ResourceVersion));
        Assert.Equal("web", events[1].Object.Metadata!.Labels!["app"]);
        Assert.Equal("nginx:1.28", events[2].Object.Spec!.Containers[0].Image);
        long[] versions = [.. events.Select(e => long.Parse(e.Object.Metadata!.ResourceVersion!, CultureInfo.InvariantCulture))];
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Length, versions.Distinct().Count());
    }

    [Fact]
    public async Task WithoutAVersionTheWatchStartsWithTheCurrentStateAndSelectorsFilter()
    {
        await using EmulatorHarness api = await StartAsync();
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        await configMaps.CreateAsync(Ns, ConfigMap("a", new Dictionary<string, string> { ["team"] = "x" }), cancellationToken: api.Cancel);
        await configMaps.CreateAsync(Ns, ConfigMap("b", new Dictionary<string, string> { ["team"] = "y" }), cancellationToken: api.Cancel);
        await using var watch = new WatchReader<ConfigMap>(ct => configMaps.WatchSingleConnectionAsync(Ns, new() { LabelSelector = "team=x" }, cancellationToken: ct), api.Cancel);

        WatchEvent<ConfigMap> initial = await watch.NextChangeAsync();
        Assert.Equal((WatchEventType.Added, "a"), (initial.Type, initial.Object.Metadata!.Name));

        // b joins the selection (ADDED), a leaves it (DELETED).
        await configMaps.PatchAsync(Ns, "b", KubePatch.Merge("""{"metadata":{"labels":{"team":"x"}}}"""), cancellationToken: api.Cancel);
        await configMaps.PatchAsync(Ns, "a", KubePatch.Merge("""{"metadata":{"labels":{"team":"z"}}}"""), cancellationToken: api.Cancel);
        WatchEvent<ConfigMap> joined = await watch.NextChangeAsync();
        WatchEvent<ConfigMap> left = await watch.NextChangeAsync();
        Assert.Equal((WatchEventType.Added, "b"), (joined.Type, joined.Object.Metadata!.Name));
        Assert.Equal((WatchEventType.Deleted, "a"), (left.Type, left.Object.Metadata!.Name));
    }

    [Fact]
    public async Task BookmarksCarryTheCurrentVersionWhenAllowed()
    {
        await using EmulatorHarness api = await StartAsync(o => o.BookmarkInterval = TimeSpan.FromMilliseconds(200));
        var cronTabs = api.Kube.StableV1.CronTabs;
        CronTab tab = await cronTabs.CreateAsync(Ns, new CronTab { Metadata = new() { Name = "nightly" }, Spec = new CronTabSpec { CronSpec = "0 3 * * *", Image = "backup:1" } }, cancellationToken: api.Cancel);
        await using var watch = new WatchReader<CronTab>(ct => cronTabs.WatchSingleConnectionAsync(Ns, new() { AllowWatchBookmarks = true, ResourceVersion = tab.Metadata!.ResourceVersion }, cancellationToken: ct), api.Cancel);

        WatchEvent<CronTab> bookmark = (await watch.NextAsync())!;
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal(("stable.example.com/v1", "CronTab"), (bookmark.Object.ApiVersion, bookmark.Object.Kind));
        Assert.Equal(api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture), bookmark.Object.Metadata!.ResourceVersion);
        Assert.Null(bookmark.Object.Spec);

        // Changes come between bookmarks, and later bookmarks move on with the store.
        CronTab changed = await cronTabs.PatchAsync(Ns, "nightly", KubePatch.Merge("""{"spec":{"suspend":true}}"""), cancellationToken: api.Cancel);
        WatchEvent<CronTab> modified = await watch.NextChangeAsync();
        Assert.Equal((WatchEventType.Modified, true), (modified.Type, modified.Object.Spec!.Suspend));
        WatchEvent<CronTab> next = (await watch.NextAsync())!;
        Assert.Equal(WatchEventType.Bookmark, next.Type);
        Assert.True(long.Parse(next.Object.Metadata!.ResourceVersion!, CultureInfo.InvariantCulture) >= long.Parse(changed.Metadata!.ResourceVersion!, CultureInfo.InvariantCulture));

        // Without allowWatchBookmarks there are none.
        await using var plain = new WatchReader<CronTab>(ct => cronTabs.WatchSingleConnectionAsync(Ns, new() { ResourceVersion = changed.Metadata.ResourceVersion, TimeoutSeconds = 1 }, cancellationToken: ct), api.Cancel);
        Assert.Null(await plain.NextAsync());
    }

    [Fact]
    public async Task ResumingFromAVersionReplaysWhatWasMissed()
    {
        await using EmulatorHarness api = await StartAsync();
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        ConfigMap a = await configMaps.CreateAsync(Ns, ConfigMap("a"), cancellationToken: api.Cancel);
        string resumeFrom;
        await using (var first = new WatchReader<ConfigMap>(ct => configMaps.WatchSingleConnectionAsync(Ns, new() { ResourceVersion = a.Metadata!.ResourceVersion }, cancellationToken: ct), api.Cancel))
        {
            await configMaps.CreateAsync(Ns, ConfigMap("b"), cancellationToken: api.Cancel);
            WatchEvent<ConfigMap> seen = await first.NextChangeAsync();
            Assert.Equal("b", seen.Object.Metadata!.Name);
            resumeFrom = seen.Object.Metadata.ResourceVersion!;
        }

        // While nobody watches:
        await configMaps.CreateAsync(Ns, ConfigMap("c"), cancellationToken: api.Cancel);
        await configMaps.PatchAsync(Ns, "a", KubePatch.Merge("""{"data":{"k":"changed"}}"""), cancellationToken: api.Cancel);
        await configMaps.DeleteAsync(Ns, "b", cancellationToken: api.Cancel);

        await using var resumed = new WatchReader<ConfigMap>(ct => configMaps.WatchSingleConnectionAsync(Ns, new() { AllowWatchBookmarks = true, ResourceVersion = resumeFrom }, cancellationToken: ct), api.Cancel);
        var replayed = new List<(WatchEventType, string)>();
        for (int i = 0; i < 3; i++)
        {
            WatchEvent<ConfigMap> e = await resumed.NextChangeAsync();
            replayed.Add((e.Type, e.Object.Metadata!.Name!));
        }

        Assert.Equal([(WatchEventType.Added, "c"), (WatchEventType.Modified, "a"), (WatchEventType.Deleted, "b")], replayed);
    }

    [Fact]
    public async Task ResumingFromAVersionOlderThanTheHistoryIsGone()
    {
        await using EmulatorHarness api = await StartAsync(o => o.HistoryWindow = 3);
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        string old = (await configMaps.CreateAsync(Ns, ConfigMap("a"), cancellationToken: api.Cancel)).Metadata!.ResourceVersion!;
        for (int i = 0; i < 5; i++)
        {
            await configMaps.CreateAsync(Ns, ConfigMap($"x{i}"), cancellationToken: api.Cancel);
        }

        var received = new List<WatchEvent<ConfigMap>>();
        var error = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (WatchEvent<ConfigMap> e in configMaps.WatchSingleConnectionAsync(Ns, new() { AllowWatchBookmarks = true, ResourceVersion = old }, cancellationToken: api.Cancel))
            {
                received.Add(e);
            }
        });

        Assert.Empty(received);
        Assert.True(error.IsGone);
        Assert.Equal(("Expired", 410), (error.Status.Reason, error.Status.Code));
        Assert.Matches($"^too old resource version: {old} \\(\\d+\\)$", error.Status.Message);

        // Relisting gives a version the watch can start from.
        string fresh = (await configMaps.ListAsync(Ns, cancellationToken: api.Cancel)).Metadata!.ResourceVersion!;
        await using var watch = new WatchReader<ConfigMap>(ct => configMaps.WatchSingleConnectionAsync(Ns, new() { ResourceVersion = fresh }, cancellationToken: ct), api.Cancel);
        await configMaps.CreateAsync(Ns, ConfigMap("after"), cancellationToken: api.Cancel);
        Assert.Equal("after", (await watch.NextChangeAsync()).Object.Metadata!.Name);
    }

    [Fact]
    public async Task SendInitialEventsEndsTheInitialStateWithAnAnnotatedBookmark()
    {
        await using EmulatorHarness api = await StartAsync();
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        await configMaps.CreateAsync(Ns, ConfigMap("a"), cancellationToken: api.Cancel);
        await configMaps.CreateAsync(Ns, ConfigMap("b"), cancellationToken: api.Cancel);
        await using var watch = new WatchReader<ConfigMap>(ct => configMaps.WatchSingleConnectionAsync(Ns, new() { AllowWatchBookmarks = true, ResourceVersionMatch = "NotOlderThan", SendInitialEvents = true }, cancellationToken: ct), api.Cancel);

        WatchEvent<ConfigMap> first = (await watch.NextAsync())!;
        WatchEvent<ConfigMap> second = (await watch.NextAsync())!;
        WatchEvent<ConfigMap> end = (await watch.NextAsync())!;
        Assert.Equal([(WatchEventType.Added, "a"), (WatchEventType.Added, "b")], new[] { first, second }.Select(e => (e.Type, e.Object.Metadata!.Name!)));
        Assert.Equal(WatchEventType.Bookmark, end.Type);
        Assert.Equal("true", end.Object.Metadata!.Annotations!["k8s.io/initial-events-end"]);

        await configMaps.DeleteAsync(Ns, "a", cancellationToken: api.Cancel);
        Assert.Equal((WatchEventType.Deleted, "a"), ((await watch.NextChangeAsync()).Type, "a"));

        // sendInitialEvents without resourceVersionMatch=NotOlderThan is refused before the stream starts.
        var invalid = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var unused in configMaps.WatchSingleConnectionAsync(Ns, new() { AllowWatchBookmarks = true, SendInitialEvents = true }, cancellationToken: api.Cancel))
            {
            }
        });
        Assert.True(invalid.IsInvalid);
    }

    [Fact]
    public async Task WatchingOneObjectByName()
    {
        await using EmulatorHarness api = await StartAsync();
        var pods = api.Kube.CoreV1.Pods;
        string from = api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        await using var watch = new WatchReader<Pod>(ct => pods.WatchSingleConnectionAsync(Ns, new() { FieldSelector = "metadata.name=web-2", ResourceVersion = from }, cancellationToken: ct), api.Cancel);

        await pods.CreateAsync(Ns, Pod("web-1"), cancellationToken: api.Cancel);
        await pods.CreateAsync(Ns, Pod("web-2"), cancellationToken: api.Cancel);
        await pods.PatchAsync(Ns, "web-1", KubePatch.Merge("""{"metadata":{"labels":{"x":"1"}}}"""), cancellationToken: api.Cancel);
        await pods.PatchAsync(Ns, "web-2", KubePatch.Merge("""{"metadata":{"labels":{"x":"2"}}}"""), cancellationToken: api.Cancel);

        WatchEvent<Pod> added = await watch.NextChangeAsync();
        WatchEvent<Pod> modified = await watch.NextChangeAsync();
        Assert.Equal((WatchEventType.Added, "web-2"), (added.Type, added.Object.Metadata!.Name));
        Assert.Equal((WatchEventType.Modified, "2"), (modified.Type, modified.Object.Metadata!.Labels!["x"]));
    }

    [Fact]
    public async Task InjectedFaultsReachTheClientAsTheRuntimeDocumentsThem()
    {
        await using EmulatorHarness api = await StartAsync();
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        await configMaps.CreateAsync(Ns, ConfigMap("a"), cancellationToken: api.Cancel);

        // 429 with Retry-After on a GET is retried by the connection.
        api.Server.Faults.Add(new KubeGen.Testing.FaultMatch { Verb = "list", Resource = "configmaps" }, KubeGen.Testing.Fault.TooManyRequests(retryAfterSeconds: 1), times: 1);
        Assert.Single((await configMaps.ListAsync(Ns, cancellationToken: api.Cancel)).Items);
        Assert.Equal(1, api.Server.Faults.AppliedCount);

        // A 500 on a write is not retried: it surfaces with the injected Status.
        api.Server.Faults.Add(new KubeGen.Testing.FaultMatch { Verb = "create", Resource = "configmaps" }, KubeGen.Testing.Fault.InternalError("boom"), times: 1);
        var error = await Assert.ThrowsAsync<KubeApiException>(() => configMaps.CreateAsync(Ns, ConfigMap("b"), cancellationToken: api.Cancel));
        Assert.Equal((System.Net.HttpStatusCode.InternalServerError, "InternalError", "Internal error occurred: boom"), (error.StatusCode, error.Status.Reason, error.Status.Message));

        // A dropped watch ends the enumeration with an error right after the events sent before it
        // (even when no further change would come), and a drop before any event as well.
        foreach (int afterEvents in new[] { 1, 0 })
        {
            api.Server.Faults.Add(KubeGen.Testing.FaultMatch.Watch("configmaps"), KubeGen.Testing.Fault.DropWatch(afterEvents), times: 1);
            var seen = new List<string>();
            var started = System.Diagnostics.Stopwatch.StartNew();
            Exception broken = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await foreach (WatchEvent<ConfigMap> e in configMaps.WatchSingleConnectionAsync(Ns, cancellationToken: api.Cancel))
                {
                    seen.Add(e.Object.Metadata!.Name!);
                }
            });
            Assert.False(broken is OperationCanceledException, broken.ToString());
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"the drop took {started.Elapsed}");
            Assert.Equal(afterEvents == 1 ? ["a"] : [], seen);
        }
    }

    [Fact]
    public async Task TimeoutSecondsEndsTheEnumeration()
    {
        await using EmulatorHarness api = await StartAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        int count = 0;
        await foreach (var unused in api.Kube.CoreV1.Secrets.WatchSingleConnectionAsync(Ns, new() { ResourceVersion = api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture), TimeoutSeconds = 1 }, cancellationToken: api.Cancel))
        {
            count++;
        }

        Assert.Equal(0, count);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(30));
    }
}
