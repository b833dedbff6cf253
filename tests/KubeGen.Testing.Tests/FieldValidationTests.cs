using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary><c>fieldValidation=Strict|Warn|Ignore</c>: unknown and duplicate fields, as kube-apiserver reports them.</summary>
public sealed class FieldValidationTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string WithProblems = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","bogus":1,"name":"c"},"data":{"a":"1","a":"2"},"extra":true}""";

    private static async Task<(HttpStatusCode Code, JsonNode? Body, string[] Warnings)> SendAsync(HttpClient client, HttpMethod method, string path, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        string[] warnings = response.Headers.TryGetValues("Warning", out IEnumerable<string>? values) ? [.. values] : [];
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct)), warnings);
    }

    [Fact]
    public async Task Warn_is_the_default_drops_unknown_fields_keeps_the_last_duplicate_and_says_so_in_Warning_headers()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        foreach (string query in new[] { "", "?fieldValidation=Warn" })
        {
            var created = await SendAsync(client, HttpMethod.Post, ConfigMaps + query, WithProblems);
            Assert.Equal(HttpStatusCode.Created, created.Code);
            Assert.Equal(
                ["299 - \"duplicate field \\\"metadata.name\\\"\"", "299 - \"duplicate field \\\"data.a\\\"\"", "299 - \"unknown field \\\"metadata.bogus\\\"\"", "299 - \"unknown field \\\"extra\\\"\""],
                created.Warnings);
            Assert.Equal("""{"a":"2"}""", created.Body!["data"]!.ToJsonString());
            Assert.Null(created.Body["extra"]);
            Assert.Null(created.Body["metadata"]!["bogus"]);
            Assert.Null(server.GetObject("v1", "ConfigMap", "default", "c")!["extra"]);
            await client.DeleteJsonAsync(ConfigMaps + "/c");
        }
    }

    [Fact]
    public async Task Strict_refuses_the_body_with_every_problem()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var refused = await SendAsync(client, HttpMethod.Post, ConfigMaps + "?fieldValidation=Strict", WithProblems);
        AssertStatus((refused.Code, refused.Body), 400, "BadRequest", """ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name", duplicate field "data.a", unknown field "metadata.bogus", unknown field "extra" """.TrimEnd());
        Assert.Null(server.GetObject("v1", "ConfigMap", "default", "c"));

        // The same for a replace.
        await client.PostJsonAsync(ConfigMaps, ConfigMap("c"));
        var replaced = await SendAsync(client, HttpMethod.Put, ConfigMaps + "/c?fieldValidation=Strict", """{"metadata":{"name":"c"},"data":{"k":"v"},"spec":{}}""");
        AssertStatus((replaced.Code, replaced.Body), 400, "BadRequest", """ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec" """.TrimEnd());
    }

    [Fact]
    public async Task Ignore_drops_silently()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await SendAsync(client, HttpMethod.Post, ConfigMaps + "?fieldValidation=Ignore", WithProblems);
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Empty(created.Warnings);
        Assert.Null(created.Body!["extra"]);
    }

    [Fact]
    public async Task Patches_are_checked_on_the_patched_object()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync("/api/v1/namespaces/default/pods", Pod("p"));
        var refused = await SendAsync(client, HttpMethod.Patch, "/api/v1/namespaces/default/pods/p?fieldValidation=Strict", """{"spec":{"containers":[{"name":"c","bogus":1}]}}""", "application/strategic-merge-patch+json");
        AssertStatus((refused.Code, refused.Body), 422, "Invalid", """ "" is invalid: patch: Invalid value: "{"spec":{"containers":[{"name":"c","bogus":1}]}}": strict decoding error: unknown field "spec.containers[0].bogus" """.TrimEnd());

        var warned = await SendAsync(client, HttpMethod.Patch, "/api/v1/namespaces/default/pods/p", """{"metadata":{"labels":{"a":"b"}},"status":{"bogus":1}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, warned.Code);
        Assert.Equal(["299 - \"unknown field \\\"status.bogus\\\"\""], warned.Warnings);
        Assert.Equal("b", warned.Body.Str("metadata.labels.a"));
    }

    [Fact]
    public async Task An_unknown_directive_is_invalid()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var refused = await SendAsync(client, HttpMethod.Post, ConfigMaps + "?fieldValidation=Loud", ConfigMap("c"));
        AssertStatus((refused.Code, refused.Body), 422, "Invalid", """CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "Ignore", "Strict", "Warn" """.TrimEnd());
    }

    [Fact]
    public async Task Duplicate_keys_in_any_body_never_crash_the_server()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(ConfigMaps, ConfigMap("c"));
        var patched = await SendAsync(client, HttpMethod.Patch, ConfigMaps + "/c", """{"data":{"k":"1","k":"2"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched.Code);
        Assert.Equal("2", patched.Body.Str("data.k"));
        var deleted = await SendAsync(client, HttpMethod.Delete, ConfigMaps + "/c", """{"propagationPolicy":"Orphan","propagationPolicy":"Background"}""");
        Assert.Equal(HttpStatusCode.OK, deleted.Code);
    }
}
