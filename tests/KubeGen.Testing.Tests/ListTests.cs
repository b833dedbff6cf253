using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

public sealed class ListTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static async Task<KubeApiServerEmulator> SeededAsync(Action<KubeApiServerEmulatorOptions>? configure = null)
    {
        KubeApiServerEmulator server = await StartAsync(configure);
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a", labels: """{"app":"web","tier":"fe"}"""));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("b", labels: """{"app":"web","tier":"be"}"""));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("c", labels: """{"app":"db"}"""));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("d"));
        return server;
    }

    private static async Task<string[]> NamesAsync(HttpClient client, string query)
    {
        var response = await client.GetJsonAsync(ConfigMaps + "?" + query);
        Assert.Equal(HttpStatusCode.OK, response.Code);
        return response.Body!["items"]!.AsArray().Select(i => i.Str("metadata.name")!).ToArray();
    }

    [Theory]
    [InlineData("app=web", "a,b")]
    [InlineData("app==web", "a,b")]
    [InlineData("app!=web", "c,d")]
    [InlineData("app in (web,db)", "a,b,c")]
    [InlineData("app notin (web)", "c,d")]
    [InlineData("tier", "a,b")]
    [InlineData("!tier", "c,d")]
    [InlineData("app=web,tier=be", "b")]
    [InlineData("app=web, tier notin (be)", "a")]
    public async Task Label_selectors(string selector, string expected)
    {
        await using KubeApiServerEmulator server = await SeededAsync();
        using HttpClient client = server.CreateHttpClient();
        Assert.Equal(expected.Split(','), await NamesAsync(client, "labelSelector=" + Uri.EscapeDataString(selector)));
    }

    [Theory]
    [InlineData("metadata.name=b", "b")]
    [InlineData("metadata.name==b", "b")]
    [InlineData("metadata.name!=b", "a,c,d")]
    [InlineData("metadata.namespace=default,metadata.name!=a", "b,c,d")]
    public async Task Field_selectors(string selector, string expected)
    {
        await using KubeApiServerEmulator server = await SeededAsync();
        using HttpClient client = server.CreateHttpClient();
        Assert.Equal(expected.Split(','), await NamesAsync(client, "fieldSelector=" + Uri.EscapeDataString(selector)));
    }

    [Fact]
    public async Task Bad_selectors_are_BadRequest()
    {
        await using KubeApiServerEmulator server = await SeededAsync();
        using HttpClient client = server.CreateHttpClient();
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "?labelSelector=" + Uri.EscapeDataString("app in web")), 400, "BadRequest", "unable to parse requirement: found 'web', expected: '('");
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "?fieldSelector=spec.foo%3Dx"), 400, "BadRequest", "field label not supported: spec.foo");
    }

    [Fact]
    public async Task Pages_are_consistent_with_the_first_page_version()
    {
        await using KubeApiServerEmulator server = await SeededAsync();
        using HttpClient client = server.CreateHttpClient();
        var first = await client.GetJsonAsync(ConfigMaps + "?limit=2");
        Assert.Equal(["a", "b"], first.Body!["items"]!.AsArray().Select(i => i.Str("metadata.name")));
        string token = first.Body.Str("metadata.continue")!;
        Assert.Equal("2", first.Body.Str("metadata.remainingItemCount"));

        // Changes after the first page are not visible in later pages.
        await client.DeleteJsonAsync(ConfigMaps + "/c");
        await client.PostJsonAsync(ConfigMaps, ConfigMap("e"));
        var patched = await client.PatchAsync(ConfigMaps + "/d", """{"data":{"k":"new"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched.Code);

        var second = await client.GetJsonAsync(ConfigMaps + "?limit=2&continue=" + Uri.EscapeDataString(token));
        Assert.Equal(["c", "d"], second.Body!["items"]!.AsArray().Select(i => i.Str("metadata.name")));
        Assert.Equal("v", second.Body["items"]![1].Str("data.k"));
        Assert.Null(second.Body.Str("metadata.continue"));
        Assert.Equal(first.Body.Str("metadata.resourceVersion"), second.Body.Str("metadata.resourceVersion"));
    }

    [Fact]
    public async Task An_expired_continue_token_is_410_Expired_and_a_garbled_one_400()
    {
        await using KubeApiServerEmulator server = await SeededAsync(o => o.HistoryWindow = 3);
        using HttpClient client = server.CreateHttpClient();
        var first = await client.GetJsonAsync(ConfigMaps + "?limit=1");
        string token = first.Body.Str("metadata.continue")!;
        for (int i = 0; i < 5; i++)
        {
            await client.PostJsonAsync(ConfigMaps, ConfigMap("x" + i));
        }

        var expired = await client.GetJsonAsync(ConfigMaps + "?limit=1&continue=" + Uri.EscapeDataString(token));
        AssertStatus(expired, 410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "?limit=1&continue=garbage!"), 400, "BadRequest");
    }

    [Fact]
    public async Task A_resourceVersion_the_server_has_not_reached_is_504_and_Exact_0_is_invalid()
    {
        await using KubeApiServerEmulator server = await SeededAsync();
        using HttpClient client = server.CreateHttpClient();
        long future = server.ResourceVersion + 100;
        foreach (string match in new[] { "", "&resourceVersionMatch=NotOlderThan", "&resourceVersionMatch=Exact" })
        {
            using HttpResponseMessage response = await client.GetAsync($"{ConfigMaps}?resourceVersion={future}{match}", Ct);
            AssertStatus((response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))), 504, "Timeout", $"Too large resource version: {future}, current: {server.ResourceVersion}");
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        }

        AssertStatus(await client.GetJsonAsync(ConfigMaps + "?resourceVersion=0&resourceVersionMatch=Exact"), 422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
    }

    [Fact]
    public async Task Exact_resourceVersion_lists_the_past()
    {
        await using KubeApiServerEmulator server = await SeededAsync();
        using HttpClient client = server.CreateHttpClient();
        string rv = (await client.GetJsonAsync(ConfigMaps)).Body.Str("metadata.resourceVersion")!;
        await client.DeleteJsonAsync(ConfigMaps + "/a");
        Assert.Equal(["a", "b", "c", "d"], await NamesAsync(client, $"resourceVersion={rv}&resourceVersionMatch=Exact"));
        Assert.Equal(["b", "c", "d"], await NamesAsync(client, $"resourceVersion={rv}&resourceVersionMatch=NotOlderThan"));
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "?resourceVersionMatch=Exact"), 422, "Invalid");
    }

    [Fact]
    public async Task Table_output_for_kubectl()
    {
        await using KubeApiServerEmulator server = await SeededAsync();
        using HttpClient client = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, ConfigMaps);
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        JsonNode table = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("Table", table.Str("kind"));
        Assert.Equal(["Name", "Data", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c.Str("name")));
        Assert.Equal("a", table["rows"]![0]!["cells"]![0]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", table["rows"]![0].Str("object.kind"));
    }

    [Fact]
    public async Task Field_selectors_read_the_fields_the_registry_computes()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        const string Pods = "/api/v1/namespaces/default/pods";
        await client.PostJsonAsync(Pods, Pod("plain"));
        await client.PostJsonAsync(Pods, Pod("host").Replace("\"spec\":{", "\"spec\":{\"hostNetwork\":true,", StringComparison.Ordinal));
        server.Seed("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ran","namespace":"default"},"spec":{"containers":[{"name":"c","image":"x"}]},"status":{"phase":"Running","podIPs":[{"ip":"10.0.0.7"}]}}""");

        async Task<string[]> Names(string path) => (await client.GetJsonAsync(path)).Body!["items"]!.AsArray().Select(i => i.Str("metadata.name")!).ToArray();

        // spec.hostNetwork is "false" for a pod that does not set it; status.podIP is podIPs[0].
        Assert.Equal(["plain", "ran"], await Names(Pods + "?fieldSelector=spec.hostNetwork%3Dfalse"));
        Assert.Equal(["host"], await Names(Pods + "?fieldSelector=spec.hostNetwork%3Dtrue"));
        Assert.Equal(["ran"], await Names(Pods + "?fieldSelector=status.podIP%3D10.0.0.7,status.phase%3DRunning"));
        Assert.Equal(["host", "plain"], await Names(Pods + "?fieldSelector=status.phase!%3DRunning"));

        const string Services = "/api/v1/namespaces/default/services";
        await client.PostJsonAsync(Services, """{"metadata":{"name":"np"},"spec":{"type":"NodePort","ports":[{"port":80}]}}""");
        await client.PostJsonAsync(Services, """{"metadata":{"name":"cip"},"spec":{"ports":[{"port":80}]}}""");
        Assert.Equal(["np"], await Names(Services + "?fieldSelector=spec.type%3DNodePort"));
        AssertStatus(await client.GetJsonAsync(Services + "?fieldSelector=spec.ports%3D80"), 400, "BadRequest", "field label not supported: spec.ports");
    }
}
