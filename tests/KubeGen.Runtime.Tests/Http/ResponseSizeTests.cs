using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

/// <summary>A hostile or broken server cannot make a call read an unbounded body: KubeConnectionOptions.MaxResponseBytes, counted after decompression.</summary>
public sealed class ResponseSizeTests
{
    private const int Limit = 1024 * 1024;

    /// <summary>A valid object whose <c>value</c> holds <paramref name="valueBytes"/> characters.</summary>
    private static byte[] PodJson(int valueBytes)
        => Encoding.UTF8.GetBytes("""{"kind":"Pod","metadata":{"name":"web-0"},"value":""" + "\"" + new string('a', valueBytes) + "\"}");

    private static Func<HttpContext, RecordedRequest, Task> Gzipped(byte[] body)
        => async (context, _) =>
        {
            using var compressed = new MemoryStream();
            await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                await gzip.WriteAsync(body, context.RequestAborted);
            }

            Assert.True(compressed.Length < Limit / 100, $"the compressed body is {compressed.Length} bytes");
            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync(compressed.ToArray(), context.RequestAborted);
        };

    private static KubeConnection Connect(LoopbackServer server, long? limit = Limit)
        => new(limit is { } max
            ? new KubeConnectionOptions { Server = server.BaseUri, Token = "size-token", MaxResponseBytes = max }
            : new KubeConnectionOptions { Server = server.BaseUri, Token = "size-token" });

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    [Fact]
    public async Task A_small_gzip_body_that_inflates_past_the_limit_is_refused_with_a_typed_exception()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(Gzipped(PodJson(4 * Limit)));
        await using KubeConnection connection = Connect(server);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeResponseTooLargeException error = await Assert.ThrowsAsync<KubeResponseTooLargeException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Equal(Limit, error.MaxResponseBytes);
        Assert.Equal("GET", error.Method);
        Assert.Equal("/api/v1/namespaces/default/pods/web-0", error.PathAndQuery);
        Assert.Equal(
            "GET /api/v1/namespaces/default/pods/web-0: the response body is larger than 1048576 bytes after decompression (KubeConnectionOptions.MaxResponseBytes); list in pages (limit/continue) or raise the limit.",
            error.Message);
        SecretAssert.NotIn(error, "size-token");
    }

    [Fact]
    public async Task The_same_body_under_a_higher_limit_is_read_whole()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(Gzipped(PodJson(4 * Limit)));
        await using KubeConnection connection = Connect(server, limit: 8 * Limit);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TestObject pod = await GetPodAsync(connection, timeout.Token);

        Assert.Equal(4 * Limit, pod.Value?.Length);
    }

    [Fact]
    public async Task An_endless_body_ends_at_the_limit_instead_of_hanging_or_exhausting_memory()
    {
        static async Task Endless(HttpContext context, RecordedRequest request)
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync("""{"kind":"Pod","value":" """u8.ToArray(), context.RequestAborted);
            byte[] chunk = Encoding.UTF8.GetBytes(new string('a', 64 * 1024));
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }

        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(Endless);
        server.Enqueue(Endless);
        await using KubeConnection connection = Connect(server);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await Assert.ThrowsAsync<KubeResponseTooLargeException>(() => GetPodAsync(connection, timeout.Token));
        await Assert.ThrowsAsync<KubeResponseTooLargeException>(() => connection.SendForStringAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0/log", timeout.Token));
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_reading_and_text_bodies_are_limited_too()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(LoopbackServer.Text(200, "text/plain", new string('x', Limit + 1)));
        server.Enqueue(LoopbackServer.Text(200, "text/plain; charset=utf-8", "short log\n"));
        await using KubeConnection connection = Connect(server);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await Assert.ThrowsAsync<KubeResponseTooLargeException>(() => connection.SendForStringAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0/log", timeout.Token));
        Assert.Equal("short log\n", await connection.SendForStringAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0/log", timeout.Token));
    }

    [Fact]
    public void The_default_limit_is_128_MiB_and_it_must_be_positive()
    {
        Assert.Equal(128L * 1024 * 1024, new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443") }.MaxResponseBytes);
        Assert.Equal(KubeConnectionOptions.DefaultMaxResponseBytes, new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443") }.MaxResponseBytes);
        ArgumentException invalid = Assert.Throws<ArgumentException>(() => new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), MaxResponseBytes = 0 }));
        Assert.StartsWith("KubeConnectionOptions.MaxResponseBytes must be positive, but it is 0.", invalid.Message, StringComparison.Ordinal);
    }
}
