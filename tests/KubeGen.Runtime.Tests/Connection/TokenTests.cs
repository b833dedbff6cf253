using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection;

public sealed class TokenTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    private static Func<Microsoft.AspNetCore.Http.HttpContext, RecordedRequest, Task> AcceptOnly(string token)
        => (context, request) => request.Header("Authorization") == "Bearer " + token
            ? LoopbackServer.Json(200, PodJson)(context, request)
            : LoopbackServer.Text(401, "text/html", $"<html>token {request.Header("Authorization")} rejected</html>")(context, request);

    [Fact]
    public async Task A_rotated_token_file_is_reread_after_a_401_and_the_request_retried_once()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "old-token-123\n");
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = AcceptOnly("new-token-456");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, TokenFile = tokenFile });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        // The old token is rejected and the file has not changed: no retry, a 401 error without the token.
        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", KubeContent.Json(new TestObject { Value = "body" }, TestJsonContext.Default.TestObject), TestJsonContext.Default.TestObject, timeout.Token));
        Assert.True(error.IsUnauthorized);
        Assert.Single(server.Requests); // no retry: re-reading the file gave the same token
        Assert.DoesNotContain("old-token-123", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("old-token-123", error.Status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("old-token-123", error.ResponseBodySnippet, StringComparison.Ordinal);
        Assert.DoesNotContain("old-token-123", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", error.ResponseBodySnippet, StringComparison.Ordinal);

        // The kubelet rotates the token; the modification time looks unchanged, so the cached token is sent first.
        DateTime modified = File.GetLastWriteTimeUtc(tokenFile);
        File.WriteAllText(tokenFile, "new-token-456\n");
        File.SetLastWriteTimeUtc(tokenFile, modified);
        int before = server.Requests.Count;

        TestObject created = await connection.SendAsync(
            HttpMethod.Post, "/api/v1/namespaces/default/configmaps", KubeContent.Json(new TestObject { Value = "body" }, TestJsonContext.Default.TestObject), TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal("web-0", created.Metadata?.Name);
        RecordedRequest[] attempts = server.Requests.Skip(before).ToArray();
        Assert.Equal(["Bearer old-token-123", "Bearer new-token-456"], attempts.Select(r => r.Header("Authorization")));
        Assert.All(attempts, r => Assert.Equal("""{"value":"body"}""", r.BodyText));

        // Later requests use the new token directly.
        await connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/c", null, TestJsonContext.Default.TestObject, timeout.Token);
        Assert.Equal("Bearer new-token-456", server.Requests[^1].Header("Authorization"));
        Assert.Equal(before + 3, server.Requests.Count);
    }

    [Fact]
    public async Task A_static_token_is_not_retried_and_never_appears_in_the_error()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = (context, request) => LoopbackServer.Json(401, $$"""{"kind":"Status","status":"Failure","message":"Unauthorized: bad token {{request.Header("Authorization")}}","reason":"Unauthorized","code":401}""")(context, request);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, Token = "static-secret-789" });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendForStringAsync(HttpMethod.Get, "/api", timeout.Token));

        Assert.Single(server.Requests);
        Assert.True(error.IsUnauthorized);
        Assert.Equal("Unauthorized: bad token Bearer [REDACTED] (401 Unauthorized)", error.Message);
        Assert.DoesNotContain("static-secret-789", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_token_is_cached_for_a_minute_unless_the_file_changes()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "first");
        DateTime modified = File.GetLastWriteTimeUtc(tokenFile);
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var source = new BearerTokenSource(staticToken: null, tokenFile, time);

        Assert.Equal("first", source.GetToken());
        Assert.Equal(1, source.FileReads);

        File.WriteAllText(tokenFile, "second");
        File.SetLastWriteTimeUtc(tokenFile, modified);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("first", source.GetToken());
        Assert.Equal(1, source.FileReads);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("second", source.GetToken());
        Assert.Equal(2, source.FileReads);

        File.WriteAllText(tokenFile, "third");
        File.SetLastWriteTimeUtc(tokenFile, modified.AddSeconds(5));
        Assert.Equal("third", source.GetToken());
        Assert.Equal(3, source.FileReads);
    }

    [Fact]
    public void The_last_good_token_is_kept_while_the_file_is_missing()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "good");
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var source = new BearerTokenSource(staticToken: "fallback", tokenFile, time);
        Assert.Equal("good", source.GetToken());

        File.Delete(tokenFile);
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("good", source.GetToken());
        Assert.Null(source.RefreshAfterUnauthorized("good"));
    }

    [Fact]
    public void The_static_token_is_the_fallback_and_an_unreadable_file_without_one_is_reported()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");

        Assert.Equal("fallback", new BearerTokenSource("fallback", tokenFile).GetToken());
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new BearerTokenSource(null, tokenFile).GetToken());
        Assert.StartsWith($"Cannot read the bearer token file '{tokenFile}'", error.Message, StringComparison.Ordinal);

        File.WriteAllText(tokenFile, "  \n");
        Assert.EndsWith("the file is empty", Assert.Throws<InvalidOperationException>(() => new BearerTokenSource(null, tokenFile).GetToken()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refresh_after_401_returns_only_a_changed_token()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "one");
        var source = new BearerTokenSource(null, tokenFile);

        Assert.Equal("one", source.GetToken());
        Assert.Null(source.RefreshAfterUnauthorized("one"));
        File.WriteAllText(tokenFile, "two");
        Assert.Equal("two", source.RefreshAfterUnauthorized("one"));
        Assert.Equal("two", source.GetToken());
        Assert.Null(new BearerTokenSource("static", null).RefreshAfterUnauthorized("static"));
        Assert.False(new BearerTokenSource("static", null).CanRefresh);
    }

    [Fact]
    public void Tokens_that_cannot_be_sent_in_a_header_are_rejected_without_being_shown()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(
            () => new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), Token = "abc\r\nX-Injected: yes" }));
        Assert.Equal("The bearer token in KubeConnectionOptions.Token contains whitespace, control or non-ASCII characters, which an HTTP Authorization header cannot carry. (Parameter 'staticToken')", error.Message);

        using TempDirectory dir = TestSupport.CreateTempDirectory();
        File.WriteAllText(dir.File("token"), "two words");
        InvalidOperationException fileError = Assert.Throws<InvalidOperationException>(() => new BearerTokenSource(null, dir.File("token")).GetToken());
        Assert.DoesNotContain("two words", fileError.Message, StringComparison.Ordinal);
        Assert.EndsWith("which an HTTP Authorization header cannot carry.", fileError.Message, StringComparison.Ordinal);
    }

    private sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
