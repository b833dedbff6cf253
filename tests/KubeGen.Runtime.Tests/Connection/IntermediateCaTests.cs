using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection;

/// <summary>
/// A ca.crt that holds only an intermediate certificate authority (root → intermediate → server) is trusted as
/// client-go and OpenSSL trust it: a chain that reaches a certificate of the bundle is trusted, self-signed or not.
/// Everything else is still rejected. Real TLS on loopback.
/// </summary>
public sealed class IntermediateCaTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    private static readonly Lazy<(X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Sibling)> Authorities = new(() =>
    {
        X509Certificate2 root = TestCertificates.CreateAuthority("KubeGen Test Root");
        return (root, TestCertificates.CreateIntermediate(root, "KubeGen Test Intermediate"), TestCertificates.CreateIntermediate(root, "KubeGen Sibling Intermediate"));
    });

    private static X509Certificate2 Intermediate => Authorities.Value.Intermediate;

    /// <summary>Serves <paramref name="serverCertificate"/> and calls it with only the intermediate in ca.crt.</summary>
    private static async Task<(LoopbackServer Server, Task<TestObject> Call)> CallWithIntermediateOnlyAsync(X509Certificate2 serverCertificate, TempDirectory dir, CancellationToken cancellationToken)
    {
        LoopbackServer server = await LoopbackServer.StartAsync(serverCertificate);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        string caFile = TestCertificates.WritePem(dir.File("ca.crt"), Intermediate);
        var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorityFile = caFile, Token = "intermediate-token" });
        return (server, CallAndDisposeAsync(connection, cancellationToken));
    }

    private static async Task<TestObject> CallAndDisposeAsync(KubeConnection connection, CancellationToken cancellationToken)
    {
        await using (connection)
        {
            return await connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);
        }
    }

    private static async Task AssertRejectedAsync(X509Certificate2 serverCertificate, string expectedProblem)
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        using CancellationTokenSource timeout = TestSupport.Timeout();
        (LoopbackServer server, Task<TestObject> call) = await CallWithIntermediateOnlyAsync(serverCertificate, dir, timeout.Token);
        await using (server)
        {
            HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => call);

            Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
            Assert.IsType<AuthenticationException>(error.InnerException);
            Assert.Contains(expectedProblem, error.Message, StringComparison.Ordinal);
            Assert.Empty(server.Requests);
        }
    }

    [Fact]
    public async Task A_server_certificate_issued_by_the_intermediate_in_ca_crt_is_trusted()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        using CancellationTokenSource timeout = TestSupport.Timeout();
        (LoopbackServer server, Task<TestObject> call) = await CallWithIntermediateOnlyAsync(TestCertificates.CreateLoopbackServer(Intermediate), dir, timeout.Token);
        await using (server)
        {
            TestObject pod = await call;

            Assert.Equal("web-0", pod.Metadata?.Name);
            Assert.Equal("Bearer intermediate-token", Assert.Single(server.Requests).Header("Authorization"));
        }
    }

    [Fact]
    public async Task A_server_certificate_from_a_sibling_intermediate_of_the_same_root_is_rejected()
        => await AssertRejectedAsync(TestCertificates.CreateLoopbackServer(Authorities.Value.Sibling), "is not trusted");

    [Fact]
    public async Task An_expired_server_certificate_from_the_intermediate_is_rejected()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Certificate2 expired = TestCertificates.CreateServer(Intermediate, now.AddDays(-1.5), now.AddDays(-1), "127.0.0.1", "localhost");

        await AssertRejectedAsync(expired, "NotTimeValid");
    }

    [Fact]
    public async Task A_server_certificate_from_the_intermediate_for_another_host_is_rejected()
        => await AssertRejectedAsync(TestCertificates.CreateServer(Intermediate, "kubernetes.other.example"), "is not valid for");

    [Fact]
    public async Task A_server_certificate_issued_by_the_root_is_rejected_when_only_the_intermediate_is_trusted()
        => await AssertRejectedAsync(TestCertificates.CreateLoopbackServer(Authorities.Value.Root), "is not trusted");
}
