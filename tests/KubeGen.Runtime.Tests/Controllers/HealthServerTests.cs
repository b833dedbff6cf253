using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>The opt-in probe and metrics endpoint.</summary>
public sealed class HealthServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Probes_follow_liveness_and_readiness_and_metrics_are_Prometheus_text()
    {
        bool ready = false;
        using var metrics = new PrometheusMetrics();
        var queue = new RateLimitingQueue<string>(options: new WorkQueueOptions { Name = "health-test", TimeProvider = new FakeTimeProvider() }); // "c" waits for its backoff
        await using HealthServer server = HealthServer.Start(new IPEndPoint(IPAddress.Loopback, 0), () => true, () => ready, metrics);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}/"), Timeout = TimeSpan.FromSeconds(10) };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("readyz", Ct)).StatusCode);
        ready = true;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz?verbose", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("other", Ct)).StatusCode);

        queue.Add("a");
        queue.Add("b");
        queue.AddRateLimited("c");
        (string item, _) = await queue.GetAsync(Ct);
        queue.Done(item);
        string text = await http.GetStringAsync("metrics", Ct);
        Assert.Contains("# TYPE kubegen_workqueue_adds_total counter", text, StringComparison.Ordinal);
        Assert.Contains("kubegen_workqueue_adds_total{name=\"health-test\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("kubegen_workqueue_retries_total{name=\"health-test\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("kubegen_workqueue_depth{name=\"health-test\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("kubegen_workqueue_work_duration_seconds_count{name=\"health-test\"} 1\n", text, StringComparison.Ordinal);
        queue.ShutDown();
    }
}
