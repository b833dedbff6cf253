using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

/// <summary>Users' own handlers, IHttpClientFactory, and the settings of the handler that talks to the server.</summary>
public sealed class HandlerPipelineTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    /// <summary>What a logging or metrics handler would see.</summary>
    private sealed class RecordingHandler(string name, ConcurrentQueue<string> log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string authorization = request.Headers.Authorization?.ToString() ?? "none";
            log.Enqueue($"{name} > {request.Method} {request.RequestUri!.AbsolutePath} auth={authorization} ua={request.Headers.UserAgent}");
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            log.Enqueue($"{name} < {(int)response.StatusCode}");
            return response;
        }
    }

    [Fact]
    public async Task User_handlers_see_every_attempt_in_order_but_never_the_token_which_the_server_still_gets()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.Enqueue(LoopbackServer.RetryAfter(429, "0"));
        server.EnqueueJson(200, PodJson);
        var log = new ConcurrentQueue<string>();
        await using var connection = new KubeConnection(new KubeConnectionOptions
        {
            Server = server.BaseUri,
            Token = "handler-token",
            CertificateAuthorities = [TestCertificates.Authority],
            UserAgent = "pipeline-test/1.0",
            Handlers = { () => new RecordingHandler("outer", log), () => new RecordingHandler("inner", log) },
        });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await GetPodAsync(connection, timeout.Token);

        // The primary handler adds the Authorization header after the handlers, once the server's certificate is checked.
        string attempt = "> GET /api/v1/namespaces/default/pods/web-0 auth=none ua=pipeline-test/1.0";
        Assert.Equal(
            [$"outer {attempt}", $"inner {attempt}", "inner < 429", "outer < 429", $"outer {attempt}", $"inner {attempt}", "inner < 200", "outer < 200"],
            log);
        Assert.All(server.Requests, r => Assert.Equal("Bearer handler-token", r.Header("Authorization")));
        Assert.Equal("HTTP/2", server.Requests[0].Protocol);
    }

    [Fact]
    public async Task Works_through_IHttpClientFactory_with_the_primary_handler_and_keeps_ca_trust_and_retries()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        File.WriteAllText(dir.File("token"), "factory-token");
        string caFile = TestCertificates.WritePem(dir.File("ca.crt"), TestCertificates.Authority);
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.Enqueue(LoopbackServer.RetryAfter(503, "0"));
        server.Fallback = LoopbackServer.Json(200, PodJson);
        var options = new KubeConnectionOptions { Server = server.BaseUri, TokenFile = dir.File("token"), CertificateAuthorityFile = caFile };
        var log = new ConcurrentQueue<string>();

        var services = new ServiceCollection();
        services.AddHttpClient("kube")
            .ConfigurePrimaryHttpMessageHandler(() => KubeConnection.CreatePrimaryHandler(options))
            .AddHttpMessageHandler(() => new RecordingHandler("factory", log))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("kube");
        await using var connection = new KubeConnection(options, client);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TestObject pod = await GetPodAsync(connection, timeout.Token);

        Assert.Equal("web-0", pod.Metadata?.Name);
        Assert.Equal(["Bearer factory-token", "Bearer factory-token"], server.Requests.Select(r => r.Header("Authorization")));
        Assert.Equal(["factory < 503", "factory < 200"], log.Where(l => l.StartsWith("factory <", StringComparison.Ordinal)));
        Assert.All(log.Where(l => l.StartsWith("factory >", StringComparison.Ordinal)), l => Assert.Contains("auth=none", l, StringComparison.Ordinal));

        // The caller owns the client: disposing the connection leaves it usable.
        await connection.DisposeAsync();
        using HttpResponseMessage raw = await client.GetAsync(new Uri(server.BaseUri, "/version"), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
    }

    [Fact]
    public async Task A_401_through_a_factory_client_rereads_the_token_file_and_retries_once()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "stale-token-aaaa");
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = (context, request) => request.Header("Authorization") == "Bearer fresh-token-bbbb"
            ? LoopbackServer.Json(200, PodJson)(context, request)
            : LoopbackServer.Json(401, """{"kind":"Status","status":"Failure","reason":"Unauthorized","code":401}""")(context, request);
        var options = new KubeConnectionOptions { Server = server.BaseUri, TokenFile = tokenFile };
        using var client = new HttpClient(KubeConnection.CreatePrimaryHandler(options));
        await using var connection = new KubeConnection(options, client);
        using CancellationTokenSource timeout = TestSupport.Timeout();
        Assert.Equal("stale-token-aaaa", connection.Tokens.GetToken());

        DateTime modified = File.GetLastWriteTimeUtc(tokenFile);
        File.WriteAllText(tokenFile, "fresh-token-bbbb");
        File.SetLastWriteTimeUtc(tokenFile, modified); // the change is not seen before sending
        await GetPodAsync(connection, timeout.Token);

        Assert.Equal(["Bearer stale-token-aaaa", "Bearer fresh-token-bbbb"], server.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task A_client_that_does_not_end_in_the_primary_handler_is_refused_when_a_ca_is_configured()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        // A handler of the user's own that happens to trust the server: KubeGen's CA trust did not run.
        var own = new SocketsHttpHandler();
        own.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var client = new HttpClient(own);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] }, client);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Contains("does not send through KubeConnection.CreatePrimaryHandler(options)", error.Message, StringComparison.Ordinal);

        // A primary handler made for other certificate authorities does not count either.
        using var otherClient = new HttpClient(KubeConnection.CreatePrimaryHandler(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] }));
        await using var mismatched = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] }, otherClient);
        await Assert.ThrowsAsync<InvalidOperationException>(() => GetPodAsync(mismatched, timeout.Token));
    }

    [Fact]
    public void Handlers_are_validated()
    {
        var options = new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), Handlers = { () => new RecordingHandler("x", new()) } };
        using var client = new HttpClient();
        Assert.Contains("add those handlers to the client's own pipeline", Assert.Throws<ArgumentException>(() => new KubeConnection(options, client)).Message, StringComparison.Ordinal);

        var used = new RecordingHandler("used", new()) { InnerHandler = new HttpClientHandler() };
        ArgumentException reused = Assert.Throws<ArgumentException>(
            () => new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), Handlers = { () => used } }));
        Assert.Equal("The handler from KubeConnectionOptions.Handlers[0] (RecordingHandler) already has an InnerHandler; each factory must return a new handler. (Parameter 'options')", reused.Message);
        Assert.Throws<ArgumentException>(() => new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), Handlers = { () => null! } }));
    }

    [Fact]
    public void The_primary_handler_uses_http2_pings_timeouts_a_bounded_connection_lifetime_and_compression()
    {
        using var connection = new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), CertificateAuthorities = [TestCertificates.Authority] });

        SocketsHttpHandler handler = Assert.IsType<SocketsHttpHandler>(connection.PrimaryHandler!.InnerHandler);
        Assert.Equal(TimeSpan.FromSeconds(30), handler.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(15), handler.KeepAlivePingTimeout);
        Assert.Equal(HttpKeepAlivePingPolicy.WithActiveRequests, handler.KeepAlivePingPolicy);
        Assert.Equal(TimeSpan.FromSeconds(10), handler.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), handler.PooledConnectionLifetime);
        Assert.Equal(DecompressionMethods.GZip | DecompressionMethods.Deflate, handler.AutomaticDecompression);
        Assert.True(handler.EnableMultipleHttp2Connections);
        Assert.False(handler.AllowAutoRedirect);
        Assert.NotNull(handler.SslOptions.RemoteCertificateValidationCallback);
    }

    [Fact]
    public async Task Deflate_responses_are_decompressed()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = "deflate";
            using var buffer = new MemoryStream();
            await using (var zlib = new System.IO.Compression.ZLibStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                await zlib.WriteAsync(Encoding.UTF8.GetBytes(PodJson), context.RequestAborted);
            }

            await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
        });
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TestObject pod = await GetPodAsync(connection, timeout.Token);

        Assert.Equal("web-0", pod.Metadata?.Name);
    }
}
