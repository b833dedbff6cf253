using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

public sealed class DiscoveryTests
{
    [Fact]
    public async Task Legacy_discovery_documents()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var version = await client.GetJsonAsync("/version");
        Assert.Equal("1", version.Body.Str("major"));

        var api = await client.GetJsonAsync("/api");
        Assert.Equal("APIVersions", api.Body.Str("kind"));
        Assert.Equal("[\"v1\"]", api.Body!["versions"]!.ToJsonString());

        var apis = await client.GetJsonAsync("/apis");
        Assert.Equal("APIGroupList", apis.Body.Str("kind"));
        JsonNode autoscaling = apis.Body!["groups"]!.AsArray().Single(g => g.Str("name") == "autoscaling")!;
        Assert.Equal("autoscaling/v2", autoscaling.Str("preferredVersion.groupVersion"));
        JsonNode networking = apis.Body["groups"]!.AsArray().Single(g => g.Str("name") == "networking.k8s.io")!;
        Assert.Equal("v1", networking.Str("preferredVersion.version"));

        var core = await client.GetJsonAsync("/api/v1");
        Assert.Equal("APIResourceList", core.Body.Str("kind"));
        JsonArray resources = core.Body!["resources"]!.AsArray();
        JsonNode pods = resources.Single(r => r.Str("name") == "pods")!;
        Assert.Equal("pod", pods.Str("singularName"));
        Assert.Equal("true", pods.Str("namespaced"));
        Assert.Equal("Pod", pods.Str("kind"));
        Assert.Equal("""["create","delete","deletecollection","get","list","patch","update","watch"]""", pods["verbs"]!.ToJsonString());
        Assert.Equal("""["po"]""", pods["shortNames"]!.ToJsonString());
        Assert.Contains(resources, r => r.Str("name") == "pods/status");
        JsonNode namespaces = resources.Single(r => r.Str("name") == "namespaces")!;
        Assert.Equal("false", namespaces.Str("namespaced"));
        Assert.DoesNotContain("deletecollection", namespaces["verbs"]!.ToJsonString(), StringComparison.Ordinal);

        var apps = await client.GetJsonAsync("/apis/apps/v1");
        JsonNode scale = apps.Body!["resources"]!.AsArray().Single(r => r.Str("name") == "deployments/scale")!;
        Assert.Equal("autoscaling", scale.Str("group"));
        Assert.Equal("Scale", scale.Str("kind"));

        var crd = await client.GetJsonAsync("/apis/stable.example.com/v1");
        Assert.Equal("CronTab", crd.Body!["resources"]![0].Str("kind"));
        Assert.Equal("APIGroup", (await client.GetJsonAsync("/apis/apps")).Body.Str("kind"));
    }

    [Fact]
    public async Task Aggregated_discovery_when_asked_for()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        JsonNode list = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("APIGroupDiscoveryList", list.Str("kind"));
        JsonNode apps = list["items"]!.AsArray().Single(i => i.Str("metadata.name") == "apps")!;
        JsonNode deployments = apps["versions"]![0]!["resources"]!.AsArray().Single(r => r.Str("resource") == "deployments")!;
        Assert.Equal("Namespaced", deployments.Str("scope"));
        Assert.Equal("Deployment", deployments.Str("responseKind.kind"));
        Assert.Contains(deployments["subresources"]!.AsArray(), s => s.Str("subresource") == "scale" && s.Str("responseKind.kind") == "Scale");
    }

    [Fact]
    public async Task OpenApi_v2_is_the_spec_byte_for_byte_and_v3_is_derived()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        byte[] served = await client.GetByteArrayAsync("/openapi/v2", Ct);
        Assert.Equal(await File.ReadAllBytesAsync(FixtureSpec, Ct), served);

        var index = await client.GetJsonAsync("/openapi/v3");
        string url = index.Body!["paths"]!["apis/apps/v1"].Str("serverRelativeURL")!;
        Assert.StartsWith("/openapi/v3/apis/apps/v1?hash=", url, StringComparison.Ordinal);
        var document = await client.GetJsonAsync(url);
        Assert.Equal("3.0.0", document.Body.Str("openapi"));
        JsonNode patch = document.Body!["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Contains(patch["parameters"]!.AsArray(), p => p.Str("name") == "fieldValidation" && p.Str("in") == "query");
        Assert.NotNull(document.Body["components"]!["schemas"]!["io.k8s.api.apps.v1.Deployment"]);
        Assert.DoesNotContain("#/definitions/", document.Body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_OpenApi_v3_documents_are_served_as_they_are()
    {
        string file = Path.Combine(Path.GetTempPath(), "apis__coordination.k8s.io__v1_openapi.json");
        await File.WriteAllTextAsync(file, """{"openapi":"3.0.0","info":{"title":"given","version":"x"},"paths":{}}""", Ct);
        await using KubeApiServerEmulator server = await StartAsync(o => o.AddOpenApiV3File(file));
        using HttpClient client = server.CreateHttpClient();
        Assert.Equal(await File.ReadAllTextAsync(file, Ct), await client.GetStringAsync("/openapi/v3/apis/coordination.k8s.io/v1", Ct));
        File.Delete(file);
    }

    [Fact]
    public async Task The_real_spec_loads_and_serves_its_resources()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        using HttpClient client = server.CreateHttpClient();
        var batch = await client.GetJsonAsync("/apis/batch/v1");
        Assert.Contains(batch.Body!["resources"]!.AsArray(), r => r.Str("name") == "cronjobs" && r.Str("shortNames") == "[\"cj\"]");
        var lease = await client.PostJsonAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases", """{"metadata":{"name":"l"},"spec":{"holderIdentity":"me"}}""");
        Assert.Equal(HttpStatusCode.Created, lease.Code);
    }

    [Fact]
    public async Task Derived_OpenApi_v3_types_as_kubectl_validation_expects()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        using HttpClient client = server.CreateHttpClient();
        JsonNode document = (await client.GetJsonAsync("/openapi/v3/api/v1")).Body!;

        // IntOrString and Quantity are oneOf two types, as in kube's own OpenAPI 3.
        JsonNode schemas = document["components"]!["schemas"]!;
        Assert.Equal("""[{"type":"integer"},{"type":"string"}]""", schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["oneOf"]!.ToJsonString());
        Assert.Null(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["type"]);
        Assert.Equal("""[{"type":"string"},{"type":"number"}]""", schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]!["oneOf"]!.ToJsonString());

        // kubectl asks the first PATCH of a kind whether fieldValidation is supported: every one must say yes.
        foreach ((string path, JsonNode? item) in document["paths"]!.AsObject())
        {
            if (item!["patch"] is JsonNode patch && patch["x-kubernetes-group-version-kind"] is JsonNode gvk && gvk.Str("kind") == "Service")
            {
                Assert.True(patch["parameters"]!.AsArray().Any(p => p.Str("name") == "fieldValidation"), path);
            }
        }
    }
}
