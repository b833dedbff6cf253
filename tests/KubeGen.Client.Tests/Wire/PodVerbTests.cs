using System.Text;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.MetaV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Wire;

/// <summary>Every generated verb of the pods client, checked on the wire: method, path, query, headers and body.</summary>
public sealed class PodVerbTests
{
    internal const string PodJson = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"6f0b3c1e-2a44-4d55-9a8e-1b2c3d4e5f60","resourceVersion":"48213"},
         "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]},"status":{"phase":"Running","podIP":"10.244.1.17"}}
        """;

    private const string Uid = "6f0b3c1e-2a44-4d55-9a8e-1b2c3d4e5f60";

    [Fact]
    public async Task GetSendsAnAuthenticatedGetToTheObjectPath()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(PodJson);

        Pod pod = await api.Kube.CoreV1.Pods.GetAsync("shop", "web-1", cancellationToken: api.Cancel);

        Assert.Equal(("web-1", "48213", "Running"), (pod.Metadata!.Name, pod.Metadata.ResourceVersion, pod.Status!.Phase));
        Assert.Equal("nginx:1.27", pod.Spec!.Containers[0].Image);
        var request = api.SingleRequest;
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/namespaces/shop/pods/web-1", request.PathAndQuery);
        Assert.Equal("Bearer test-token", request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Null(request.Header("Content-Type"));
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task ListSendsEveryQueryParameterEscaped()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""
            {"apiVersion":"v1","kind":"PodList","metadata":{"resourceVersion":"48213","continue":"next-page","remainingItemCount":3},
             "items":[{"metadata":{"name":"a"},"status":{"phase":"Running"}},{"metadata":{"name":"b"},"status":{"phase":"Pending"}}]}
            """);
        const string continueToken = "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTN9/+==";

        PodList list = await api.Kube.CoreV1.Pods.ListAsync("shop", new() { Continue = continueToken, FieldSelector = "status.phase=Running,spec.nodeName!=node-2", LabelSelector = "app in (a,b)", Limit = 2, ResourceVersion = "48213", ResourceVersionMatch = "NotOlderThan", TimeoutSeconds = 30 }, cancellationToken: api.Cancel);

        Assert.Equal(["a", "b"], list.Items.Select(p => p.Metadata!.Name!));
        Assert.Equal(["Running", "Pending"], list.Items.Select(p => p.Status!.Phase!));
        Assert.Equal(("next-page", 3L, "48213"), (list.Metadata!.Continue, list.Metadata.RemainingItemCount, list.Metadata.ResourceVersion));

        var request = api.SingleRequest;
        Assert.Equal("GET", request.Method);
        Assert.Equal(
            "/api/v1/namespaces/shop/pods"
            + "?continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTN9%2F%2B%3D%3D"
            + "&fieldSelector=status.phase%3DRunning%2Cspec.nodeName%21%3Dnode-2"
            + "&labelSelector=app%20in%20%28a%2Cb%29"
            + "&limit=2&resourceVersion=48213&resourceVersionMatch=NotOlderThan&timeoutSeconds=30",
            request.PathAndQuery);
        Assert.Equal(
            [
                new("continue", continueToken),
                new("fieldSelector", "status.phase=Running,spec.nodeName!=node-2"),
                new("labelSelector", "app in (a,b)"),
                new("limit", "2"),
                new("resourceVersion", "48213"),
                new("resourceVersionMatch", "NotOlderThan"),
                new("timeoutSeconds", "30"),
            ],
            request.Parameters());
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task ListWithoutOptionsSendsNoQuery()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""{"apiVersion":"v1","kind":"PodList","metadata":{},"items":[]}""");

        PodList list = await api.Kube.CoreV1.Pods.ListAsync("shop", cancellationToken: api.Cancel);

        Assert.Empty(list.Items);
        Assert.Equal("/api/v1/namespaces/shop/pods", api.SingleRequest.PathAndQuery);
    }

    [Fact]
    public async Task ListForAllNamespacesUsesTheClusterPath()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""{"apiVersion":"v1","kind":"PodList","metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"a","namespace":"x"}},{"metadata":{"name":"b","namespace":"y"}}]}""");

        PodList list = await api.Kube.CoreV1.Pods.ListForAllNamespacesAsync(new() { LabelSelector = "app=web", Limit = 500 }, cancellationToken: api.Cancel);

        Assert.Equal(["x", "y"], list.Items.Select(p => p.Metadata!.Namespace!));
        Assert.Equal(("GET", "/api/v1/pods?labelSelector=app%3Dweb&limit=500"), (api.SingleRequest.Method, api.SingleRequest.PathAndQuery));
    }

    [Fact]
    public async Task CreatePostsTheBodyWithApiVersionAndKindFilledIn()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(PodJson, statusCode: 201);
        var body = new Pod
        {
            Metadata = new ObjectMeta { Name = "web-1", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:1.27", Ports = [new ContainerPort { ContainerPortValue = 80 }] }] },
        };

        Pod created = await api.Kube.CoreV1.Pods.CreateAsync("shop", body, new() { DryRun = "All", FieldManager = "kubegen-tests", FieldValidation = "Strict" }, cancellationToken: api.Cancel);

        Assert.Equal(Uid, created.Metadata!.Uid);
        var request = api.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/namespaces/shop/pods?dryRun=All&fieldManager=kubegen-tests&fieldValidation=Strict", request.PathAndQuery);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("Bearer test-token", request.Header("Authorization"));
        JsonAssert.Equivalent(
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","labels":{"app":"web"}},
             "spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}
            """,
            request.BodyText);
    }

    [Fact]
    public async Task ReplacePutsTheWholeObject()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(PodJson);
        var body = new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = "web-1", Namespace = "shop", ResourceVersion = "48213", Annotations = new Dictionary<string, string> { ["note"] = "a \"quoted\" value & more" } },
            Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:1.28" }] },
        };

        Pod replaced = await api.Kube.CoreV1.Pods.ReplaceAsync("shop", "web-1", body, new() { FieldManager = "kubegen-tests" }, cancellationToken: api.Cancel);

        Assert.Equal("web-1", replaced.Metadata!.Name);
        var request = api.SingleRequest;
        Assert.Equal(("PUT", "/api/v1/namespaces/shop/pods/web-1?fieldManager=kubegen-tests"), (request.Method, request.PathAndQuery));
        Assert.Equal("application/json", request.Header("Content-Type"));
        JsonAssert.Equivalent(
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","resourceVersion":"48213","annotations":{"note":"a \"quoted\" value & more"}},
             "spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}
            """,
            request.BodyText);
    }

    public static TheoryData<string, string, string> Patches => new()
    {
        { "json", "application/json-patch+json", """[{"op":"replace","path":"/metadata/labels/app","value":"api"},{"op":"remove","path":"/metadata/annotations/a~1b"}]""" },
        { "merge", "application/merge-patch+json", """{"metadata":{"labels":{"app":"api","old":null}}}""" },
        { "strategic", "application/strategic-merge-patch+json", """{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}""" },
        { "apply", "application/apply-patch+yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  labels:\n    app: api\n" },
    };

    [Theory]
    [MemberData(nameof(Patches))]
    public async Task PatchSendsEachPatchTypeWithItsContentType(string type, string contentType, string text)
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(PodJson);
        api.Reply(PodJson);
        KubePatch patch = CreatePatch(type, text);
        bool apply = type == "apply";

        Pod patched = await api.Kube.CoreV1.Pods.PatchAsync("shop", "web-1", patch, new() { DryRun = "All", FieldManager = "kubegen-tests", Force = apply ? true : null }, cancellationToken: api.Cancel);
        Pod statusPatched = await api.Kube.CoreV1.Pods.PatchStatusAsync("shop", "web-1", patch, new() { FieldManager = "kubegen-tests", FieldValidation = "Strict" }, cancellationToken: api.Cancel);

        Assert.Equal("web-1", patched.Metadata!.Name);
        Assert.Equal("Running", statusPatched.Status!.Phase);
        Assert.Equal(2, api.Requests.Count);
        var request = api.Requests[0];
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/api/v1/namespaces/shop/pods/web-1?dryRun=All&fieldManager=kubegen-tests" + (apply ? "&force=true" : ""), request.PathAndQuery);
        Assert.Equal(contentType, request.Header("Content-Type"));
        Assert.Equal("Bearer test-token", request.Header("Authorization"));
        Assert.Equal(text, request.BodyText);
        var status = api.Requests[1];
        Assert.Equal(("PATCH", "/api/v1/namespaces/shop/pods/web-1/status?fieldManager=kubegen-tests&fieldValidation=Strict"), (status.Method, status.PathAndQuery));
        Assert.Equal(contentType, status.Header("Content-Type"));
        Assert.Equal(Encoding.UTF8.GetBytes(text), status.Body);
    }

    [Fact]
    public async Task TypedMergePatchSendsTheSerializedObject()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(PodJson);
        var patch = KubePatch.Merge(new Pod { Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "api" } } }, Pod.JsonTypeInfo);

        await api.Kube.CoreV1.Pods.PatchAsync("shop", "web-1", patch, cancellationToken: api.Cancel);

        Assert.Equal("application/merge-patch+json", api.SingleRequest.Header("Content-Type"));
        JsonAssert.Equivalent("""{"metadata":{"labels":{"app":"api"}}}""", api.SingleRequest.BodyText);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ServerSideApplyWithoutFieldManagerIsRejectedBeforeAnyRequest(string? fieldManager)
    {
        await using var api = await KubeTestServer.StartAsync();
        var apply = KubePatch.Apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => api.Kube.CoreV1.Pods.PatchAsync("shop", "web-1", apply, new() { FieldManager = fieldManager, Force = true }, cancellationToken: api.Cancel));
        var statusError = await Assert.ThrowsAsync<ArgumentException>(() => api.Kube.CoreV1.Pods.PatchStatusAsync("shop", "web-1", apply, new() { FieldManager = fieldManager }, cancellationToken: api.Cancel));
        var crdError = await Assert.ThrowsAsync<ArgumentException>(() => api.Kube.StableV1.CronTabs.PatchAsync("batch", "nightly", apply, new() { FieldManager = fieldManager }, cancellationToken: api.Cancel));

        Assert.Equal("fieldManager", error.ParamName);
        Assert.Equal("fieldManager", statusError.ParamName);
        Assert.Equal("fieldManager", crdError.ParamName);
        Assert.Empty(api.Requests);

        // The other patch types need no field manager.
        api.Reply(PodJson);
        await api.Kube.CoreV1.Pods.PatchAsync("shop", "web-1", KubePatch.Merge("{}"), new() { FieldManager = fieldManager }, cancellationToken: api.Cancel);
        Assert.Equal("PATCH", api.SingleRequest.Method);
    }

    [Fact]
    public async Task DeleteSendsItsDeleteOptionsAsTheBody()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"6f0b3c1e-2a44-4d55-9a8e-1b2c3d4e5f60",
             "deletionTimestamp":"2024-05-01T11:00:00Z","deletionGracePeriodSeconds":0},"status":{"phase":"Running"}}
            """);
        var options = new DeleteOptions
        {
            Preconditions = new Preconditions { ResourceVersion = "48213", Uid = Uid },
            DryRun = ["All"],
            GracePeriodSeconds = 0,
            OrphanDependents = false,
            PropagationPolicy = "Foreground",
        };

        Pod? deleted = await api.Kube.CoreV1.Pods.DeleteAsync("shop", "web-1", options, api.Cancel);

        Assert.NotNull(deleted);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 11, 0, 0, TimeSpan.Zero), deleted.Metadata!.DeletionTimestamp);
        Assert.Equal(0L, deleted.Metadata.DeletionGracePeriodSeconds);
        var request = api.SingleRequest;
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/api/v1/namespaces/shop/pods/web-1", request.PathAndQuery);
        Assert.Equal("application/json", request.Header("Content-Type"));
        JsonAssert.Equivalent(
            $$$"""{"preconditions":{"resourceVersion":"48213","uid":"{{{Uid}}}"},"dryRun":["All"],"gracePeriodSeconds":0,"orphanDependents":false,"propagationPolicy":"Foreground"}""",
            request.BodyText);
    }

    [Fact]
    public async Task DeleteWithoutOptionsSendsNoBody()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(PodJson);

        await api.Kube.CoreV1.Pods.DeleteAsync("shop", "web-1", cancellationToken: api.Cancel);

        var request = api.SingleRequest;
        Assert.Equal(("DELETE", "/api/v1/namespaces/shop/pods/web-1"), (request.Method, request.PathAndQuery));
        Assert.Empty(request.Body);
        Assert.Null(request.Header("Content-Type"));
    }

    [Fact]
    public async Task DeleteCollectionSendsItsOptionsInTheQuery()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"kind":"pods"}}""");
        api.Reply("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}""");

        await api.Kube.CoreV1.Pods.DeleteCollectionAsync("shop", new() { LabelSelector = "app=web,tier notin (db)" }, cancellationToken: api.Cancel);
        await api.Kube.CoreV1.Pods.DeleteCollectionAsync("shop", new() { FieldSelector = "status.phase=Failed", GracePeriodSeconds = 5, Limit = 100, PropagationPolicy = "Background", DryRun = "All" }, api.Cancel);

        var first = api.Requests[0];
        Assert.Equal(("DELETE", "/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb%2Ctier%20notin%20%28db%29"), (first.Method, first.PathAndQuery));
        Assert.Empty(first.Body);
        var second = api.Requests[1];
        Assert.Equal("/api/v1/namespaces/shop/pods?dryRun=All&fieldSelector=status.phase%3DFailed&gracePeriodSeconds=5&limit=100&propagationPolicy=Background", second.PathAndQuery);
        Assert.Empty(second.Body);
    }

    [Fact]
    public async Task StatusSubresourceVerbsUseTheStatusPath()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(PodJson);
        api.Reply(PodJson);

        Pod current = await api.Kube.CoreV1.Pods.GetStatusAsync("shop", "web-1", cancellationToken: api.Cancel);
        current.Status!.Conditions = [new PodCondition { Type = "Ready", Status = "False", Reason = "Maintenance", LastTransitionTime = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero) }];
        current.ApiVersion = null;
        current.Kind = null;
        await api.Kube.CoreV1.Pods.ReplaceStatusAsync("shop", "web-1", current, new() { DryRun = "All" }, cancellationToken: api.Cancel);

        Assert.Equal(("GET", "/api/v1/namespaces/shop/pods/web-1/status"), (api.Requests[0].Method, api.Requests[0].PathAndQuery));
        var put = api.Requests[1];
        Assert.Equal(("PUT", "/api/v1/namespaces/shop/pods/web-1/status?dryRun=All"), (put.Method, put.PathAndQuery));
        Assert.Equal("application/json", put.Header("Content-Type"));
        JsonAssert.Equivalent(
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"6f0b3c1e-2a44-4d55-9a8e-1b2c3d4e5f60","resourceVersion":"48213"},
             "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]},
             "status":{"phase":"Running","podIP":"10.244.1.17","conditions":[{"type":"Ready","status":"False","reason":"Maintenance","lastTransitionTime":"2024-05-01T12:00:00Z"}]}}
            """,
            put.BodyText);
    }

    private static KubePatch CreatePatch(string type, string text) => type switch
    {
        "json" => KubePatch.Json(text),
        "merge" => KubePatch.Merge(text),
        "strategic" => KubePatch.StrategicMerge(text),
        "apply" => KubePatch.Apply(text),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
