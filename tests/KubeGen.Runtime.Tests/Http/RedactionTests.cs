using Microsoft.AspNetCore.Http;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

/// <summary>
/// A server (or a proxy in front of it) that echoes the bearer token anywhere in a Status, in a response or in a watch
/// ERROR event, never gets it into a KubeApiException: every text of the Status is redacted the same way.
/// </summary>
public sealed class RedactionTests
{
    private const string Token = "echoed-bearer-token-42";

    /// <summary>A Status that carries the token it was sent in every text field.</summary>
    private static string EchoingStatus(int code)
        => $$"""
            {"kind":"Status","apiVersion":"v1","status":"Failure","message":"token {{Token}} is not valid here","reason":"Invalid",
             "details":{"name":"cm-{{Token}}","kind":"configmaps","causes":[
               {"reason":"FieldValueInvalid","message":"Invalid value: \"{{Token}}\": must not be a credential","field":"data[{{Token}}]"},
               {"reason":"FieldValueRequired","message":"Required value"}]},
             "code":{{code}}}
            """.Replace("\n", "", StringComparison.Ordinal);

    private static void AssertRedacted(KubeApiException error)
    {
        SecretAssert.NotIn(error, Token);
        KubeStatusDetails details = Assert.IsType<KubeStatusDetails>(error.Status.Details);
        Assert.Equal("token [REDACTED] is not valid here", error.Status.Message);
        Assert.Equal("cm-[REDACTED]", details.Name);
        Assert.Equal(
            [("FieldValueInvalid", "Invalid value: \"[REDACTED]\": must not be a credential", "data[[REDACTED]]"), ("FieldValueRequired", "Required value", null)],
            details.Causes.Select(c => (c.Reason, c.Message, c.Field)));
    }

    [Fact]
    public async Task Every_text_of_an_error_status_is_redacted_including_the_causes()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(422, EchoingStatus(422));
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, Token = Token });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", KubeContent.Json(new TestObject(), TestJsonContext.Default.TestObject), TestJsonContext.Default.TestObject, timeout.Token));

        Assert.True(error.IsInvalid);
        AssertRedacted(error);
    }

    [Fact]
    public async Task A_watch_error_event_is_redacted_the_same_way()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"type":"ERROR","object":{{EchoingStatus(0)}}}""" + "\n", context.RequestAborted);
        });
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, Token = Token });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (WatchEvent<TestObject> e in connection.WatchAsync("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=5", TestJsonContext.Default.TestObject, timeout.Token))
            {
                Assert.Fail($"unexpected {e.Type}");
            }
        });

        Assert.Equal(500, error.Status.Code); // an ERROR Status without a code
        AssertRedacted(error);
    }
}
