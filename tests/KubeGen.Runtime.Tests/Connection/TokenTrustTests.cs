using System.Security.Cryptography.X509Certificates;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection;

/// <summary>
/// The bearer token leaves the process only over a connection whose server certificate KubeGen's primary handler has
/// checked, whatever the caller's own HttpClient or handlers do: real TLS on loopback with a server certificate that the
/// configured CA did not issue, and caller handlers that accept any certificate.
/// </summary>
public sealed class TokenTrustTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";
    private const string Secret = "never-leaves-without-ca-check";

    private static readonly Lazy<X509Certificate2> RogueServer = new(() => TestCertificates.CreateLoopbackServer(TestCertificates.CreateAuthority("Rogue CA")));

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    private static SocketsHttpHandler AcceptingAnyCertificate()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return handler;
    }

    private static void AssertTokenNeverReceived(LoopbackServer server)
    {
        Assert.All(server.Requests, r =>
        {
            Assert.Null(r.Header("Authorization"));
            Assert.DoesNotContain(Secret, string.Concat(r.Headers.Values) + r.PathAndQuery + r.BodyText, StringComparison.Ordinal);
        });
    }

    /// <summary>A handler of the caller's that sends the request through its own pipeline instead of the next handler.</summary>
    private sealed class SendingElsewhereHandler(HttpMessageHandler elsewhere) : DelegatingHandler
    {
        private readonly HttpMessageInvoker _elsewhere = new(elsewhere);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => _elsewhere.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _elsewhere.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    [Theory]
    [InlineData(true)]  // a CA is configured: the server's certificate is not from it
    [InlineData(false)] // the system trust applies: the server's certificate is not trusted by it either
    public async Task A_caller_client_that_accepts_any_certificate_is_refused_and_never_carries_the_token(bool withCa)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(RogueServer.Value);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        using var client = new HttpClient(AcceptingAnyCertificate());
        await using var connection = new KubeConnection(
            new KubeConnectionOptions { Server = server.BaseUri, Token = Secret, CertificateAuthorities = withCa ? [TestCertificates.Authority] : null },
            client);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Contains("does not send through KubeConnection.CreatePrimaryHandler(options)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("nor the bearer token was applied", refused.Message, StringComparison.Ordinal);
        SecretAssert.NotIn(refused, Secret);
        Assert.Single(server.Requests); // the request did arrive, without the token
        AssertTokenNeverReceived(server);
    }

    [Fact]
    public async Task A_caller_handler_that_sends_the_request_elsewhere_sends_it_without_the_token()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(RogueServer.Value);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions
        {
            Server = server.BaseUri,
            Token = Secret,
            CertificateAuthorities = [TestCertificates.Authority],
            Handlers = { () => new SendingElsewhereHandler(AcceptingAnyCertificate()) },
        });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await GetPodAsync(connection, timeout.Token);

        Assert.Single(server.Requests);
        AssertTokenNeverReceived(server);
    }

    [Fact]
    public async Task Through_the_primary_handler_the_token_is_sent_only_after_the_certificate_check_passed()
    {
        await using LoopbackServer rogue = await LoopbackServer.StartAsync(RogueServer.Value);
        await using LoopbackServer trusted = await LoopbackServer.StartAsync(TestCertificates.Server);
        rogue.Fallback = trusted.Fallback = LoopbackServer.Json(200, PodJson);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        var toRogue = new KubeConnectionOptions { Server = rogue.BaseUri, Token = Secret, CertificateAuthorities = [TestCertificates.Authority] };
        using (var client = new HttpClient(KubeConnection.CreatePrimaryHandler(toRogue)))
        {
            await using var connection = new KubeConnection(toRogue, client);
            HttpRequestException rejected = await Assert.ThrowsAsync<HttpRequestException>(() => GetPodAsync(connection, timeout.Token));
            SecretAssert.NotIn(rejected, Secret);
        }

        var toTrusted = new KubeConnectionOptions { Server = trusted.BaseUri, Token = Secret, CertificateAuthorities = [TestCertificates.Authority] };
        using (var client = new HttpClient(KubeConnection.CreatePrimaryHandler(toTrusted)))
        {
            await using var connection = new KubeConnection(toTrusted, client);
            await GetPodAsync(connection, timeout.Token);
        }

        Assert.Empty(rogue.Requests); // the handshake failed: nothing was sent
        Assert.Equal(["Bearer " + Secret], trusted.Requests.Select(r => r.Header("Authorization")));
    }
}
