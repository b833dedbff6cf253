using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Tests.Infrastructure;

/// <summary>Starts emulators over the fixture spec and talks JSON to them.</summary>
public static class Emulator
{
    public static string FixtureSpec => Path.Combine(AppContext.BaseDirectory, "Fixtures", "mini-cluster.swagger.json");

    /// <summary>The real v1.36 spec, when the shared specs are present on the machine.</summary>
    public static string? RealSpec => File.Exists("/work/shared/openapi/kubernetes-v1.36.0.json") ? "/work/shared/openapi/kubernetes-v1.36.0.json" : null;

    /// <summary>Skips the test when the shared specs are not on the machine, and fails it under CI, where they must be.</summary>
    public static void RequireRealSpec()
    {
        if (RealSpec is not null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail("the shared v1.36 spec (../shared/openapi) is required on CI but is not there");
        }

        Assert.Skip("the shared v1.36 spec is not on this machine");
    }

    /// <summary>An emulator over the real v1.36 spec, whose types have every field (the fixture's are trimmed).</summary>
    public static Task<KubeApiServerEmulator> StartRealAsync()
    {
        RequireRealSpec();
        return KubeApiServerEmulator.StartAsync(new KubeApiServerEmulatorOptions { SpecFiles = { RealSpec! } }, TestContext.Current.CancellationToken);
    }

    /// <summary>A copy of a stored object without what two creates of the same object differ in: uid, resourceVersion, times.</summary>
    public static JsonObject Comparable(JsonObject? stored)
    {
        Assert.NotNull(stored);
        JsonObject copy = stored.DeepClone().AsObject();
        JsonObject metadata = copy["metadata"]!.AsObject();
        foreach (string field in new[] { "uid", "resourceVersion", "creationTimestamp" })
        {
            metadata.Remove(field);
        }

        foreach (JsonNode? entry in metadata["managedFields"] as JsonArray ?? [])
        {
            entry!.AsObject().Remove("time");
        }

        return copy;
    }

    public static Task<KubeApiServerEmulator> StartAsync(Action<KubeApiServerEmulatorOptions>? configure = null)
    {
        var options = new KubeApiServerEmulatorOptions();
        options.SpecFiles.Add(FixtureSpec);
        configure?.Invoke(options);
        return KubeApiServerEmulator.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<(HttpStatusCode Code, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        string text = await response.Content.ReadAsStringAsync(Ct);
        JsonNode? node = null;
        if (text.Length > 0)
        {
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                node = JsonValue.Create(text);
            }
        }

        return (response.StatusCode, node);
    }

    public static Task<(HttpStatusCode Code, JsonNode? Body)> GetJsonAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Get, path);

    public static Task<(HttpStatusCode Code, JsonNode? Body)> PostJsonAsync(this HttpClient client, string path, string body, string contentType = "application/json")
        => client.SendAsync(HttpMethod.Post, path, body, contentType);

    public static Task<(HttpStatusCode Code, JsonNode? Body)> PutJsonAsync(this HttpClient client, string path, string body)
        => client.SendAsync(HttpMethod.Put, path, body);

    public static Task<(HttpStatusCode Code, JsonNode? Body)> PatchAsync(this HttpClient client, string path, string body, string contentType)
        => client.SendAsync(HttpMethod.Patch, path, body, contentType);

    public static Task<(HttpStatusCode Code, JsonNode? Body)> DeleteJsonAsync(this HttpClient client, string path, string? body = null)
        => client.SendAsync(HttpMethod.Delete, path, body);

    public static string ConfigMap(string name, string? ns = null, string labels = "{}", string data = "{\"k\":\"v\"}")
        => $$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}"{{(ns is null ? "" : $",\"namespace\":\"{ns}\"")}},"labels":{{labels}}},"data":{{data}}}""";

    public static string Pod(string name, string image = "nginx:1.25", string labels = "{}")
        => $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"spec":{"containers":[{"name":"c","image":"{{{image}}}","ports":[{"containerPort":80}]}]}}""";

    public static string Deployment(string name, int replicas = 1)
        => """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},"spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}"""
            .Replace("NAME", name, StringComparison.Ordinal)
            .Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public static string? Str(this JsonNode? node, string path)
    {
        JsonNode? current = node;
        foreach (string part in path.Split('.'))
        {
            current = current is JsonObject o && o.TryGetPropertyValue(part, out JsonNode? child) ? child : null;
        }

        return current switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            _ => current.ToJsonString(),
        };
    }

    /// <summary>Asserts a failure Status with the given code, reason and message.</summary>
    public static void AssertStatus((HttpStatusCode Code, JsonNode? Body) response, int code, string reason, string? message = null)
    {
        Assert.Equal(code, (int)response.Code);
        Assert.NotNull(response.Body);
        Assert.Equal("Status", response.Body.Str("kind"));
        Assert.Equal("v1", response.Body.Str("apiVersion"));
        Assert.Equal("Failure", response.Body.Str("status"));
        Assert.Equal(reason, response.Body.Str("reason"));
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Body.Str("code"));
        if (message is not null)
        {
            Assert.Equal(message, response.Body.Str("message"));
        }
    }
}
