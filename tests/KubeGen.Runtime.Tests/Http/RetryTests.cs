using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

/// <summary>Retries the client-go way, against a real loopback server.</summary>
public sealed class RetryTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";
    private const string PodPath = "/api/v1/namespaces/default/pods/web-0";

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, PodPath, null, TestJsonContext.Default.TestObject, cancellationToken);

    private static Task<TestObject> PostPodAsync(KubeConnection connection, string value, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", KubeContent.Json(new TestObject { Value = value }, TestJsonContext.Default.TestObject), TestJsonContext.Default.TestObject, cancellationToken);

    private static async Task<LoopbackServer> StartAsync(bool https)
        => https ? await LoopbackServer.StartAsync(TestCertificates.Server) : await LoopbackServer.StartAsync();

    private static KubeConnectionOptions Options(LoopbackServer server, bool https = false, int maxRetries = KubeConnectionOptions.DefaultMaxRetries)
        => new()
        {
            Server = server.BaseUri,
            Token = "retry-secret-token",
            CertificateAuthorities = https ? [TestCertificates.Authority] : null,
            MaxRetries = maxRetries,
        };

    [Fact]
    public async Task A_429_with_Retry_After_1_is_retried_after_about_a_second_and_succeeds()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(LoopbackServer.RetryAfter(429, "1"));
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(Options(server));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        var stopwatch = Stopwatch.StartNew();
        TestObject pod = await GetPodAsync(connection, timeout.Token);
        stopwatch.Stop();

        Assert.Equal("web-0", pod.Metadata?.Name);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {stopwatch.Elapsed}, before Retry-After: 1 had passed");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
        Assert.All(server.Requests, r => Assert.Equal("Bearer retry-secret-token", r.Header("Authorization")));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(504)]
    public async Task A_5xx_with_Retry_After_is_retried_even_for_a_POST_with_the_same_body(int status)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(LoopbackServer.RetryAfter(status, "0"));
        server.EnqueueJson(201, PodJson);
        await using var connection = new KubeConnection(Options(server));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TestObject created = await PostPodAsync(connection, "resent", timeout.Token);

        Assert.Equal("web-0", created.Metadata?.Name);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("""{"value":"resent"}""", r.BodyText));
    }

    [Fact]
    public async Task A_streamed_body_is_buffered_once_so_that_it_can_be_sent_again()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(LoopbackServer.RetryAfter(429, "0"));
        server.EnqueueJson(201, PodJson);
        await using var connection = new KubeConnection(Options(server));
        using CancellationTokenSource timeout = TestSupport.Timeout();
        var content = new StreamContent(new NonSeekableStream("""{"value":"streamed"}"""u8.ToArray()));

        await connection.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", content, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal(["""{"value":"streamed"}""", """{"value":"streamed"}"""], server.Requests.Select(r => r.BodyText));
    }

    [Fact]
    public async Task A_500_without_Retry_After_surfaces_at_once_after_exactly_one_request()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(500, """{"kind":"Status","status":"Failure","message":"etcdserver: request timed out","reason":"InternalError","code":500}""");
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(Options(server));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("etcdserver: request timed out (500 InternalError)", error.Message);
        Assert.Single(server.Requests);
        SecretAssert.NotIn(error, "retry-secret-token");
    }

    [Theory]
    [InlineData(null, 11)] // the default, client-go's 10 retries
    [InlineData(2, 3)]
    [InlineData(0, 1)]
    public async Task Retries_are_bounded_by_MaxRetries_and_the_last_429_surfaces(int? maxRetries, int expectedRequests)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = LoopbackServer.RetryAfter(429, "0");
        await using var connection = new KubeConnection(Options(server, maxRetries: maxRetries ?? KubeConnectionOptions.DefaultMaxRetries));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(() => GetPodAsync(connection, timeout.Token));

        Assert.True(error.IsTooManyRequests);
        Assert.Equal(expectedRequests, server.Requests.Count);
        SecretAssert.NotIn(error, "retry-secret-token");
    }

    [Fact]
    public async Task Cancellation_during_a_Retry_After_wait_ends_promptly()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = LoopbackServer.RetryAfter(429, "30");
        await using var connection = new KubeConnection(Options(server));
        using CancellationTokenSource cancel = TestSupport.Timeout();
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        var stopwatch = Stopwatch.StartNew();
        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GetPodAsync(connection, cancel.Token));
        stopwatch.Stop();

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"cancellation took {stopwatch.Elapsed}");
        Assert.Single(server.Requests);
        SecretAssert.NotIn(error, "retry-secret-token");
    }

    [Fact]
    public async Task A_Retry_After_wait_counts_against_the_request_timeout()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = LoopbackServer.RetryAfter(503, "30");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, RequestTimeout = TimeSpan.FromMilliseconds(400) });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Equal($"GET {PodPath} did not complete within 0.4 s (KubeConnectionOptions.RequestTimeout).", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_Retry_After_http_date_is_honoured()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        // An HTTP date has whole seconds: two seconds ahead is at least one second of waiting.
        server.Enqueue((context, request) => LoopbackServer.RetryAfter(429, DateTimeOffset.UtcNow.AddSeconds(2).ToString("R", CultureInfo.InvariantCulture))(context, request));
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(Options(server));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        var stopwatch = Stopwatch.StartNew();
        await GetPodAsync(connection, timeout.Token);

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {stopwatch.Elapsed}");
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_POST_whose_connection_drops_before_any_response_is_not_repeated(bool https)
    {
        await using LoopbackServer server = await StartAsync(https);
        server.Enqueue(LoopbackServer.Abort());
        server.EnqueueJson(201, PodJson);
        await using var connection = new KubeConnection(Options(server, https));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => PostPodAsync(connection, "once", timeout.Token));

        Assert.Null(error.StatusCode);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(https ? "HTTP/2" : "HTTP/1.1", request.Protocol);
        SecretAssert.NotIn(error, "retry-secret-token");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_GET_whose_connection_drops_before_any_response_is_retried_and_succeeds(bool https)
    {
        await using LoopbackServer server = await StartAsync(https);
        server.Enqueue(LoopbackServer.Abort());
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(Options(server, https));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TestObject pod = await GetPodAsync(connection, timeout.Token);

        Assert.Equal("web-0", pod.Metadata?.Name);
        Assert.Equal(["GET", "GET"], server.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_refused_connection_is_retried_a_few_times_for_GET_and_never_for_POST()
    {
        // A bound socket that does not listen: connections to its port are refused, and no other test can take the port.
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closed = new Uri($"http://127.0.0.1:{((IPEndPoint)reserved.LocalEndPoint!).Port}/");

        var attempts = new CountingHandler();
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = closed, Handlers = { () => attempts } });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        var stopwatch = Stopwatch.StartNew();
        HttpRequestException getError = await Assert.ThrowsAsync<HttpRequestException>(() => GetPodAsync(connection, timeout.Token));
        stopwatch.Stop();
        Assert.Equal(HttpRequestError.ConnectionError, getError.HttpRequestError);
        Assert.Equal(1 + 3, attempts.Count);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(1.6), $"backoff was only {stopwatch.Elapsed}"); // 0.25 + 0.5 + 1 s
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");

        attempts.Count = 0;
        await Assert.ThrowsAsync<HttpRequestException>(() => PostPodAsync(connection, "x", timeout.Token));
        Assert.Equal(1, attempts.Count);
    }

    [Fact]
    public async Task A_watch_retries_its_initial_request_but_never_once_the_stream_has_started()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(LoopbackServer.RetryAfter(429, "0"));
        server.Enqueue(async (context, _) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"1"}}}""" + "\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(100, context.RequestAborted);
            context.Abort();
        });
        server.Fallback = LoopbackServer.Json(200, "");
        await using var connection = new KubeConnection(Options(server));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        var names = new List<string?>();
        Exception error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (WatchEvent<TestObject> e in connection.WatchAsync("/api/v1/pods?watch=true", TestJsonContext.Default.TestObject, timeout.Token))
            {
                names.Add(e.Object.Metadata?.Name);
            }
        });

        Assert.True(error is IOException or HttpRequestException, error.ToString());
        Assert.Equal(["a"], names);
        Assert.Equal(2, server.Requests.Count); // the 429 and the stream; no reconnect after the drop
        SecretAssert.NotIn(error, "retry-secret-token");
    }

    [Fact]
    public void Retry_After_values_are_read_as_seconds_or_dates_and_capped()
    {
        var now = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.RetryAfter(Response(429, "3"), now));
        Assert.Equal(TimeSpan.FromSeconds(60), RetryPolicy.RetryAfter(Response(429, "3600"), now));
        Assert.Equal(TimeSpan.FromSeconds(7), RetryPolicy.RetryAfter(Response(503, "Sat, 28 Nov 2026 10:00:07 GMT"), now));
        Assert.Equal(TimeSpan.FromSeconds(60), RetryPolicy.RetryAfter(Response(503, "Sun, 29 Nov 2026 10:00:00 GMT"), now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.RetryAfter(Response(503, "Fri, 27 Nov 2026 10:00:00 GMT"), now));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryPolicy.RetryAfter(Response(429, null), now));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryPolicy.RetryAfter(Response(429, "soon"), now));
        Assert.Null(RetryPolicy.RetryAfter(Response(503, null), now));
        Assert.Null(RetryPolicy.RetryAfter(Response(500, "soon"), now));
        Assert.Null(RetryPolicy.RetryAfter(Response(404, "1"), now));
        Assert.Null(RetryPolicy.RetryAfter(Response(409, "1"), now));

        static HttpResponseMessage Response(int status, string? retryAfter)
        {
            var response = new HttpResponseMessage((HttpStatusCode)status);
            if (retryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            return response;
        }
    }

    [Fact]
    public void Negative_MaxRetries_is_rejected()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), MaxRetries = -1 }));
        Assert.Equal("options", error.ParamName);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count
        {
            get => Volatile.Read(ref _count);
            set => Volatile.Write(ref _count, value);
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
