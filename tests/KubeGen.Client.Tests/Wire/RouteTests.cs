using ClientTests.Kube;
using ClientTests.Kube.AppsV1;
using ClientTests.Kube.AutoscalingV1;
using ClientTests.Kube.CoordinationV1;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.MetaV1;
using ClientTests.Kube.StableV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Wire;

/// <summary>The method and path of the generated calls of every kind of resource: namespaced, cluster-scoped, subresources and a CRD.</summary>
public sealed class RouteTests
{
    private static readonly Dictionary<string, Func<KubeClient, CancellationToken, Task>> Calls = new()
    {
        ["pods.get"] = (k, ct) => k.CoreV1.Pods.GetAsync("shop", "web-1", cancellationToken: ct),
        ["pods.list"] = (k, ct) => k.CoreV1.Pods.ListAsync("shop", cancellationToken: ct),
        ["pods.listAll"] = (k, ct) => k.CoreV1.Pods.ListForAllNamespacesAsync(cancellationToken: ct),
        ["pods.create"] = (k, ct) => k.CoreV1.Pods.CreateAsync("shop", new Pod(), cancellationToken: ct),
        ["pods.replace"] = (k, ct) => k.CoreV1.Pods.ReplaceAsync("shop", "web-1", new Pod(), cancellationToken: ct),
        ["pods.patch"] = (k, ct) => k.CoreV1.Pods.PatchAsync("shop", "web-1", KubePatch.Merge("{}"), cancellationToken: ct),
        ["pods.delete"] = (k, ct) => k.CoreV1.Pods.DeleteAsync("shop", "web-1", cancellationToken: ct),
        ["pods.deleteCollection"] = (k, ct) => k.CoreV1.Pods.DeleteCollectionAsync("shop", cancellationToken: ct),
        ["pods.getStatus"] = (k, ct) => k.CoreV1.Pods.GetStatusAsync("shop", "web-1", cancellationToken: ct),
        ["pods.replaceStatus"] = (k, ct) => k.CoreV1.Pods.ReplaceStatusAsync("shop", "web-1", new Pod(), cancellationToken: ct),
        ["pods.patchStatus"] = (k, ct) => k.CoreV1.Pods.PatchStatusAsync("shop", "web-1", KubePatch.Merge("{}"), cancellationToken: ct),
        ["pods.watch"] = (k, ct) => DrainAsync(k.CoreV1.Pods.WatchSingleConnectionAsync("shop", cancellationToken: ct)),
        ["pods.watchAll"] = (k, ct) => DrainAsync(k.CoreV1.Pods.WatchSingleConnectionForAllNamespacesAsync(cancellationToken: ct)),

        ["deployments.get"] = (k, ct) => k.AppsV1.Deployments.GetAsync("shop", "web", cancellationToken: ct),
        ["deployments.listAll"] = (k, ct) => k.AppsV1.Deployments.ListForAllNamespacesAsync(cancellationToken: ct),
        ["deployments.getStatus"] = (k, ct) => k.AppsV1.Deployments.GetStatusAsync("shop", "web", cancellationToken: ct),
        ["deployments.getScale"] = (k, ct) => k.AppsV1.Deployments.GetScaleAsync("shop", "web", cancellationToken: ct),
        ["deployments.replaceScale"] = (k, ct) => k.AppsV1.Deployments.ReplaceScaleAsync("shop", "web", new Scale(), cancellationToken: ct),
        ["deployments.patchScale"] = (k, ct) => k.AppsV1.Deployments.PatchScaleAsync("shop", "web", KubePatch.Merge("{}"), cancellationToken: ct),
        ["deployments.watch"] = (k, ct) => DrainAsync(k.AppsV1.Deployments.WatchSingleConnectionAsync("shop", cancellationToken: ct)),

        ["namespaces.get"] = (k, ct) => k.CoreV1.Namespaces.GetAsync("team-a", cancellationToken: ct),
        ["namespaces.list"] = (k, ct) => k.CoreV1.Namespaces.ListAsync(cancellationToken: ct),
        ["namespaces.create"] = (k, ct) => k.CoreV1.Namespaces.CreateAsync(new Namespace(), cancellationToken: ct),
        ["namespaces.replace"] = (k, ct) => k.CoreV1.Namespaces.ReplaceAsync("team-a", new Namespace(), cancellationToken: ct),
        ["namespaces.patch"] = (k, ct) => k.CoreV1.Namespaces.PatchAsync("team-a", KubePatch.Merge("{}"), cancellationToken: ct),
        ["namespaces.delete"] = (k, ct) => k.CoreV1.Namespaces.DeleteAsync("team-a", cancellationToken: ct),
        ["namespaces.getStatus"] = (k, ct) => k.CoreV1.Namespaces.GetStatusAsync("team-a", cancellationToken: ct),
        ["namespaces.watch"] = (k, ct) => DrainAsync(k.CoreV1.Namespaces.WatchSingleConnectionAsync(cancellationToken: ct)),

        ["crontabs.get"] = (k, ct) => k.StableV1.CronTabs.GetAsync("batch", "nightly", cancellationToken: ct),
        ["crontabs.list"] = (k, ct) => k.StableV1.CronTabs.ListAsync("batch", cancellationToken: ct),
        ["crontabs.listAll"] = (k, ct) => k.StableV1.CronTabs.ListForAllNamespacesAsync(cancellationToken: ct),
        ["crontabs.create"] = (k, ct) => k.StableV1.CronTabs.CreateAsync("batch", new CronTab(), cancellationToken: ct),
        ["crontabs.delete"] = (k, ct) => k.StableV1.CronTabs.DeleteAsync("batch", "nightly", cancellationToken: ct),
        ["crontabs.deleteCollection"] = (k, ct) => k.StableV1.CronTabs.DeleteCollectionAsync("batch", cancellationToken: ct),
        ["crontabs.getStatus"] = (k, ct) => k.StableV1.CronTabs.GetStatusAsync("batch", "nightly", cancellationToken: ct),
        ["crontabs.replaceStatus"] = (k, ct) => k.StableV1.CronTabs.ReplaceStatusAsync("batch", "nightly", new CronTab(), cancellationToken: ct),
        ["crontabs.getScale"] = (k, ct) => k.StableV1.CronTabs.GetScaleAsync("batch", "nightly", cancellationToken: ct),
        ["crontabs.patchScale"] = (k, ct) => k.StableV1.CronTabs.PatchScaleAsync("batch", "nightly", KubePatch.Json("[]"), cancellationToken: ct),
        ["crontabs.watchAll"] = (k, ct) => DrainAsync(k.StableV1.CronTabs.WatchSingleConnectionForAllNamespacesAsync(cancellationToken: ct)),

        ["configmaps.get"] = (k, ct) => k.CoreV1.ConfigMaps.GetAsync("shop", "web-config", cancellationToken: ct),
        ["secrets.get"] = (k, ct) => k.CoreV1.Secrets.GetAsync("shop", "web-tls", cancellationToken: ct),
        ["secrets.listAll"] = (k, ct) => k.CoreV1.Secrets.ListForAllNamespacesAsync(cancellationToken: ct),
        ["leases.replace"] = (k, ct) => k.CoordinationV1.Leases.ReplaceAsync("shop", "leader", new Lease(), cancellationToken: ct),
        ["events.core.get"] = (k, ct) => k.CoreV1.Events.GetAsync("shop", "e1", cancellationToken: ct),
        ["events.events.get"] = (k, ct) => k.EventsV1.Events.GetAsync("shop", "e1", cancellationToken: ct),
    };

    public static TheoryData<string, string, string> Routes => new()
    {
        { "pods.get", "GET", "/api/v1/namespaces/shop/pods/web-1" },
        { "pods.list", "GET", "/api/v1/namespaces/shop/pods" },
        { "pods.listAll", "GET", "/api/v1/pods" },
        { "pods.create", "POST", "/api/v1/namespaces/shop/pods" },
        { "pods.replace", "PUT", "/api/v1/namespaces/shop/pods/web-1" },
        { "pods.patch", "PATCH", "/api/v1/namespaces/shop/pods/web-1" },
        { "pods.delete", "DELETE", "/api/v1/namespaces/shop/pods/web-1" },
        { "pods.deleteCollection", "DELETE", "/api/v1/namespaces/shop/pods" },
        { "pods.getStatus", "GET", "/api/v1/namespaces/shop/pods/web-1/status" },
        { "pods.replaceStatus", "PUT", "/api/v1/namespaces/shop/pods/web-1/status" },
        { "pods.patchStatus", "PATCH", "/api/v1/namespaces/shop/pods/web-1/status" },
        { "pods.watch", "GET", "/api/v1/namespaces/shop/pods?watch=true" },
        { "pods.watchAll", "GET", "/api/v1/pods?watch=true" },

        { "deployments.get", "GET", "/apis/apps/v1/namespaces/shop/deployments/web" },
        { "deployments.listAll", "GET", "/apis/apps/v1/deployments" },
        { "deployments.getStatus", "GET", "/apis/apps/v1/namespaces/shop/deployments/web/status" },
        { "deployments.getScale", "GET", "/apis/apps/v1/namespaces/shop/deployments/web/scale" },
        { "deployments.replaceScale", "PUT", "/apis/apps/v1/namespaces/shop/deployments/web/scale" },
        { "deployments.patchScale", "PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale" },
        { "deployments.watch", "GET", "/apis/apps/v1/namespaces/shop/deployments?watch=true" },

        { "namespaces.get", "GET", "/api/v1/namespaces/team-a" },
        { "namespaces.list", "GET", "/api/v1/namespaces" },
        { "namespaces.create", "POST", "/api/v1/namespaces" },
        { "namespaces.replace", "PUT", "/api/v1/namespaces/team-a" },
        { "namespaces.patch", "PATCH", "/api/v1/namespaces/team-a" },
        { "namespaces.delete", "DELETE", "/api/v1/namespaces/team-a" },
        { "namespaces.getStatus", "GET", "/api/v1/namespaces/team-a/status" },
        { "namespaces.watch", "GET", "/api/v1/namespaces?watch=true" },

        { "crontabs.get", "GET", "/apis/stable.example.com/v1/namespaces/batch/crontabs/nightly" },
        { "crontabs.list", "GET", "/apis/stable.example.com/v1/namespaces/batch/crontabs" },
        { "crontabs.listAll", "GET", "/apis/stable.example.com/v1/crontabs" },
        { "crontabs.create", "POST", "/apis/stable.example.com/v1/namespaces/batch/crontabs" },
        { "crontabs.delete", "DELETE", "/apis/stable.example.com/v1/namespaces/batch/crontabs/nightly" },
        { "crontabs.deleteCollection", "DELETE", "/apis/stable.example.com/v1/namespaces/batch/crontabs" },
        { "crontabs.getStatus", "GET", "/apis/stable.example.com/v1/namespaces/batch/crontabs/nightly/status" },
        { "crontabs.replaceStatus", "PUT", "/apis/stable.example.com/v1/namespaces/batch/crontabs/nightly/status" },
        { "crontabs.getScale", "GET", "/apis/stable.example.com/v1/namespaces/batch/crontabs/nightly/scale" },
        { "crontabs.patchScale", "PATCH", "/apis/stable.example.com/v1/namespaces/batch/crontabs/nightly/scale" },
        { "crontabs.watchAll", "GET", "/apis/stable.example.com/v1/crontabs?watch=true" },

        { "configmaps.get", "GET", "/api/v1/namespaces/shop/configmaps/web-config" },
        { "secrets.get", "GET", "/api/v1/namespaces/shop/secrets/web-tls" },
        { "secrets.listAll", "GET", "/api/v1/secrets" },
        { "leases.replace", "PUT", "/apis/coordination.k8s.io/v1/namespaces/shop/leases/leader" },
        { "events.core.get", "GET", "/api/v1/namespaces/shop/events/e1" },
        { "events.events.get", "GET", "/apis/events.k8s.io/v1/namespaces/shop/events/e1" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task CallGoesToItsPath(string call, string method, string pathAndQuery)
    {
        await using var api = await KubeTestServer.StartAsync();
        bool watch = pathAndQuery.EndsWith("watch=true", StringComparison.Ordinal);
        api.Server.EnqueueText(200, "application/json", watch ? string.Empty : "{}");

        await Calls[call](api.Kube, api.Cancel);

        var request = api.SingleRequest;
        Assert.Equal(method, request.Method);
        Assert.Equal(pathAndQuery, request.PathAndQuery);
        Assert.Equal("Bearer test-token", request.Header("Authorization"));
    }

    [Fact]
    public void EveryCallHasARoute()
        => Assert.Equal(Calls.Keys.Order(StringComparer.Ordinal), Routes.Select(row => row.Data.Item1).Order(StringComparer.Ordinal));

    public static TheoryData<string, string> CreatedBodies => new()
    {
        { "pods.create", """{"apiVersion":"v1","kind":"Pod"}""" },
        { "pods.replace", """{"apiVersion":"v1","kind":"Pod"}""" },
        { "pods.replaceStatus", """{"apiVersion":"v1","kind":"Pod"}""" },
        { "namespaces.create", """{"apiVersion":"v1","kind":"Namespace"}""" },
        { "namespaces.replace", """{"apiVersion":"v1","kind":"Namespace"}""" },
        { "crontabs.create", """{"apiVersion":"stable.example.com/v1","kind":"CronTab"}""" },
        { "crontabs.replaceStatus", """{"apiVersion":"stable.example.com/v1","kind":"CronTab"}""" },
        { "deployments.replaceScale", """{"apiVersion":"autoscaling/v1","kind":"Scale"}""" },
        { "leases.replace", """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease"}""" },
    };

    [Theory]
    [MemberData(nameof(CreatedBodies))]
    public async Task BodiesGetTheirApiVersionAndKind(string call, string expectedBody)
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("{}");

        await Calls[call](api.Kube, api.Cancel);

        Assert.Equal("application/json", api.SingleRequest.Header("Content-Type"));
        JsonAssert.Equivalent(expectedBody, api.SingleRequest.BodyText);
    }

    [Fact]
    public async Task ApiVersionAndKindSetByTheCallerAreKept()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("{}");

        await api.Kube.StableV1.CronTabs.CreateAsync("batch", new CronTab { ApiVersion = "stable.example.com/v1beta1", Kind = "CronTab" }, cancellationToken: api.Cancel);

        JsonAssert.Equivalent("""{"apiVersion":"stable.example.com/v1beta1","kind":"CronTab"}""", api.SingleRequest.BodyText);
    }

    [Fact]
    public async Task DeploymentScaleRoundTrip()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""
            {"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"shop","uid":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f","resourceVersion":"48100","creationTimestamp":"2024-04-20T08:00:00Z"},
             "spec":{"replicas":3},"status":{"replicas":3,"selector":"app=web,tier=frontend"}}
            """);
        api.Reply("""{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"shop","resourceVersion":"48101"},"spec":{"replicas":5},"status":{"replicas":3,"selector":"app=web"}}""");
        api.Reply("""{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"shop","resourceVersion":"48102"},"spec":{"replicas":2},"status":{"replicas":5,"selector":"app=web"}}""");
        var deployments = api.Kube.AppsV1.Deployments;

        Scale scale = await deployments.GetScaleAsync("shop", "web", cancellationToken: api.Cancel);
        Assert.Equal(3, scale.Spec!.Replicas);
        Assert.Equal(3, scale.Status!.Replicas);
        Assert.Equal("app=web,tier=frontend", scale.Status.Selector);

        Scale replaced = await deployments.ReplaceScaleAsync("shop", "web", new Scale { Metadata = new ObjectMeta { Name = "web", Namespace = "shop", ResourceVersion = "48100" }, Spec = new ScaleSpec { Replicas = 5 } }, new() { FieldManager = "autoscaler" }, cancellationToken: api.Cancel);
        Assert.Equal(5, replaced.Spec!.Replicas);

        Scale patched = await deployments.PatchScaleAsync("shop", "web", KubePatch.Merge("""{"spec":{"replicas":2}}"""), cancellationToken: api.Cancel);
        Assert.Equal(("48102", 2), (patched.Metadata!.ResourceVersion, patched.Spec!.Replicas));

        var put = api.Requests[1];
        Assert.Equal(("PUT", "/apis/apps/v1/namespaces/shop/deployments/web/scale?fieldManager=autoscaler"), (put.Method, put.PathAndQuery));
        JsonAssert.Equivalent("""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"shop","resourceVersion":"48100"},"spec":{"replicas":5}}""", put.BodyText);
        var patch = api.Requests[2];
        Assert.Equal(("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale"), (patch.Method, patch.PathAndQuery));
        Assert.Equal("application/merge-patch+json", patch.Header("Content-Type"));
        Assert.Equal("""{"spec":{"replicas":2}}""", patch.BodyText);
    }

    [Fact]
    public async Task ClusterScopedNamespaceVerbs()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","uid":"9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a","labels":{"kubernetes.io/metadata.name":"team-a"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}""", statusCode: 201);
        api.Reply("""{"apiVersion":"v1","kind":"NamespaceList","metadata":{"resourceVersion":"77"},"items":[{"metadata":{"name":"default"},"status":{"phase":"Active"}},{"metadata":{"name":"team-a"},"status":{"phase":"Active"}}]}""");

        Namespace created = await api.Kube.CoreV1.Namespaces.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "team-a", Labels = new Dictionary<string, string> { ["team"] = "a" } } }, new() { FieldManager = "kubegen-tests" }, cancellationToken: api.Cancel);
        NamespaceList list = await api.Kube.CoreV1.Namespaces.ListAsync(new() { LabelSelector = "team", Limit = 10 }, cancellationToken: api.Cancel);

        Assert.Equal(["kubernetes"], created.Spec!.Finalizers!);
        Assert.Equal("Active", created.Status!.Phase);
        Assert.Equal(["default", "team-a"], list.Items.Select(n => n.Metadata!.Name!));
        var post = api.Requests[0];
        Assert.Equal(("POST", "/api/v1/namespaces?fieldManager=kubegen-tests"), (post.Method, post.PathAndQuery));
        JsonAssert.Equivalent("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","labels":{"team":"a"}}}""", post.BodyText);
        Assert.Equal(("GET", "/api/v1/namespaces?labelSelector=team&limit=10"), (api.Requests[1].Method, api.Requests[1].PathAndQuery));
    }

    [Fact]
    public async Task CustomResourceCreateAndStatusPatch()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(Json.Samples.CronTab, statusCode: 201);
        api.Reply(Json.Samples.CronTab);
        var body = new CronTab
        {
            Metadata = new ObjectMeta { Name = "nightly" },
            Spec = new CronTabSpec { CronSpec = "0 3 * * *", Image = "registry.example.com/batch/nightly:2.0", Class = "gold", DnsPolicy = "ClusterFirst", MaxSurge = "50%" },
        };

        CronTab created = await api.Kube.StableV1.CronTabs.CreateAsync("batch", body, new() { FieldValidation = "Strict" }, cancellationToken: api.Cancel);
        CronTab patched = await api.Kube.StableV1.CronTabs.PatchStatusAsync(
            "batch", "nightly", KubePatch.Json("""[{"op":"replace","path":"/status/replicas","value":4}]"""), cancellationToken: api.Cancel);

        Assert.Equal("3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", created.Metadata!.Uid);
        Assert.Equal(3, patched.Status!.Replicas);
        var post = api.Requests[0];
        Assert.Equal(("POST", "/apis/stable.example.com/v1/namespaces/batch/crontabs?fieldValidation=Strict"), (post.Method, post.PathAndQuery));
        JsonAssert.Equivalent(
            """
            {"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"nightly"},
             "spec":{"cronSpec":"0 3 * * *","image":"registry.example.com/batch/nightly:2.0","class":"gold","dns-policy":"ClusterFirst","maxSurge":"50%"}}
            """,
            post.BodyText);
        var patch = api.Requests[1];
        Assert.Equal(("PATCH", "/apis/stable.example.com/v1/namespaces/batch/crontabs/nightly/status"), (patch.Method, patch.PathAndQuery));
        Assert.Equal("application/json-patch+json", patch.Header("Content-Type"));
    }

    private static async Task DrainAsync<T>(IAsyncEnumerable<T> events)
    {
        await foreach (T unused in events)
        {
            Assert.Fail("No event expected: the server sent an empty stream.");
        }
    }
}
