using System.Net;
using System.Text;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

public sealed class KubeConnectionRequestTests
{
    private const string PodJson = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"default","resourceVersion":"42"},"value":"ok"}""";

    [Fact]
    public async Task Get_sends_method_path_query_and_headers_and_reads_the_json()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, Token = "s3cret-token" });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        string path = new KubeUrlBuilder("/api/v1/namespaces/").AppendSegment("default", "namespace").AppendLiteral("/pods/")
            .AppendSegment("web 0", "name").AddQuery("pretty", false).AddQuery("labelSelector", "app=web").ToString();

        TestObject pod = await connection.SendAsync(HttpMethod.Get, path, null, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal("web-0", pod.Metadata?.Name);
        Assert.Equal("42", pod.Metadata?.ResourceVersion);
        Assert.Equal("ok", pod.Value);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/namespaces/default/pods/web%200?pretty=false&labelSelector=app%3Dweb", request.PathAndQuery);
        Assert.Equal("Bearer s3cret-token", request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Equal("gzip, deflate", request.Header("Accept-Encoding"));
        Assert.Matches(@"^KubeGen/\d+\.\d+\.\d+[^ ]* \(.+\)$", request.Header("User-Agent"));
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task Post_sends_the_json_body_with_its_content_type()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(201, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, UserAgent = "my-operator/1.2" });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        TestObject body = TestSupport.Pod("web-0", "7", "v");

        TestObject created = await connection.SendAsync(
            HttpMethod.Post, "/api/v1/namespaces/default/pods?fieldManager=kubegen",
            KubeContent.Json(body, TestJsonContext.Default.TestObject), TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal("web-0", created.Metadata?.Name);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/namespaces/default/pods?fieldManager=kubegen", request.PathAndQuery);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","resourceVersion":"7"},"value":"v"}""", request.BodyText);
        Assert.Equal("my-operator/1.2", request.Header("User-Agent"));
        Assert.Null(request.Header("Authorization"));
    }

    [Theory]
    [InlineData(KubePatchType.JsonPatch, "application/json-patch+json")]
    [InlineData(KubePatchType.MergePatch, "application/merge-patch+json")]
    [InlineData(KubePatchType.StrategicMergePatch, "application/strategic-merge-patch+json")]
    [InlineData(KubePatchType.ApplyPatch, "application/apply-patch+yaml")]
    public async Task Patch_sends_the_patch_content_type(KubePatchType type, string contentType)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        KubePatch patch = type switch
        {
            KubePatchType.JsonPatch => KubePatch.Json("""[{"op":"replace","path":"/value","value":"x"}]"""),
            KubePatchType.MergePatch => KubePatch.Merge("""{"value":"x"}"""),
            KubePatchType.StrategicMergePatch => KubePatch.StrategicMerge("""{"value":"x"}"""),
            _ => KubePatch.Apply("""{"apiVersion":"v1","kind":"Pod","value":"x"}"""),
        };

        await connection.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/pods/web-0?fieldManager=me", patch.CreateContent(), TestJsonContext.Default.TestObject, timeout.Token);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.Equal(contentType, request.Header("Content-Type"));
        Assert.Equal(Encoding.UTF8.GetString(patch.Body.Span), request.BodyText);
    }

    [Fact]
    public async Task Delete_and_put_use_their_methods()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(200, PodJson);
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await connection.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/pods/web-0", KubeContent.Json(TestSupport.Pod("web-0", "1"), TestJsonContext.Default.TestObject), TestJsonContext.Default.TestObject, timeout.Token);
        await connection.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/pods/web-0?gracePeriodSeconds=0", null, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal(["PUT /api/v1/namespaces/default/pods/web-0", "DELETE /api/v1/namespaces/default/pods/web-0?gracePeriodSeconds=0"],
            server.Requests.Select(r => r.Method + " " + r.PathAndQuery));
    }

    [Fact]
    public async Task A_server_path_prefix_is_kept()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = new Uri(server.BaseUri, "k8s/clusters/c-1/") });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal("/k8s/clusters/c-1/api/v1/namespaces/default/pods/web-0", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task SendForString_returns_the_text_body()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueText(200, "text/plain", "line 1\nline 2 ü\n");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, Token = "t0ken-abc" });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        string log = await connection.SendForStringAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0/log?tailLines=2", timeout.Token);

        Assert.Equal("line 1\nline 2 ü\n", log);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/api/v1/namespaces/default/pods/web-0/log?tailLines=2", request.PathAndQuery);
        Assert.Equal("application/json, */*", request.Header("Accept"));
        Assert.Equal("Bearer t0ken-abc", request.Header("Authorization"));
    }

    [Fact]
    public async Task Gzip_responses_are_decompressed()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = "gzip";
            using var buffer = new MemoryStream();
            await using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                await gzip.WriteAsync(Encoding.UTF8.GetBytes(PodJson), context.RequestAborted);
            }

            await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
        });
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TestObject pod = await connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal("ok", pod.Value);
    }

    [Fact]
    public async Task Request_timeout_raises_TimeoutException_naming_the_request()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(async (context, _) => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, RequestTimeout = TimeSpan.FromMilliseconds(300) });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/pods", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.Equal("GET /api/v1/pods did not complete within 0.3 s (KubeConnectionOptions.RequestTimeout).", error.Message);
    }

    [Fact]
    public async Task Caller_cancellation_is_an_OperationCanceledException()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(async (context, _) => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource cancel = TestSupport.Timeout();
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/pods", null, TestJsonContext.Default.TestObject, cancel.Token));

        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Theory]
    [InlineData("api/v1/pods")]
    [InlineData("")]
    [InlineData("//evil.example/api")]
    public async Task Paths_must_start_with_a_single_slash(string path)
    {
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = new Uri("http://127.0.0.1:1") });

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(
            () => connection.SendAsync(HttpMethod.Get, path, null, TestJsonContext.Default.TestObject, TestContext.Current.CancellationToken));

        Assert.Equal("pathAndQuery", error.ParamName);
    }

    [Fact]
    public void Options_are_validated_and_namespace_defaults()
    {
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new KubeConnection(new KubeConnectionOptions { Server = new Uri("ftp://host/") })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new KubeConnection(new KubeConnectionOptions { Server = new Uri("/relative", UriKind.Relative) })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://h/"), RequestTimeout = TimeSpan.Zero })).ParamName);

        using var plain = new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://kube.example:6443") });
        using var named = new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://kube.example:6443"), Namespace = "team-a" });

        Assert.Equal("default", plain.Namespace);
        Assert.Equal("team-a", named.Namespace);
        Assert.Equal(new Uri("https://kube.example:6443"), named.Server);
    }

    [Fact]
    public async Task A_disposed_connection_throws_ObjectDisposedException()
    {
        var connection = new KubeConnection(new KubeConnectionOptions { Server = new Uri("http://127.0.0.1:1") });
        await connection.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => connection.SendForStringAsync(HttpMethod.Get, "/version", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Request_content_is_disposed_after_sending()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        var content = new TrackingContent("{}");

        await connection.SendAsync(HttpMethod.Post, "/api/v1/namespaces", content, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.True(content.Disposed);
        Assert.Equal("{}", Assert.Single(server.Requests).BodyText);
    }

    private sealed class TrackingContent(string text) : StringContent(text)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
