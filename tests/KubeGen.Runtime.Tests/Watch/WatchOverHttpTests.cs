using System.Net;
using Microsoft.AspNetCore.Http;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Watch;

public sealed class WatchOverHttpTests
{
    private const string WatchPath = "/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&resourceVersion=0";

    [Fact]
    public async Task Events_flushed_in_partial_chunks_arrive_in_order_and_the_watch_ends_cleanly()
    {
        string[] chunks =
        [
            """{"type":"ADDED","obj""",
            """ect":{"metadata":{"name":"a","resourceVersion":"1"}}}""" + "\n" + """{"object":{"metadata":{"name":"b","resou""",
            """rceVersion":"2"}},"type":"MODIFIED"}""" + "\n",
            """{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"3"}}}""",
            "\n" + """{"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"4"}}}""" + "\n",
        ];
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(LoopbackServer.Stream(chunks, TimeSpan.FromMilliseconds(40)));
        // The request timeout does not apply to watches: the stream lasts longer than it.
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, Token = "watch-token", RequestTimeout = TimeSpan.FromMilliseconds(100) });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        var events = new List<string>();
        await foreach (WatchEvent<TestObject> e in connection.WatchAsync(WatchPath, TestJsonContext.Default.TestObject, timeout.Token))
        {
            events.Add($"{e.Type} {e.Object.Metadata?.Name} {e.Object.Metadata?.ResourceVersion}");
        }

        Assert.Equal(["Added a 1", "Modified b 2", "Bookmark  3", "Deleted a 4"], events);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal(WatchPath, request.PathAndQuery);
        Assert.Equal("Bearer watch-token", request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Accept"));
    }

    [Fact]
    public async Task An_error_event_ends_the_watch_with_a_410_KubeApiException()
    {
        string[] chunks =
        [
            """{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"1"}}}""" + "\n{\"type\":\"ERR",
            """OR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (9)","reason":"Expired","code":410}}""" + "\n",
        ];
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(LoopbackServer.Stream(chunks, TimeSpan.FromMilliseconds(20)));
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        var names = new List<string?>();
        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (WatchEvent<TestObject> e in connection.WatchAsync(WatchPath, TestJsonContext.Default.TestObject, timeout.Token))
            {
                names.Add(e.Object.Metadata?.Name);
            }
        });

        Assert.Equal(["a"], names);
        Assert.Equal(HttpStatusCode.Gone, error.StatusCode);
        Assert.Equal(410, error.Status.Code);
        Assert.True(error.IsGone);
        Assert.Equal("too old resource version: 1 (9) (410 Expired)", error.Message);
    }

    [Fact]
    public async Task A_refused_watch_throws_before_any_event()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(403, """{"kind":"Status","status":"Failure","message":"pods is forbidden: User \"system:serviceaccount:default:x\" cannot watch resource \"pods\"","reason":"Forbidden","code":403}""");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (WatchEvent<TestObject> e in connection.WatchAsync(WatchPath, TestJsonContext.Default.TestObject, timeout.Token))
            {
                Assert.Fail($"unexpected event {e.Type}");
            }
        });

        Assert.True(error.IsForbidden);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_quiet_watch_stops_it()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Enqueue(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"type":"ADDED","object":{"metadata":{"name":"a"}}}""" + "\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource cancel = TestSupport.Timeout();

        var names = new List<string?>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (WatchEvent<TestObject> e in connection.WatchAsync(WatchPath, TestJsonContext.Default.TestObject, cancel.Token))
            {
                names.Add(e.Object.Metadata?.Name);
                cancel.CancelAfter(TimeSpan.FromMilliseconds(100));
            }
        });

        Assert.Equal(["a"], names);
    }

    [Fact]
    public async Task Arguments_are_checked_when_the_watch_is_created()
    {
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = new Uri("http://127.0.0.1:1") });

        Assert.Equal("pathAndQuery", Assert.Throws<ArgumentException>(() => connection.WatchAsync("pods?watch=true", TestJsonContext.Default.TestObject, TestContext.Current.CancellationToken)).ParamName);
        Assert.Equal("objectType", Assert.Throws<ArgumentNullException>(() => connection.WatchAsync<TestObject>("/api/v1/pods?watch=true", null!, TestContext.Current.CancellationToken)).ParamName);
    }
}
