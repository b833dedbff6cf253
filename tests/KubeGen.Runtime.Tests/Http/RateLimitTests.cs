using System.Diagnostics;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

public sealed class RateLimitTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    [Fact]
    public async Task With_5_qps_and_a_burst_of_1_six_quick_requests_take_about_a_second()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = LoopbackServer.Json(200, PodJson);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        // Timed from before the limiter exists: however its refills line up, the bucket starts with one token
        // and gains five more no sooner than one second later.
        var stopwatch = Stopwatch.StartNew();
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, RateLimit = new KubeRateLimit(qps: 5, burst: 1) });
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => GetPodAsync(connection, timeout.Token)));
        stopwatch.Stop();

        // One request at once, then one every 200 ms: five waits.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(900), $"6 requests at 5 QPS / burst 1 took only {stopwatch.Elapsed}");
        Assert.Equal(6, server.Requests.Count);
    }

    [Fact]
    public async Task Without_a_rate_limit_nothing_waits()
    {
        Assert.Null(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1") }.RateLimit);
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = LoopbackServer.Json(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        await GetPodAsync(connection, timeout.Token); // connection set-up

        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GetPodAsync(connection, timeout.Token)));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Retries_do_not_take_another_token()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(LoopbackServer.RetryAfter(429, "0"));
        server.Enqueue(LoopbackServer.RetryAfter(503, "0"));
        server.EnqueueJson(200, PodJson);
        // One token every 10 s: a retry that needed a token would wait for it.
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, RateLimit = new KubeRateLimit(qps: 0.1, burst: 1) });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        var stopwatch = Stopwatch.StartNew();
        await GetPodAsync(connection, timeout.Token);

        Assert.Equal(3, server.Requests.Count);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Waiting_for_a_token_honours_cancellation()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = LoopbackServer.Json(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, RateLimit = new KubeRateLimit(qps: 0.05, burst: 1) });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        await GetPodAsync(connection, timeout.Token); // takes the only token for the next 20 s
        using CancellationTokenSource cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        var stopwatch = Stopwatch.StartNew();
        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GetPodAsync(connection, cancel.Token));

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
        Assert.Single(server.Requests);
    }

    [Fact]
    public void Limits_are_validated_and_client_go_defaults_are_5_qps_burst_10()
    {
        Assert.Equal(5, KubeRateLimit.ClientGoDefaults.Qps);
        Assert.Equal(10, KubeRateLimit.ClientGoDefaults.Burst);
        Assert.Equal("5 QPS, burst 10", KubeRateLimit.ClientGoDefaults.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new KubeRateLimit(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KubeRateLimit(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KubeRateLimit(5, 0));
    }
}
