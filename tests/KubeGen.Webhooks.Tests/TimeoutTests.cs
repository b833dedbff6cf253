using System.Diagnostics;
using System.Text.Json.Nodes;
using KubeGen.Webhooks.Tests.Infrastructure;
using WebhookTests.Kube.CoreV1;

namespace KubeGen.Webhooks.Tests;

/// <summary>
/// A handler that does not decide in time is answered for before the API server gives up: a denial
/// naming the webhook under failurePolicy Fail, an allow with a warning under Ignore. The handlers
/// here wait on a gate that is opened only after the answer, so the timing is the server's alone.
/// </summary>
public sealed class TimeoutTests
{
    private static readonly WebhookResource Pods = WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods");

    [Theory]
    [InlineData(FailurePolicy.Fail)]
    [InlineData(FailurePolicy.Ignore)]
    public async Task A_handler_past_its_deadline_is_answered_for(FailurePolicy policy)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(b => b.Validate("slow.kubegen.dev", Pods, Pod.JsonTypeInfo, async context =>
        {
            context.CancellationToken.Register(() => cancelled.TrySetResult());
            await gate.Task;
            return AdmissionDecision.Allow();
        }, r =>
        {
            r.FailurePolicy = policy;
            r.HandlerTimeout = TimeSpan.FromMilliseconds(300);
        }));
        using HttpClient client = server.CreateClient();
        var answer = await TestWebhookServer.PostAsync(client, "/validate/slow.kubegen.dev", Reviews.Request(Reviews.Pod("p")));
        gate.SetResult();
        JsonNode response = answer.Json!["response"]!;
        if (policy == FailurePolicy.Fail)
        {
            Assert.False((bool)response["allowed"]!);
            Assert.Equal(504, (int)response["status"]!["code"]!);
            Assert.Equal("webhook \"slow.kubegen.dev\" did not decide within 0.3 s (the API server waits 10 s)", (string?)response["status"]!["message"]);
        }
        else
        {
            Assert.True((bool)response["allowed"]!);
            Assert.Equal("webhook \"slow.kubegen.dev\" did not decide within 0.3 s (the API server waits 10 s); allowed by failurePolicy Ignore", (string?)response["warnings"]![0]);
        }

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_deadline_follows_the_api_servers_timeout_parameter_and_a_blocking_handler_cannot_hold_the_answer()
    {
        using var release = new ManualResetEventSlim();
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(b => b.Validate("blocking.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            release.Wait(TimeSpan.FromSeconds(20)); // synchronous and ignoring the token: the worst handler
            return AdmissionDecision.Allow();
        }, r => r.TimeoutSeconds = 30));
        using HttpClient client = server.CreateClient();
        var clock = Stopwatch.StartNew();
        var answer = await TestWebhookServer.PostAsync(client, "/validate/blocking.kubegen.dev", Reviews.Request(Reviews.Pod("p")), query: "?timeout=1s");
        TimeSpan took = clock.Elapsed;
        release.Set();
        Assert.Equal("webhook \"blocking.kubegen.dev\" did not decide within 0.8 s (the API server waits 30 s)", (string?)answer.Json!["response"]!["status"]!["message"]);
        Assert.True(took < TimeSpan.FromSeconds(5), $"answered after {took}");
    }

    [Theory]
    [InlineData(10, null, 8000)]
    [InlineData(10, "3s", 2400)]
    [InlineData(5, "30s", 4000)]
    [InlineData(10, "1m30s", 8000)]
    [InlineData(10, "500ms", 400)]
    [InlineData(10, "garbage", 8000)]
    public void The_default_deadline_is_80_percent_of_the_shorter_timeout(int timeoutSeconds, string? query, int expectedMilliseconds)
    {
        WebhookApplicationBuilder builder = WebhookApplication.CreateBuilder([]);
        builder.Validate("d.kubegen.dev", Pods, Pod.JsonTypeInfo, _ => AdmissionDecision.Allow(), r => r.TimeoutSeconds = timeoutSeconds);
        WebhookRegistration registration = builder.Registrations[0];
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), registration.Deadline(Serving.GoDuration.TryParse(query)));
    }
}
