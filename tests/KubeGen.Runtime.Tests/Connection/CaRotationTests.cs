using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection;

/// <summary>Custom CA trust with real TLS on loopback: clear failures, bundles, and CA rotation without a restart.</summary>
public sealed class CaRotationTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    private static LoopbackServer Serving(LoopbackServer server)
    {
        server.Fallback = LoopbackServer.Json(200, PodJson);
        return server;
    }

    [Fact]
    public async Task A_certificate_from_another_ca_fails_with_a_message_that_names_the_ca_bundle()
    {
        X509Certificate2 wrongAuthority = TestCertificates.CreateAuthority("Some Other CA");
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string caFile = TestCertificates.WritePem(dir.File("ca.crt"), wrongAuthority);
        await using LoopbackServer server = Serving(await LoopbackServer.StartAsync(TestCertificates.Server));
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorityFile = caFile, Token = "wrong-ca-token-5678" });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.StartsWith($"Cannot establish a TLS connection to https://127.0.0.1:{server.BaseUri.Port}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(
            $"The API server certificate 'CN=127.0.0.1' (issued by 'CN=KubeGen Test CA') is not trusted: its chain does not lead to a certificate authority configured in the CA bundle '{caFile}' (",
            error.Message, StringComparison.Ordinal);
        AuthenticationException inner = Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.Contains("is not trusted", inner.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        SecretAssert.NotIn(error, "wrong-ca-token-5678");
    }

    [Fact]
    public async Task A_certificate_for_another_host_fails_with_a_message_that_says_so()
    {
        X509Certificate2 otherName = TestCertificates.CreateServer(TestCertificates.Authority, "kubernetes.other.example");
        await using LoopbackServer server = Serving(await LoopbackServer.StartAsync(otherName));
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Contains("The API server certificate 'CN=kubernetes.other.example' is not valid for '127.0.0.1'", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_bundle_with_unrelated_certificates_around_the_right_ca_is_trusted()
    {
        X509Certificate2 unrelatedAuthority = TestCertificates.CreateAuthority("Unrelated CA");
        X509Certificate2 unrelatedLeaf = TestCertificates.CreateServer(unrelatedAuthority, "unrelated.example");
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string bundle = TestCertificates.WritePem(dir.File("ca.crt"), unrelatedLeaf, TestCertificates.Authority, unrelatedAuthority);
        await using LoopbackServer server = Serving(await LoopbackServer.StartAsync(TestCertificates.Server));
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorityFile = bundle });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TestObject pod = await GetPodAsync(connection, timeout.Token);

        Assert.Equal("web-0", pod.Metadata?.Name);
        Assert.Equal(3, connection.PrimaryHandler!.Trust!.Roots.Count);
    }

    [Fact]
    public async Task A_server_restarted_with_a_certificate_from_a_new_ca_is_trusted_once_the_kubelet_publishes_that_ca()
    {
        X509Certificate2 oldAuthority = TestCertificates.CreateAuthority("Cluster CA 2025");
        X509Certificate2 newAuthority = TestCertificates.CreateAuthority("Cluster CA 2026");
        using var directory = new ServiceAccountDirectory(token: "ca-rotation-token", caPem: TestCertificates.Pem(oldAuthority));
        LoopbackServer server = Serving(await LoopbackServer.StartAsync(TestCertificates.CreateLoopbackServer(oldAuthority)));
        int port = server.BaseUri.Port;
        try
        {
            await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, TokenFile = directory.TokenFile, CertificateAuthorityFile = directory.CaFile });
            using CancellationTokenSource timeout = TestSupport.Timeout(40);
            await GetPodAsync(connection, timeout.Token);
            CertificateAuthorityTrust trust = connection.PrimaryHandler!.Trust!;
            Assert.Equal(1, trust.FileLoads);

            // The API server restarts with a certificate from the new CA before the pod's ca.crt has it: clearly refused.
            await server.DisposeAsync();
            server = Serving(await LoopbackServer.StartAsync(TestCertificates.CreateLoopbackServer(newAuthority), IPAddress.Loopback, port));
            HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => GetPodAsync(connection, timeout.Token));
            Assert.Contains("(issued by 'CN=Cluster CA 2026') is not trusted", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"the CA bundle '{directory.CaFile}'", refused.Message, StringComparison.Ordinal);
            SecretAssert.NotIn(refused, "ca-rotation-token");

            // The kubelet publishes the new CA (..data swap): the next new connection trusts it, no restart.
            directory.Publish(caPem: TestCertificates.Pem(newAuthority));
            TestObject pod = await GetPodAsync(connection, timeout.Token);

            Assert.Equal("web-0", pod.Metadata?.Name);
            Assert.Equal(2, trust.FileLoads);
            Assert.Equal("CN=Cluster CA 2026", Assert.Single(trust.Roots).Subject);
            Assert.Equal("Bearer ca-rotation-token", server.Requests[^1].Header("Authorization"));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task New_connections_use_a_rotated_bundle_once_the_recheck_interval_has_passed()
    {
        X509Certificate2 oldAuthority = TestCertificates.CreateAuthority("Cluster CA A");
        X509Certificate2 newAuthority = TestCertificates.CreateAuthority("Cluster CA B");
        using var directory = new ServiceAccountDirectory(token: "t", caPem: TestCertificates.Pem(oldAuthority));
        await using LoopbackServer server = Serving(await LoopbackServer.StartAsync(TestCertificates.CreateLoopbackServer(oldAuthority)));
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        // A new connection (and handshake) for every request, so that each request shows the trust in force.
        server.CloseConnectionAfterEachResponse = true;
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorityFile = directory.CaFile }, time);
        using CancellationTokenSource timeout = TestSupport.Timeout();
        CertificateAuthorityTrust trust = connection.PrimaryHandler!.Trust!;
        await GetPodAsync(connection, timeout.Token);

        // The bundle no longer holds the server's CA. Within the recheck interval handshakes keep the cached bundle.
        directory.Publish(caPem: TestCertificates.Pem(newAuthority));
        await GetPodAsync(connection, timeout.Token);
        Assert.Equal(1, trust.FileLoads);
        Assert.Equal(2, trust.Validations);

        // After the interval the next handshake reads the new bundle, which does not trust this server.
        time.Advance(CertificateAuthorityTrust.RecheckInterval);
        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => GetPodAsync(connection, timeout.Token));
        Assert.Contains("(issued by 'CN=Cluster CA A') is not trusted", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, trust.FileLoads);
        Assert.Equal(2, server.Requests.Count);

        // A bundle with both CAs (how a CA rotation overlaps) trusts it again.
        directory.Publish(caPem: TestCertificates.Pem(newAuthority, oldAuthority));
        await GetPodAsync(connection, timeout.Token);
        Assert.Equal(3, trust.FileLoads);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(4, trust.Validations); // one handshake per request
    }

    [Fact]
    public async Task A_ca_file_that_becomes_unreadable_keeps_the_last_good_bundle()
    {
        using var directory = new ServiceAccountDirectory(token: "t", caPem: TestCertificates.Pem(TestCertificates.Authority));
        await using LoopbackServer server = Serving(await LoopbackServer.StartAsync(TestCertificates.Server));
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        server.CloseConnectionAfterEachResponse = true;
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorityFile = directory.CaFile }, time);
        using CancellationTokenSource timeout = TestSupport.Timeout();
        await GetPodAsync(connection, timeout.Token);

        directory.Publish(caPem: "-----BEGIN CERTIFICATE-----\ntruncated");
        time.Advance(CertificateAuthorityTrust.RecheckInterval);
        await GetPodAsync(connection, timeout.Token);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("CN=KubeGen Test CA", Assert.Single(connection.PrimaryHandler!.Trust!.Roots).Subject);
    }
}
