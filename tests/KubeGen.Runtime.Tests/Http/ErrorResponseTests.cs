using System.Net;
using System.Text.Json;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

public sealed class ErrorResponseTests
{
    [Fact]
    public async Task A_404_status_body_becomes_a_KubeApiException_with_the_status()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(404, """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web-0\" not found",
             "reason":"NotFound","details":{"name":"web-0","kind":"pods"},"code":404}
            """);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(404, error.Status.Code);
        Assert.Equal("NotFound", error.Status.Reason);
        Assert.Equal("Failure", error.Status.Status);
        Assert.Equal("pods \"web-0\" not found", error.Status.Message);
        Assert.Equal("web-0", error.Status.Details?.Name);
        Assert.Equal("pods", error.Status.Details?.Kind);
        Assert.Equal("pods \"web-0\" not found (404 NotFound)", error.Message);
        Assert.True(error.IsNotFound);
        Assert.False(error.IsConflict);
        Assert.Null(error.ResponseBodySnippet);
    }

    [Fact]
    public async Task A_409_AlreadyExists_status_is_AlreadyExists_not_Conflict()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(409, """{"kind":"Status","status":"Failure","message":"configmaps \"c\" already exists","reason":"AlreadyExists","code":409}""");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", KubeContent.Json(new TestObject(), TestJsonContext.Default.TestObject), TestJsonContext.Default.TestObject, timeout.Token));

        Assert.True(error.IsAlreadyExists);
        Assert.False(error.IsConflict);
        Assert.Equal("configmaps \"c\" already exists (409 AlreadyExists)", error.Message);
    }

    [Fact]
    public async Task An_html_502_from_a_proxy_becomes_a_KubeApiException_with_a_snippet()
    {
        const string Html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueText(502, "text/html", Html);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods?limit=5", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal(Html, error.ResponseBodySnippet);
        Assert.Equal(502, error.Status.Code);
        Assert.Equal("InternalError", error.Status.Reason);
        Assert.Equal("Failure", error.Status.Status);
        Assert.Equal(
            "GET /api/v1/namespaces/default/pods?limit=5: 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html>",
            error.Status.Message);
        Assert.Equal(error.Status.Message + " (502 InternalError)", error.Message);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task A_large_non_status_body_is_cut_to_one_KiB()
    {
        string body = "<p>" + new string('x', 5000) + "</p>";
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueText(503, "text/html", body);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendForStringAsync(HttpMethod.Get, "/healthz", timeout.Token));

        Assert.Equal(body[..1024], error.ResponseBodySnippet);
        Assert.Equal("ServiceUnavailable", error.Status.Reason);
        Assert.EndsWith("...", error.Status.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400, error.Message);
    }

    [Fact]
    public async Task An_empty_error_body_still_names_the_request()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueText(403, "text/plain", "");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/x", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.True(error.IsForbidden);
        Assert.Null(error.ResponseBodySnippet);
        Assert.Equal("DELETE /api/v1/namespaces/x: 403 Forbidden (403 Forbidden)", error.Status.Message + " (403 Forbidden)");
        Assert.Equal(
            "DELETE /api/v1/namespaces/x: 403 Forbidden (403 Forbidden). Missing RBAC permission: verb \"delete\" on resource \"namespaces\" (apiGroup \"\") cluster-wide (a ClusterRole bound with a ClusterRoleBinding).",
            error.Message);
    }

    [Fact]
    public async Task A_malformed_200_body_becomes_a_KubeResponseException()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(200, """{"kind":"Pod","metadata":{"name":"web-0" "oops"}""");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeResponseException error = await Assert.ThrowsAsync<KubeResponseException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal("GET", error.Method);
        Assert.Equal("/api/v1/namespaces/default/pods/web-0", error.PathAndQuery);
        Assert.Equal("""{"kind":"Pod","metadata":{"name":"web-0" "oops"}""", error.ResponseBodySnippet);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
        Assert.StartsWith("GET /api/v1/namespaces/default/pods/web-0: the 200 response is not a valid TestObject: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_null_200_body_becomes_a_KubeResponseException()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(200, "null");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeResponseException error = await Assert.ThrowsAsync<KubeResponseException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.Equal("null", error.ResponseBodySnippet);
        Assert.Equal("The response body is JSON null.", error.InnerException?.Message);
    }

    [Fact]
    public async Task A_200_html_login_page_becomes_a_KubeResponseException_with_a_bounded_snippet()
    {
        string html = "<!DOCTYPE html><html>" + new string('é', 2000) + "</html>";
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueText(200, "text/html", html);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeResponseException error = await Assert.ThrowsAsync<KubeResponseException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/pods", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.NotNull(error.ResponseBodySnippet);
        Assert.StartsWith("<!DOCTYPE html><html>éé", error.ResponseBodySnippet, StringComparison.Ordinal);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(error.ResponseBodySnippet) <= 1024);
        Assert.DoesNotContain('\uFFFD', error.ResponseBodySnippet);
        Assert.Equal(1023, System.Text.Encoding.UTF8.GetByteCount(error.ResponseBodySnippet));
    }
}
