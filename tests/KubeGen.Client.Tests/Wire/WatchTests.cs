using ClientTests.Kube.CoreV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Client.Tests.Wire;

/// <summary>Watches through the generated clients against a server that streams watch events.</summary>
public sealed class WatchTests
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task WatchYieldsTypedEventsInOrder()
    {
        await using var api = await KubeTestServer.StartAsync();
        string modified = """{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","resourceVersion":"102","labels":{"app":"web"}},"status":{"phase":"Running","podIP":"10.244.1.17"}}}""";
        api.Server.Enqueue(LoopbackServer.Stream(
            [
                """{"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","resourceVersion":"101"},"status":{"phase":"Pending"}}}""" + "\n",
                modified[..40],
                modified[40..] + "\n",
                """{"type":"DELETED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","resourceVersion":"103","deletionTimestamp":"2024-05-01T11:00:00Z"},"status":{"phase":"Succeeded"}}}""" + "\n",
                """{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"104","annotations":{"k8s.io/initial-events-end":"true"}}}}""" + "\n",
            ],
            Pause));

        var events = new List<WatchEvent<Pod>>();
        await foreach (WatchEvent<Pod> e in api.Kube.CoreV1.Pods.WatchSingleConnectionAsync("shop", new() { AllowWatchBookmarks = true, FieldSelector = "spec.nodeName=node-1", LabelSelector = "app=web", ResourceVersion = "100", ResourceVersionMatch = "NotOlderThan", SendInitialEvents = true, TimeoutSeconds = 60 }, cancellationToken: api.Cancel))
        {
            events.Add(e);
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted, WatchEventType.Bookmark], events.Select(e => e.Type));
        Assert.Equal(["101", "102", "103", "104"], events.Select(e => e.Object.Metadata!.ResourceVersion!));
        Assert.Equal(["web-1", "web-1", "web-1"], events.Take(3).Select(e => e.Object.Metadata!.Name!));
        Assert.Equal(["Pending", "Running", "Succeeded"], events.Take(3).Select(e => e.Object.Status!.Phase!));
        Assert.Equal("10.244.1.17", events[1].Object.Status!.PodIP);
        Assert.Equal("web", events[1].Object.Metadata!.Labels!["app"]);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 11, 0, 0, TimeSpan.Zero), events[2].Object.Metadata!.DeletionTimestamp);
        Assert.Null(events[3].Object.Metadata!.Name);
        Assert.Equal("true", events[3].Object.Metadata!.Annotations!["k8s.io/initial-events-end"]);

        var request = api.SingleRequest;
        Assert.Equal("GET", request.Method);
        Assert.Equal(
            "/api/v1/namespaces/shop/pods?allowWatchBookmarks=true&fieldSelector=spec.nodeName%3Dnode-1&labelSelector=app%3Dweb"
            + "&resourceVersion=100&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=60&watch=true",
            request.PathAndQuery);
        Assert.Equal("Bearer test-token", request.Header("Authorization"));
    }

    [Fact]
    public async Task WatchForAllNamespacesUsesTheClusterPath()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Server.Enqueue(LoopbackServer.Stream(
            [
                """{"type":"ADDED","object":{"metadata":{"name":"a","namespace":"x"}}}""" + "\n",
                """{"type":"ADDED","object":{"metadata":{"name":"b","namespace":"y"}}}""",
            ],
            Pause));

        var names = new List<string>();
        await foreach (WatchEvent<Pod> e in api.Kube.CoreV1.Pods.WatchSingleConnectionForAllNamespacesAsync(cancellationToken: api.Cancel))
        {
            names.Add(e.Object.Metadata!.Namespace + "/" + e.Object.Metadata.Name);
        }

        Assert.Equal(["x/a", "y/b"], names);
        Assert.Equal("/api/v1/pods?watch=true", api.SingleRequest.PathAndQuery);
    }

    [Fact]
    public async Task ErrorEventWithGoneStatusThrowsAfterTheEarlierEvents()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Server.Enqueue(LoopbackServer.Stream(
            [
                """{"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","resourceVersion":"101"}}}""" + "\n",
                """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 100 (48000)","reason":"Expired","code":410}}""" + "\n",
                """{"type":"ADDED","object":{"metadata":{"name":"never-read"}}}""" + "\n",
            ],
            Pause));

        var names = new List<string>();
        var error = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (WatchEvent<Pod> e in api.Kube.CoreV1.Pods.WatchSingleConnectionAsync("shop", new() { ResourceVersion = "100" }, cancellationToken: api.Cancel))
            {
                names.Add(e.Object.Metadata!.Name!);
            }
        });

        Assert.Equal(["web-1"], names);
        Assert.True(error.IsGone);
        Assert.False(error.IsNotFound);
        Assert.Equal(410, error.Status.Code);
        Assert.Equal(System.Net.HttpStatusCode.Gone, error.StatusCode);
        Assert.Equal("Expired", error.Status.Reason);
        Assert.Equal("too old resource version: 100 (48000)", error.Status.Message);
    }

    [Fact]
    public async Task RefusedWatchThrowsTheServersStatus()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.ReplyStatus(403, "Forbidden", "pods is forbidden: User \"system:serviceaccount:shop:web\" cannot watch resource \"pods\" in API group \"\" in the namespace \"kube-system\"");

        var error = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (WatchEvent<Pod> unused in api.Kube.CoreV1.Pods.WatchSingleConnectionAsync("kube-system", cancellationToken: api.Cancel))
            {
                Assert.Fail("No event expected.");
            }
        });

        Assert.True(error.IsForbidden);
        Assert.Equal(403, error.Status.Code);
        Assert.StartsWith("pods is forbidden", error.Status.Message, StringComparison.Ordinal);
        Assert.Equal("/api/v1/namespaces/kube-system/pods?watch=true", api.SingleRequest.PathAndQuery);
    }

    [Fact]
    public async Task CustomResourceWatchUsesTheListPathWithWatchTrue()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Server.Enqueue(LoopbackServer.Stream(
            [
                """{"type":"ADDED","object":{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"nightly"},"spec":{"cronSpec":"0 3 * * *","image":"i","config":{"a":[1]}}}}""" + "\n",
            ],
            Pause));

        var events = new List<WatchEvent<ClientTests.Kube.StableV1.CronTab>>();
        await foreach (var e in api.Kube.StableV1.CronTabs.WatchSingleConnectionAsync("batch", new() { LabelSelector = "job=nightly" }, cancellationToken: api.Cancel))
        {
            events.Add(e);
        }

        var added = Assert.Single(events);
        Assert.Equal(WatchEventType.Added, added.Type);
        Assert.Equal("0 3 * * *", added.Object.Spec!.CronSpec);
        Assert.Equal("""{"a":[1]}""", added.Object.Spec.Config!.Value.GetRawText());
        Assert.Equal("/apis/stable.example.com/v1/namespaces/batch/crontabs?labelSelector=job%3Dnightly&watch=true", api.SingleRequest.PathAndQuery);
    }
}
