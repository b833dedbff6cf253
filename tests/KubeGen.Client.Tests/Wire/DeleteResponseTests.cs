using KubeGen.Client.Tests.Infrastructure;

namespace KubeGen.Client.Tests.Wire;

/// <summary>
/// kube-apiserver answers a DELETE with a Status only when the object is gone at once. When deletion waits
/// (finalizers, foreground propagation, a Namespace's termination), it answers 200 with the object itself,
/// although the OpenAPI spec declares Status for these operations. DeleteAsync returns the object
/// while deletion is pending and null once the object is gone.
/// </summary>
public sealed class DeleteResponseTests
{
    [Fact]
    public async Task DeleteAnsweredWithStatusReturnsNull()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web","group":"apps","kind":"deployments","uid":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}}""");

        var pending = await api.Kube.AppsV1.Deployments.DeleteAsync("shop", "web", cancellationToken: api.Cancel);

        Assert.Null(pending);
        Assert.Equal(("DELETE", "/apis/apps/v1/namespaces/shop/deployments/web"), (api.SingleRequest.Method, api.SingleRequest.PathAndQuery));
    }

    [Fact]
    public async Task ForegroundDeleteOfADeploymentSucceeds()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"shop","uid":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f","resourceVersion":"48200",
                         "deletionTimestamp":"2024-05-01T11:00:00Z","deletionGracePeriodSeconds":0,"finalizers":["foregroundDeletion"]},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}},
             "status":{"replicas":3,"readyReplicas":3}}
            """);

        var pending = await api.Kube.AppsV1.Deployments.DeleteAsync("shop", "web", new() { PropagationPolicy = "Foreground" }, cancellationToken: api.Cancel);

        Assert.NotNull(pending);
        Assert.Equal(("web", "foregroundDeletion", 3), (pending.Metadata!.Name, pending.Metadata.Finalizers!.Single(), pending.Spec!.Replicas));
        Assert.Equal("/apis/apps/v1/namespaces/shop/deployments/web", api.SingleRequest.PathAndQuery);
        JsonAssert.Equivalent("""{"propagationPolicy":"Foreground"}""", api.SingleRequest.BodyText);
    }

    [Fact]
    public async Task DeleteOfANamespaceSucceeds()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""
            {"kind":"Namespace","apiVersion":"v1",
             "metadata":{"name":"team-a","uid":"9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a","resourceVersion":"5000","creationTimestamp":"2024-04-20T08:00:00Z",
                         "deletionTimestamp":"2024-05-01T11:00:00Z","labels":{"kubernetes.io/metadata.name":"team-a"}},
             "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Terminating"}}
            """);

        var pending = await api.Kube.CoreV1.Namespaces.DeleteAsync("team-a", cancellationToken: api.Cancel);

        Assert.Equal(("team-a", "Terminating"), (pending?.Metadata?.Name, pending?.Status?.Phase));
        Assert.Equal(("DELETE", "/api/v1/namespaces/team-a"), (api.SingleRequest.Method, api.SingleRequest.PathAndQuery));
    }

    [Fact]
    public async Task DeleteOfACustomResourceWithFinalizersSucceeds()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""
            {"apiVersion":"stable.example.com/v1","kind":"CronTab",
             "metadata":{"name":"nightly","namespace":"batch","deletionTimestamp":"2024-05-01T11:00:00Z","finalizers":["stable.example.com/cleanup"]},
             "spec":{"cronSpec":"0 3 * * *","image":"i"},"status":{"replicas":1}}
            """);

        var pending = await api.Kube.StableV1.CronTabs.DeleteAsync("batch", "nightly", cancellationToken: api.Cancel);

        Assert.Equal(("nightly", "stable.example.com/cleanup"), (pending?.Metadata?.Name, pending?.Metadata?.Finalizers?.Single()));
    }
}
