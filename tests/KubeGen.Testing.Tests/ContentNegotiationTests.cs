using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>What the emulator answers for each <c>Accept</c> a client sends.</summary>
public sealed class ContentNegotiationTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static async Task<(HttpStatusCode Code, string? ContentType, JsonNode? Body)> GetAsync(HttpClient client, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task Protobuf_first_with_JSON_after_it_is_answered_in_JSON_and_protobuf_alone_is_406()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));

        // What client-go's typed clients send when configured for protobuf.
        var json = await GetAsync(client, ConfigMaps + "/a", "application/vnd.kubernetes.protobuf, application/json");
        Assert.Equal(HttpStatusCode.OK, json.Code);
        Assert.Equal("application/json", json.ContentType);
        Assert.Equal("a", json.Body.Str("metadata.name"));

        var refused = await GetAsync(client, ConfigMaps + "/a", "application/vnd.kubernetes.protobuf");
        AssertStatus((refused.Code, refused.Body), 406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml");
    }

    [Fact]
    public async Task Tables_are_answered_to_kubectl_get_with_columns_rows_and_partial_metadata()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a", data: """{"x":"1","y":"2"}"""));
        var table = await GetAsync(client, ConfigMaps + "?limit=500", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
        Assert.Equal(HttpStatusCode.OK, table.Code);
        Assert.Equal("application/json;as=Table;v=v1;g=meta.k8s.io", table.ContentType!.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("Table", table.Body.Str("kind"));
        Assert.Equal("""["Name","Data","Age"]""", new JsonArray([.. table.Body!["columnDefinitions"]!.AsArray().Select(c => (JsonNode)JsonValue.Create(c.Str("name"))!)]).ToJsonString());
        JsonNode row = table.Body["rows"]![0]!;
        Assert.Equal("a", row["cells"]![0]!.GetValue<string>());
        Assert.Equal("2", row["cells"]![1]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", row.Str("object.kind"));
    }
}
