using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection;

public sealed class TlsTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    [Fact]
    public async Task The_right_ca_file_is_trusted_and_http2_is_negotiated()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string caFile = TestCertificates.WritePem(dir.File("ca.crt"), TestCertificates.Authority);
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorityFile = caFile, Token = "tls-token" });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        TestObject pod = await connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal("web-0", pod.Metadata?.Name);
        Assert.StartsWith("https://127.0.0.1:", server.BaseUri.ToString(), StringComparison.Ordinal);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("HTTP/2", request.Protocol);
        Assert.Equal("Bearer tls-token", request.Header("Authorization"));
    }

    [Fact]
    public async Task A_ca_collection_is_trusted_and_a_bundle_may_hold_several_cas()
    {
        X509Certificate2 other = TestCertificates.CreateAuthority("Other CA");
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string bundle = TestCertificates.WritePem(dir.File("bundle.crt"), other, TestCertificates.Authority);
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.EnqueueJson(200, PodJson);
        server.EnqueueJson(200, PodJson);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using (var fromCollection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] }))
        {
            TestObject pod = await fromCollection.SendAsync(HttpMethod.Get, "/api/v1/pods/a", null, TestJsonContext.Default.TestObject, timeout.Token);
            Assert.Equal("web-0", pod.Metadata?.Name);
        }

        await using (var fromBundle = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorityFile = bundle }))
        {
            TestObject pod = await fromBundle.SendAsync(HttpMethod.Get, "/api/v1/pods/b", null, TestJsonContext.Default.TestObject, timeout.Token);
            Assert.Equal("web-0", pod.Metadata?.Name);
        }

        Assert.Equal(["/api/v1/pods/a", "/api/v1/pods/b"], server.Requests.Select(r => r.PathAndQuery));
        // The caller's certificate is not disposed with the connection.
        Assert.NotEqual(IntPtr.Zero, TestCertificates.Authority.Handle);
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_rejected()
    {
        X509Certificate2 wrongAuthority = TestCertificates.CreateAuthority("Wrong CA");
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [wrongAuthority] });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/pods", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_server_certificate_for_another_name_is_rejected_even_from_the_trusted_ca()
    {
        X509Certificate2 otherName = TestCertificates.CreateServer(TestCertificates.Authority, "kubernetes.other.example", "10.0.0.1");
        await using LoopbackServer server = await LoopbackServer.StartAsync(otherName);
        server.EnqueueJson(200, PodJson);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri, CertificateAuthorities = [TestCertificates.Authority] });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/pods", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Without_a_ca_the_system_trust_applies_and_rejects_the_test_ca()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(
            () => connection.SendForStringAsync(HttpMethod.Get, "/version", timeout.Token));

        Assert.IsType<AuthenticationException>(error.InnerException);
    }

    [Fact]
    public void A_ca_file_without_certificates_is_reported()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        File.WriteAllText(dir.File("ca.crt"), "not a certificate\n");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(
            () => new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), CertificateAuthorityFile = dir.File("ca.crt") }));

        Assert.Equal($"The certificate authority file '{dir.File("ca.crt")}' contains no PEM certificate (-----BEGIN CERTIFICATE-----).", error.Message);
    }

    [Fact]
    public void A_missing_ca_file_is_reported_with_its_path()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(
            () => new KubeConnection(new KubeConnectionOptions { Server = new Uri("https://127.0.0.1:6443"), CertificateAuthorityFile = dir.File("missing.crt") }));

        Assert.StartsWith($"Cannot load the certificate authority file '{dir.File("missing.crt")}'", error.Message, StringComparison.Ordinal);
    }
}
