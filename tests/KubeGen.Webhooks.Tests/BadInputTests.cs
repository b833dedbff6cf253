using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Webhooks.Tests.Infrastructure;
using WebhookTests.Kube.CoreV1;

namespace KubeGen.Webhooks.Tests;

/// <summary>
/// Whatever arrives, the server answers (a 4xx with a message, or a well-formed denial naming the
/// webhook) and keeps serving; a handler that throws is a denial, never a bare 500.
/// </summary>
public sealed class BadInputTests
{
    private const string Path = "/validate/strict.kubegen.dev";
    private static readonly WebhookResource Pods = WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods");

    private static Task<TestWebhookServer> StartAsync(long? maxBody = null) => TestWebhookServer.StartAsync(b =>
    {
        if (maxBody is long max)
        {
            b.Server.MaxRequestBodyBytes = max;
        }

        b.Validate("strict.kubegen.dev", Pods, Pod.JsonTypeInfo, context => context.Name == "boom"
            ? throw new InvalidOperationException("the policy store is unreachable")
            : AdmissionDecision.Allow());
    });

    [Theory]
    [InlineData("not json", "the body is not an AdmissionReview")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\"}}", "only admission.k8s.io/v1 AdmissionReviews are served")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Pod\"}", "expected kind AdmissionReview")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}", "the AdmissionReview has no request")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}", "the AdmissionReview's request has no uid")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":7}}", "the body is not an AdmissionReview")]
    [InlineData("[]", "the body is not an AdmissionReview")]
    public async Task A_malformed_review_is_a_400_naming_the_webhook(string body, string problem)
    {
        await using TestWebhookServer server = await StartAsync();
        using HttpClient client = server.CreateClient();
        var answer = await TestWebhookServer.PostAsync(client, Path, body);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.StartsWith("webhook \"strict.kubegen.dev\": " + problem, answer.Body, StringComparison.Ordinal);
        await AssertStillServesAsync(client);
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_whether_declared_or_streamed()
    {
        await using TestWebhookServer server = await StartAsync(maxBody: 64 * 1024);
        using HttpClient client = server.CreateClient();
        string huge = Reviews.Request(Reviews.Pod("big", new JsonObject { ["blob"] = new string('x', 100 * 1024) }));
        var declared = await TestWebhookServer.PostAsync(client, Path, huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.Status);
        Assert.Contains("larger than 65536 bytes", declared.Body, StringComparison.Ordinal);

        using var streamed = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(huge)));
        using var request = new HttpRequestMessage(HttpMethod.Post, Path.TrimStart('/')) { Content = new ChunkedContent(huge) };
        using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertStillServesAsync(client);
    }

    [Fact]
    public async Task A_request_for_another_kind_or_an_unreadable_object_is_a_400_denial()
    {
        await using TestWebhookServer server = await StartAsync();
        using HttpClient client = server.CreateClient();
        JsonObject deployment = new() { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = "d" } };
        var otherKind = await TestWebhookServer.PostAsync(client, Path, Reviews.Request(deployment, group: "apps", kind: "Deployment", resource: "deployments"));
        Assert.Equal(HttpStatusCode.OK, otherKind.Status);
        JsonNode response = otherKind.Json!["response"]!;
        Assert.False((bool)response["allowed"]!);
        Assert.Equal(400, (int)response["status"]!["code"]!);
        Assert.Equal("webhook \"strict.kubegen.dev\" handles v1, Kind=Pod, not apps/v1, Kind=Deployment; check the rules of its webhook configuration", (string?)response["status"]!["message"]);

        JsonObject broken = Reviews.Pod("p");
        broken["spec"] = "not an object";
        var unreadable = await TestWebhookServer.PostAsync(client, Path, Reviews.Request(broken));
        Assert.Equal(400, (int)unreadable.Json!["response"]!["status"]!["code"]!);
        Assert.StartsWith("webhook \"strict.kubegen.dev\" cannot read the request's object as v1, Kind=Pod", (string?)unreadable.Json["response"]!["status"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_exception_is_a_denial_naming_the_webhook()
    {
        await using TestWebhookServer server = await StartAsync();
        using HttpClient client = server.CreateClient();
        var answer = await TestWebhookServer.PostAsync(client, Path, Reviews.Request(Reviews.Pod("boom"), uid: "u-boom"));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        JsonNode response = answer.Json!["response"]!;
        Assert.Equal("u-boom", (string?)response["uid"]);
        Assert.False((bool)response["allowed"]!);
        Assert.Equal(500, (int)response["status"]!["code"]!);
        Assert.Equal("InternalError", (string?)response["status"]!["reason"]);
        Assert.Equal("webhook \"strict.kubegen.dev\" failed: InvalidOperationException: the policy store is unreachable", (string?)response["status"]!["message"]);
        await AssertStillServesAsync(client);
    }

    private static async Task AssertStillServesAsync(HttpClient client)
    {
        var ok = await TestWebhookServer.PostAsync(client, Path, Reviews.Request(Reviews.Pod("fine")));
        Assert.True((bool)ok.Json!["response"]!["allowed"]!);
    }

    /// <summary>A body sent without Content-Length (chunked on HTTP/1.1, unsized DATA frames on HTTP/2).</summary>
    private sealed class ChunkedContent(string text) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            => stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
