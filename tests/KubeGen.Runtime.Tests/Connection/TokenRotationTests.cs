using Microsoft.AspNetCore.Http;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection;

/// <summary>
/// Token rotation the way the kubelet does it (a new timestamped directory, then an atomic swap of the
/// <c>..data</c> symlink), against a server that accepts only the current token.
/// </summary>
public sealed class TokenRotationTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    /// <summary>A server that accepts only <see cref="Current"/> and rejects anything else with a 401 that echoes what it got.</summary>
    private sealed class CurrentTokenOnly
    {
        private volatile string _current;

        public CurrentTokenOnly(string current) => _current = current;

        public string Current
        {
            get => _current;
            set => _current = value;
        }

        public Task Respond(HttpContext context, RecordedRequest request)
            => request.Header("Authorization") == "Bearer " + Current
                ? LoopbackServer.Json(200, PodJson)(context, request)
                : LoopbackServer.Json(401, $$"""{"kind":"Status","status":"Failure","message":"Unauthorized: {{request.Header("Authorization")}} is not valid","reason":"Unauthorized","code":401}""")(context, request);
    }

    /// <summary>Rotates the token while a request is already on its way (after the connection read the token, before the server sees it).</summary>
    private sealed class RotateInFlight(ServiceAccountDirectory directory, CurrentTokenOnly server) : DelegatingHandler
    {
        private string? _next;

        public void RotateOnNextSend(string token) => _next = token;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _next, null) is { } token)
            {
                server.Current = token;
                directory.Publish(token: token);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    [Fact]
    public async Task A_long_lived_connection_follows_several_rotations_without_a_single_401()
    {
        using var directory = new ServiceAccountDirectory(token: "rotation-token-0000\n");
        var accepted = new CurrentTokenOnly("rotation-token-0000");
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = accepted.Respond;
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, TokenFile = directory.TokenFile });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await GetPodAsync(connection, timeout.Token);
        await GetPodAsync(connection, timeout.Token);
        Assert.Equal(1, connection.Tokens.FileReads); // unchanged file: read once, checked per request

        for (int rotation = 1; rotation <= 4; rotation++)
        {
            string token = $"rotation-token-{rotation:D4}";
            string oldDirectory = directory.CurrentDataDirectory;
            accepted.Current = token; // from now on the server rejects the old token
            directory.Publish(token: token + "\n");
            Assert.False(Directory.Exists(oldDirectory));
            int before = server.Requests.Count;

            TestObject pod = await GetPodAsync(connection, timeout.Token);
            await GetPodAsync(connection, timeout.Token);

            Assert.Equal("web-0", pod.Metadata?.Name);
            // The swap of ..data was noticed before sending: both requests went out once, with the new token.
            Assert.Equal(["Bearer " + token, "Bearer " + token], server.Requests.Skip(before).Select(r => r.Header("Authorization")));
            Assert.Equal(1 + rotation, connection.Tokens.FileReads);
        }

        Assert.DoesNotContain(server.Requests, r => r.Header("Authorization") is null);
    }

    [Fact]
    public async Task A_rotation_during_a_request_is_caught_by_the_401_and_retried_once_with_the_new_token()
    {
        using var directory = new ServiceAccountDirectory(token: "inflight-token-0000");
        var accepted = new CurrentTokenOnly("inflight-token-0000");
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = accepted.Respond;
        RotateInFlight? rotator = null;
        await using var connection = new KubeConnection(new KubeConnectionOptions
        {
            Server = server.BaseUri,
            TokenFile = directory.TokenFile,
            Handlers = { () => rotator = new RotateInFlight(directory, accepted) },
        });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        await GetPodAsync(connection, timeout.Token);

        for (int rotation = 1; rotation <= 3; rotation++)
        {
            string oldToken = accepted.Current;
            string token = $"inflight-token-{rotation:D4}";
            rotator!.RotateOnNextSend(token);
            int before = server.Requests.Count;

            // A POST, so that the body must be sent twice.
            TestObject created = await connection.SendAsync(
                HttpMethod.Post, "/api/v1/namespaces/default/configmaps", KubeContent.Json(new TestObject { Value = "body-" + rotation }, TestJsonContext.Default.TestObject),
                TestJsonContext.Default.TestObject, timeout.Token);

            Assert.Equal("web-0", created.Metadata?.Name);
            RecordedRequest[] attempts = server.Requests.Skip(before).ToArray();
            Assert.Equal(["Bearer " + oldToken, "Bearer " + token], attempts.Select(r => r.Header("Authorization")));
            Assert.All(attempts, r => Assert.Equal($$"""{"value":"body-{{rotation}}"}""", r.BodyText));

            // The next request uses the new token directly.
            await GetPodAsync(connection, timeout.Token);
            Assert.Equal("Bearer " + token, server.Requests[^1].Header("Authorization"));
            Assert.Equal(before + 3, server.Requests.Count);
        }
    }

    [Fact]
    public async Task A_token_rejected_twice_raises_KubeApiException_after_exactly_one_retry_without_showing_any_token()
    {
        using var directory = new ServiceAccountDirectory(token: "twice-token-AAAA");
        var accepted = new CurrentTokenOnly("twice-token-AAAA");
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = accepted.Respond;
        RotateInFlight? rotator = null;
        await using var connection = new KubeConnection(new KubeConnectionOptions
        {
            Server = server.BaseUri,
            TokenFile = directory.TokenFile,
            // Rotates the file only: the server keeps its own idea of the valid token.
            Handlers = { () => rotator = new RotateInFlight(directory, new CurrentTokenOnly("unused")) },
        });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        await GetPodAsync(connection, timeout.Token);
        int before = server.Requests.Count;

        // The file gets a new token, but the server accepts neither the old nor the new one.
        rotator!.RotateOnNextSend("twice-token-BBBB");
        accepted.Current = "something-else-entirely";
        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(() => GetPodAsync(connection, timeout.Token));

        Assert.True(error.IsUnauthorized);
        Assert.Equal(["Bearer twice-token-AAAA", "Bearer twice-token-BBBB"], server.Requests.Skip(before).Select(r => r.Header("Authorization")));
        Assert.Equal("Unauthorized: Bearer [REDACTED] is not valid (401 Unauthorized)", error.Message);
        SecretAssert.NotIn(error, "twice-token-AAAA", "twice-token-BBBB");
    }

    [Fact]
    public async Task A_token_file_that_disappears_mid_rotation_keeps_the_last_good_token()
    {
        using var directory = new ServiceAccountDirectory(token: "kept-token-1234");
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.Fallback = new CurrentTokenOnly("kept-token-1234").Respond;
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, TokenFile = directory.TokenFile });
        using CancellationTokenSource timeout = TestSupport.Timeout();
        await GetPodAsync(connection, timeout.Token);

        // ..data points at a directory without the token (a broken publish): the link dangles.
        File.Delete(Path.Combine(directory.CurrentDataDirectory, "token"));
        await GetPodAsync(connection, timeout.Token);

        Assert.All(server.Requests, r => Assert.Equal("Bearer kept-token-1234", r.Header("Authorization")));
    }
}
