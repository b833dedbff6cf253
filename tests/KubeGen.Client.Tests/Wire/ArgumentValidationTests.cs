using ClientTests.Kube.AutoscalingV1;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.MetaV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Wire;

/// <summary>
/// Names and namespaces become path segments: values that could address another path are rejected
/// before anything is sent.
/// </summary>
public sealed class ArgumentValidationTests
{
    public static TheoryData<string> BadSegments => ["", " ", ".", "..", "../secrets", "a/b", "a%2fb", "%2e%2e"];

    [Theory]
    [MemberData(nameof(BadSegments))]
    public async Task BadNamesAreRejectedBeforeAnyRequest(string name)
    {
        await using var api = await KubeTestServer.StartAsync();
        var pods = api.Kube.CoreV1.Pods;
        var pod = new Pod();
        var merge = KubePatch.Merge("{}");
        CancellationToken ct = api.Cancel;

        Func<Task>[] calls =
        [
            () => pods.GetAsync("shop", name, cancellationToken: ct),
            () => pods.ReplaceAsync("shop", name, pod, cancellationToken: ct),
            () => pods.PatchAsync("shop", name, merge, cancellationToken: ct),
            () => pods.DeleteAsync("shop", name, cancellationToken: ct),
            () => pods.GetStatusAsync("shop", name, cancellationToken: ct),
            () => pods.ReplaceStatusAsync("shop", name, pod, cancellationToken: ct),
            () => pods.PatchStatusAsync("shop", name, merge, cancellationToken: ct),
            () => api.Kube.CoreV1.Namespaces.GetAsync(name, cancellationToken: ct),
            () => api.Kube.CoreV1.Namespaces.DeleteAsync(name, cancellationToken: ct),
            () => api.Kube.CoreV1.Secrets.GetAsync("shop", name, cancellationToken: ct),
            () => api.Kube.AppsV1.Deployments.GetScaleAsync("shop", name, cancellationToken: ct),
            () => api.Kube.AppsV1.Deployments.ReplaceScaleAsync("shop", name, new Scale(), cancellationToken: ct),
            () => api.Kube.StableV1.CronTabs.PatchStatusAsync("batch", name, merge, cancellationToken: ct),
        ];

        foreach (Func<Task> call in calls)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(call);
            Assert.Equal("name", error.ParamName);
        }

        await AssertNothingSentThenAValidCallWorksAsync(api);
    }

    [Theory]
    [MemberData(nameof(BadSegments))]
    public async Task BadNamespacesAreRejectedBeforeAnyRequest(string ns)
    {
        await using var api = await KubeTestServer.StartAsync();
        var pods = api.Kube.CoreV1.Pods;
        CancellationToken ct = api.Cancel;

        Func<Task>[] calls =
        [
            () => pods.GetAsync(ns, "web-1", cancellationToken: ct),
            () => pods.ListAsync(ns, cancellationToken: ct),
            () => pods.CreateAsync(ns, new Pod(), cancellationToken: ct),
            () => pods.DeleteCollectionAsync(ns, cancellationToken: ct),
            () => EnumerateAsync(pods.WatchAsync(ns, cancellationToken: ct)),
            () => api.Kube.AppsV1.Deployments.PatchScaleAsync(ns, "web", KubePatch.Merge("{}"), cancellationToken: ct),
            () => api.Kube.StableV1.CronTabs.ListAsync(ns, cancellationToken: ct),
            () => api.Kube.CoordinationV1.Leases.GetAsync(ns, "leader", cancellationToken: ct),
        ];

        foreach (Func<Task> call in calls)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(call);
            Assert.Equal("namespace", error.ParamName);
        }

        await AssertNothingSentThenAValidCallWorksAsync(api);
    }

    [Fact]
    public async Task NullNamespaceAndNameAreRejectedBeforeAnyRequest()
    {
        await using var api = await KubeTestServer.StartAsync();
        var pods = api.Kube.CoreV1.Pods;
        CancellationToken ct = api.Cancel;

        Assert.Equal("namespace", (await Assert.ThrowsAsync<ArgumentNullException>(() => pods.GetAsync(null!, "web-1", cancellationToken: ct))).ParamName);
        Assert.Equal("namespace", (await Assert.ThrowsAsync<ArgumentNullException>(() => pods.ListAsync(null!, cancellationToken: ct))).ParamName);
        Assert.Equal("namespace", (await Assert.ThrowsAsync<ArgumentNullException>(() => pods.CreateAsync(null!, new Pod(), cancellationToken: ct))).ParamName);
        Assert.Equal("namespace", (await Assert.ThrowsAsync<ArgumentNullException>(() => EnumerateAsync(pods.WatchAsync(null!, cancellationToken: ct)))).ParamName);
        Assert.Equal("name", (await Assert.ThrowsAsync<ArgumentNullException>(() => pods.GetAsync("shop", null!, cancellationToken: ct))).ParamName);
        Assert.Equal("name", (await Assert.ThrowsAsync<ArgumentNullException>(() => api.Kube.CoreV1.Namespaces.GetAsync(null!, cancellationToken: ct))).ParamName);
        Assert.Equal("body", (await Assert.ThrowsAsync<ArgumentNullException>(() => pods.CreateAsync("shop", null!, cancellationToken: ct))).ParamName);
        Assert.Equal("body", (await Assert.ThrowsAsync<ArgumentNullException>(() => pods.ReplaceAsync("shop", "web-1", null!, cancellationToken: ct))).ParamName);
        Assert.Equal("patch", (await Assert.ThrowsAsync<ArgumentNullException>(() => pods.PatchAsync("shop", "web-1", null!, cancellationToken: ct))).ParamName);

        await AssertNothingSentThenAValidCallWorksAsync(api);
    }

    [Fact]
    public async Task NamesWithCharactersThatNeedEscapingStayOneSegment()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(PodVerbTests.PodJson);
        api.Reply(PodVerbTests.PodJson);

        // Not valid Kubernetes names, but harmless as one escaped segment: the server answers 404/400 for them.
        await api.Kube.CoreV1.Pods.GetAsync("shop", "a b?c#d", cancellationToken: api.Cancel);
        await api.Kube.CoreV1.Pods.GetAsync("shop", "...", cancellationToken: api.Cancel);

        Assert.Equal("/api/v1/namespaces/shop/pods/a%20b%3Fc%23d", api.Requests[0].PathAndQuery);
        Assert.Equal("/api/v1/namespaces/shop/pods/...", api.Requests[1].PathAndQuery);
    }

    private static async Task AssertNothingSentThenAValidCallWorksAsync(KubeTestServer api)
    {
        Assert.Empty(api.Requests);

        // The server is reachable and records requests: only this one arrives.
        api.Reply(PodVerbTests.PodJson);
        await api.Kube.CoreV1.Pods.GetAsync("shop", "web-1", cancellationToken: api.Cancel);
        Assert.Equal("/api/v1/namespaces/shop/pods/web-1", api.SingleRequest.PathAndQuery);
    }

    private static async Task EnumerateAsync<T>(IAsyncEnumerable<T> sequence)
    {
        await foreach (T unused in sequence)
        {
        }
    }
}
