using System.Diagnostics;
using System.Net;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

public sealed class FaultAndBadInputTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Status_faults_429_500_503()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        server.Faults.Add(FaultMatch.Request("list", "configmaps"), Fault.TooManyRequests(retryAfterSeconds: 2), times: 1);
        using (HttpResponseMessage throttled = await client.GetAsync(ConfigMaps, Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), throttled.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync(ConfigMaps)).Code);

        using (server.Faults.Add(new FaultMatch { Method = "POST" }, Fault.InternalError("boom")))
        {
            AssertStatus(await client.PostJsonAsync(ConfigMaps, ConfigMap("a")), 500, "InternalError", "Internal error occurred: boom");
        }

        server.Faults.Add(FaultMatch.Any, Fault.ServiceUnavailable(), times: 1);
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces"), 503, "ServiceUnavailable");
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync(ConfigMaps, ConfigMap("a"))).Code);
        Assert.Equal(3, server.Faults.AppliedCount);
    }

    [Fact]
    public async Task Faults_are_left_for_requests_that_authenticate_and_are_authorized()
    {
        const string ViewerToken = "pod-viewer";
        await using KubeApiServerEmulator server = await StartAsync(o => o.Tokens[ViewerToken] = EmulatorUser.ServiceAccount("default", "viewer", AccessRule.For("list", "pods")));
        using HttpClient client = server.CreateHttpClient();
        using HttpClient anonymous = server.CreateHttpClient(token: "");
        using HttpClient unknown = server.CreateHttpClient(token: "not-a-token");
        using HttpClient viewer = server.CreateHttpClient(ViewerToken);

        // A resource-specific fault: unauthenticated, forbidden and unroutable requests get their own answers and leave it.
        server.Faults.Add(FaultMatch.Request("list", "configmaps"), Fault.ServiceUnavailable(), times: 1);
        AssertStatus(await anonymous.GetJsonAsync(ConfigMaps), 401, "Unauthorized");
        AssertStatus(await unknown.GetJsonAsync(ConfigMaps), 401, "Unauthorized");
        AssertStatus(await viewer.GetJsonAsync(ConfigMaps), 403, "Forbidden");
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/default/nodes"), 404, "NotFound");
        Assert.Equal(0, server.Faults.AppliedCount);
        AssertStatus(await client.GetJsonAsync(ConfigMaps), 503, "ServiceUnavailable");
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync(ConfigMaps)).Code);

        // Anonymous requests, allowed only on /version and the health endpoints, never take a fault.
        server.Faults.Add(FaultMatch.Any, Fault.CloseConnection(), times: 1);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetJsonAsync("/version")).Code);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetJsonAsync("/readyz")).Code);
        AssertStatus(await unknown.GetJsonAsync("/version"), 401, "Unauthorized");
        AssertStatus(await unknown.GetJsonAsync("/readyz"), 401, "Unauthorized");
        Assert.Equal(1, server.Faults.AppliedCount);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/version", Ct));
        Assert.Equal(2, server.Faults.AppliedCount);
    }

    [Fact]
    public async Task Latency_and_broken_connections()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        server.Faults.Add(new FaultMatch { PathPrefix = "/api/v1/namespaces/default/configmaps" }, Fault.Latency(TimeSpan.FromMilliseconds(300)), times: 1);
        var watch = Stopwatch.StartNew();
        await client.GetJsonAsync(ConfigMaps);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(280));

        server.Faults.Add(FaultMatch.Any, Fault.CloseConnection(), times: 1);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(ConfigMaps, Ct));

        server.Faults.Add(FaultMatch.Any, Fault.CloseMidBody(), times: 1);
        Exception error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using HttpResponseMessage response = await client.GetAsync("/api/v1/namespaces", Ct);
            await response.Content.ReadAsStringAsync(Ct);
        });
        Assert.True(error is HttpRequestException or IOException, error.ToString());

        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync(ConfigMaps)).Code);
    }

    [Theory]
    [InlineData("application/json", "{not json")]
    [InlineData("application/json", "")]
    [InlineData("application/yaml", "metadata: [unclosed")]
    [InlineData("application/json", "[1,2]")]
    public async Task Malformed_bodies_are_400(string contentType, string body)
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        AssertStatus(await client.PostJsonAsync(ConfigMaps, body, contentType), 400, "BadRequest");
        AssertStatus(await client.PatchAsync(ConfigMaps + "/x", "{oops", "application/merge-patch+json"), 400, "BadRequest");
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync(ConfigMaps)).Code);
    }

    [Fact]
    public async Task Yaml_bodies_keep_their_types()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync("/apis/apps/v1/namespaces/default/deployments", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: typed
              annotations: {quoted: "42", flag: "true"}
            spec:
              replicas: 3
              paused: true
              selector: {matchLabels: {app: typed}}
              template:
                metadata: {labels: {app: typed}}
                spec: {containers: [{name: c, image: nginx}]}
            """, "application/yaml");
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, created.Body!["spec"]!["replicas"]!.GetValueKind());
        Assert.Equal(System.Text.Json.JsonValueKind.True, created.Body["spec"]!["paused"]!.GetValueKind());
        Assert.Equal("42", created.Body.Str("metadata.annotations.quoted"));
    }

    [Fact]
    public async Task Unsupported_media_types_are_415()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        AssertStatus(await client.PostJsonAsync(ConfigMaps, "x", "text/plain"), 415, "UnsupportedMediaType");
        // Protobuf is a body format of built-in kinds only: a custom resource gets 415, as from kube-apiserver.
        AssertStatus(await client.PostJsonAsync("/apis/stable.example.com/v1/namespaces/default/crontabs", "x", "application/vnd.kubernetes.protobuf"), 415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        AssertStatus(await client.PatchAsync(ConfigMaps + "/a", "{}", "application/json"), 415, "UnsupportedMediaType");
    }

    [Fact]
    public async Task Unknown_resources_and_paths_are_404_and_unsupported_verbs_405()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/default/widgets"), 404, "NotFound", "the server could not find the requested resource");
        AssertStatus(await client.GetJsonAsync("/apis/nope.example.com/v1/things"), 404, "NotFound");
        AssertStatus(await client.GetJsonAsync("/apis/nope.example.com/v1"), 404, "NotFound");
        AssertStatus(await client.GetJsonAsync("/not/an/api"), 404, "NotFound");
        AssertStatus(await client.DeleteJsonAsync("/api/v1/namespaces"), 405, "MethodNotAllowed");
        AssertStatus(await client.DeleteJsonAsync("/api/v1/namespaces/default/pods/p/status"), 405, "MethodNotAllowed");

        // Connect subresources (exec, attach, portforward, proxy) are not emulated.
        AssertStatus(await client.PostJsonAsync("/api/v1/namespaces/default/pods/p/exec", "{}"), 404, "NotFound");
    }

    [Fact]
    public async Task Oversized_bodies_are_413()
    {
        await using KubeApiServerEmulator server = await StartAsync(o => o.MaxRequestBodyBytes = 1024);
        using HttpClient client = server.CreateHttpClient();
        string big = ConfigMap("big", data: $$"""{"k":"{{new string('x', 4096)}}"}""");
        AssertStatus(await client.PostJsonAsync(ConfigMaps, big), 413, "RequestEntityTooLarge", "Request entity too large: limit is 1024");
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync(ConfigMaps, ConfigMap("small"))).Code);
    }

    [Fact]
    public async Task Invalid_objects_are_422_with_causes()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var noName = await client.PostJsonAsync(ConfigMaps, """{"data":{}}""");
        AssertStatus(noName, 422, "Invalid", "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required");
        Assert.Equal("metadata.name", noName.Body!["details"]!["causes"]![0].Str("field"));
        Assert.Equal("FieldValueRequired", noName.Body["details"]!["causes"]![0].Str("reason"));

        var badName = await client.PostJsonAsync(ConfigMaps, ConfigMap("Bad_Name"));
        AssertStatus(badName, 422, "Invalid");
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", badName.Body.Str("message"), StringComparison.Ordinal);

        var noContainers = await client.PostJsonAsync("/api/v1/namespaces/default/pods", """{"metadata":{"name":"p"},"spec":{}}""");
        AssertStatus(noContainers, 422, "Invalid", "Pod \"p\" is invalid: spec.containers: Required value");

        var crd = await client.PostJsonAsync("/apis/stable.example.com/v1/namespaces/default/crontabs", """{"metadata":{"name":"ct"},"spec":{"cronSpec":"x"}}""");
        AssertStatus(crd, 422, "Invalid", "CronTab.stable.example.com \"ct\" is invalid: spec.image: Required value");

        AssertStatus(await client.PostJsonAsync(ConfigMaps, """{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}}"""), 400, "BadRequest", "the API version in the data (apps/v1) does not match the expected API version (v1)");
        AssertStatus(await client.PostJsonAsync(ConfigMaps, """{"metadata":{"name":"x","namespace":"other"}}"""), 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
    }
}
