using System.Net;
using System.Text.Json.Nodes;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.MetaV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Wire;

/// <summary>Non-2xx answers with a Status body become <see cref="KubeApiException"/>s that carry the Status.</summary>
public sealed class ErrorTests
{
    private static readonly Pod NewPod = new()
    {
        Metadata = new ObjectMeta { Name = "web-1" },
        Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
    };

    [Fact]
    public async Task NotFound()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.ReplyStatus(404, "NotFound", "pods \"x\" not found", new JsonObject { ["name"] = "x", ["kind"] = "pods" });

        var error = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Pods.GetAsync("shop", "x", cancellationToken: api.Cancel));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(("Failure", 404, "NotFound", "pods \"x\" not found"), (error.Status.Status, error.Status.Code, error.Status.Reason, error.Status.Message));
        Assert.Equal(("x", "pods"), (error.Status.Details!.Name, error.Status.Details.Kind));
        Assert.Equal("pods \"x\" not found (404 NotFound)", error.Message);
        Assert.True(error.IsNotFound);
        Assert.False(error.IsConflict);
        Assert.False(error.IsAlreadyExists);
        Assert.False(error.IsForbidden);
        Assert.False(error.IsGone);
        Assert.Null(error.ResponseBodySnippet);
        Assert.Equal("/api/v1/namespaces/shop/pods/x", api.SingleRequest.PathAndQuery);
    }

    [Fact]
    public async Task AlreadyExists()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.ReplyStatus(409, "AlreadyExists", "pods \"web-1\" already exists", new JsonObject { ["name"] = "web-1", ["kind"] = "pods" });

        var error = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Pods.CreateAsync("shop", NewPod, cancellationToken: api.Cancel));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal((409, "AlreadyExists"), (error.Status.Code, error.Status.Reason));
        Assert.Equal("web-1", error.Status.Details!.Name);
        Assert.True(error.IsAlreadyExists);
        Assert.False(error.IsConflict);
        Assert.False(error.IsNotFound);
        Assert.Equal("POST", api.SingleRequest.Method);
    }

    [Fact]
    public async Task Conflict()
    {
        await using var api = await KubeTestServer.StartAsync();
        const string message = "Operation cannot be fulfilled on pods \"web-1\": the object has been modified; please apply your changes to the latest version and try again";
        api.ReplyStatus(409, "Conflict", message, new JsonObject { ["name"] = "web-1", ["kind"] = "pods" });

        var error = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Pods.ReplaceAsync("shop", "web-1", NewPod, cancellationToken: api.Cancel));

        Assert.Equal((409, "Conflict", message), (error.Status.Code, error.Status.Reason, error.Status.Message));
        Assert.True(error.IsConflict);
        Assert.False(error.IsAlreadyExists);
        Assert.Equal("PUT", api.SingleRequest.Method);
    }

    [Fact]
    public async Task Forbidden()
    {
        await using var api = await KubeTestServer.StartAsync();
        const string message = "pods is forbidden: User \"system:serviceaccount:shop:web\" cannot list resource \"pods\" in API group \"\" at the cluster scope";
        api.ReplyStatus(403, "Forbidden", message, new JsonObject { ["kind"] = "pods" });

        var error = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Pods.ListForAllNamespacesAsync(cancellationToken: api.Cancel));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal((403, "Forbidden", message), (error.Status.Code, error.Status.Reason, error.Status.Message));
        Assert.Equal("pods", error.Status.Details!.Kind);
        Assert.Null(error.Status.Details.Name);
        Assert.True(error.IsForbidden);
        Assert.False(error.IsUnauthorized);
    }

    [Fact]
    public async Task InvalidWithCauses()
    {
        await using var api = await KubeTestServer.StartAsync();
        const string message = "Pod \"Web_1\" is invalid: [metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', spec.containers[0].image: Required value]";
        api.ReplyStatus(422, "Invalid", message, new JsonObject
        {
            ["name"] = "Web_1",
            ["kind"] = "Pod",
            ["causes"] = new JsonArray
            {
                new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = "Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'", ["field"] = "metadata.name" },
                new JsonObject { ["reason"] = "FieldValueRequired", ["message"] = "Required value", ["field"] = "spec.containers[0].image" },
            },
        });

        var error = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Pods.CreateAsync("shop", NewPod, cancellationToken: api.Cancel));

        Assert.Equal((HttpStatusCode)422, error.StatusCode);
        Assert.Equal((422, "Invalid", message), (error.Status.Code, error.Status.Reason, error.Status.Message));
        Assert.True(error.IsInvalid);
        var details = error.Status.Details!;
        Assert.Equal(("Web_1", "Pod"), (details.Name, details.Kind));
        Assert.Equal(["metadata.name", "spec.containers[0].image"], details.Causes.Select(c => c.Field!));
        Assert.Equal(["FieldValueInvalid", "FieldValueRequired"], details.Causes.Select(c => c.Reason!));
        Assert.Equal("Required value", details.Causes[1].Message);
    }

    [Fact]
    public async Task ErrorsOfEveryClientCarryTheStatus()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.ReplyStatus(404, "NotFound", "namespaces \"team-z\" not found", new JsonObject { ["name"] = "team-z", ["kind"] = "namespaces" });
        api.ReplyStatus(404, "NotFound", "crontabs.stable.example.com \"nightly\" not found", new JsonObject { ["name"] = "nightly", ["group"] = "stable.example.com", ["kind"] = "crontabs" });
        api.ReplyStatus(404, "NotFound", "deployments.apps \"web\" not found", new JsonObject { ["name"] = "web", ["group"] = "apps", ["kind"] = "deployments" });

        var ns = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Namespaces.GetAsync("team-z", cancellationToken: api.Cancel));
        var crd = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.StableV1.CronTabs.GetAsync("batch", "nightly", cancellationToken: api.Cancel));
        var scale = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.AppsV1.Deployments.GetScaleAsync("shop", "web", cancellationToken: api.Cancel));

        Assert.All([ns, crd, scale], e => Assert.True(e.IsNotFound));
        Assert.Equal(("team-z", null), (ns.Status.Details!.Name, ns.Status.Details.Group));
        Assert.Equal(("nightly", "stable.example.com"), (crd.Status.Details!.Name, crd.Status.Details.Group));
        Assert.Equal(("web", "apps", "deployments"), (scale.Status.Details!.Name, scale.Status.Details.Group, scale.Status.Details.Kind));
    }
}
