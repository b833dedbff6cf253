using System.Net;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>Paths kube-apiserver has no route for are 404, whoever asks and whatever they may do.</summary>
public sealed class RouteTests
{
    private const string NotFoundMessage = "the server could not find the requested resource";

    [Fact]
    public async Task A_namespace_prefix_does_not_reach_the_cluster_scoped_namespaces()
    {
        const string Token = "team-foo";
        await using KubeApiServerEmulator server = await StartAsync(o =>
        {
            o.Namespaces.Add("foo");
            o.Namespaces.Add("bar");
            o.Tokens[Token] = EmulatorUser.ServiceAccount("foo", "app", new AccessRule(["*"], ["*"], Namespaces: ["foo"]));
        });
        using HttpClient foo = server.CreateHttpClient(Token);

        AssertStatus(await foo.GetJsonAsync("/api/v1/namespaces/foo/namespaces"), 404, "NotFound", NotFoundMessage);
        AssertStatus(await foo.GetJsonAsync("/api/v1/namespaces/foo/namespaces/bar"), 404, "NotFound", NotFoundMessage);
        AssertStatus(await foo.GetJsonAsync("/api/v1/namespaces/foo/namespaces?watch=true"), 404, "NotFound", NotFoundMessage);
        AssertStatus(await foo.GetJsonAsync("/api/v1/watch/namespaces/foo/namespaces"), 404, "NotFound", NotFoundMessage);
        AssertStatus(await foo.PostJsonAsync("/api/v1/namespaces/foo/namespaces", """{"metadata":{"name":"evil"}}"""), 404, "NotFound", NotFoundMessage);
        AssertStatus(await foo.DeleteJsonAsync("/api/v1/namespaces/foo/namespaces/bar"), 404, "NotFound", NotFoundMessage);
        AssertStatus(await foo.DeleteJsonAsync("/api/v1/namespaces/foo/namespaces"), 404, "NotFound", NotFoundMessage);

        // Nothing happened to the namespaces, and the real routes still answer as RBAC says.
        Assert.NotNull(server.GetObject("v1", "Namespace", null, "bar"));
        Assert.NotNull(server.GetObject("v1", "Namespace", null, "default"));
        Assert.Null(server.GetObject("v1", "Namespace", null, "evil"));
        Assert.Equal(HttpStatusCode.OK, (await foo.GetJsonAsync("/api/v1/namespaces/foo")).Code);
        AssertStatus(await foo.GetJsonAsync("/api/v1/namespaces"), 403, "Forbidden");
        AssertStatus(await foo.DeleteJsonAsync("/api/v1/namespaces/bar"), 403, "Forbidden");
    }

    [Theory]
    // A cluster-scoped resource under a namespace prefix.
    [InlineData("GET", "/api/v1/namespaces/default/nodes")]
    [InlineData("GET", "/api/v1/namespaces/default/nodes/n1")]
    [InlineData("GET", "/apis/networking.k8s.io/v1/namespaces/default/ipaddresses")]
    // A named object (or its subresource) of a namespaced resource without a namespace.
    [InlineData("GET", "/api/v1/configmaps/a")]
    [InlineData("DELETE", "/api/v1/configmaps/a")]
    [InlineData("GET", "/api/v1/pods/p/status")]
    // Segments after a subresource other than proxy.
    [InlineData("GET", "/api/v1/namespaces/default/pods/p/status/extra")]
    [InlineData("GET", "/api/v1/namespaces/default/status/extra")]
    [InlineData("GET", "/apis/apps/v1/namespaces/default/deployments/d/scale/x/y")]
    // Empty segments: no namespace, no group, no name.
    [InlineData("GET", "/api/v1/namespaces//configmaps")]
    [InlineData("POST", "/api/v1/namespaces//configmaps")]
    [InlineData("GET", "/apis//v1/namespaces/default/configmaps")]
    [InlineData("GET", "/apis//v1")]
    [InlineData("GET", "/api/v1/namespaces/default/configmaps//status")]
    [InlineData("GET", "/api/v1/namespaces/default//configmaps")]
    // A bare deprecated watch segment.
    [InlineData("GET", "/api/v1/watch")]
    // Subresources the spec has but the emulator does not serve (docs/emulator.md).
    [InlineData("GET", "/api/v1/namespaces/default/pods/p/proxy")]
    [InlineData("PUT", "/api/v1/namespaces/default/finalize")]
    public async Task Paths_without_a_kube_apiserver_route_are_404(string method, string path)
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", ConfigMap("a"))).Code);
        string? body = method == "POST" ? ConfigMap("b") : null;

        AssertStatus(await client.SendAsync(new HttpMethod(method), path, body), 404, "NotFound", NotFoundMessage);

        Assert.NotNull(server.GetObject("v1", "ConfigMap", "default", "a"));
        Assert.Null(server.GetObject("v1", "ConfigMap", "default", "b"));
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods/p/log")]
    [InlineData("POST", "/api/v1/namespaces/default/pods/p/eviction")]
    public async Task Served_pod_subresources_of_a_missing_pod_are_the_pods_404(string method, string path)
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string? body = method == "POST" ? """{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"p"}}""" : null;

        AssertStatus(await client.SendAsync(new HttpMethod(method), path, body), 404, "NotFound", "pods \"p\" not found");
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/status")]
    [InlineData("/api/v1/namespaces/default")]
    [InlineData("/api/v1/configmaps")]
    [InlineData("/api/v1/watch/namespaces/default/configmaps?timeoutSeconds=1")]
    [InlineData("/api/v1/namespaces/default/configmaps/")]
    [InlineData("/api/v1/nodes")]
    [InlineData("/apis/apps/v1")]
    public async Task The_routes_kube_apiserver_has_are_served(string path)
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync(path)).Code);
    }
}
