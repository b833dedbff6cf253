using System.Security.Cryptography.X509Certificates;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection.Kubeconfig;

/// <summary>A kubeconfig's TLS and network fields over real TLS on loopback: client certificates, tls-server-name, proxy-url, insecure-skip-tls-verify, token files.</summary>
public sealed class KubeconfigTlsTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    private static string Ca => KubeconfigWorkspace.CaPem(TestCertificates.Authority);

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    [Theory]
    [InlineData(true, false, "RSA PRIVATE KEY")]
    [InlineData(false, false, "EC PRIVATE KEY")]
    [InlineData(true, true, "PRIVATE KEY")]
    [InlineData(false, true, "PRIVATE KEY")]
    public async Task A_client_certificate_from_files_or_data_authenticates_the_tls_connection(bool rsa, bool pkcs8, string keyKind)
    {
        using var work = new KubeconfigWorkspace();
        (string certificatePem, string keyPem) = TestCertificates.CreateClientPem(TestCertificates.Authority, "jane", rsa, pkcs8);
        Assert.StartsWith($"-----BEGIN {keyKind}-----", keyPem, StringComparison.Ordinal);
        await using LoopbackServer server = await LoopbackServer.StartRequiringClientCertificateAsync(TestCertificates.Server, TestCertificates.Authority);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        work.Write("pki/jane.crt", certificatePem);
        work.Write("pki/jane.key", keyPem);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        // Relative file paths (against the kubeconfig's folder) and inline data.
        string[] users =
        [
            "    client-certificate: pki/jane.crt\n    client-key: pki/jane.key",
            $"    client-certificate-data: {KubeconfigWorkspace.Base64(certificatePem)}\n    client-key-data: {KubeconfigWorkspace.Base64(keyPem)}",
        ];
        foreach (string user in users)
        {
            work.UseConfig(server.BaseUri, user);
            await using KubeConnection connection = work.Connect();
            Assert.Equal("web-0", (await GetPodAsync(connection, timeout.Token)).Metadata?.Name);
        }

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Contains("CN=jane", r.ClientCertificateSubject, StringComparison.Ordinal));
        Assert.All(server.Requests, r => Assert.Null(r.Header("Authorization")));
    }

    [Fact]
    public async Task Tls_server_name_is_the_name_the_certificate_is_checked_against()
    {
        using var work = new KubeconfigWorkspace();
        // Like a cluster reached through an IP address or a tunnel: the certificate names only kubernetes.internal.
        using X509Certificate2 certificate = TestCertificates.CreateServer(TestCertificates.Authority, "kubernetes.internal");
        await using LoopbackServer server = await LoopbackServer.StartAsync(certificate);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        work.UseConfig(server.BaseUri, "    token: name-token-1111");
        await using (KubeConnection without = work.Connect())
        {
            HttpRequestException mismatch = await Assert.ThrowsAsync<HttpRequestException>(() => GetPodAsync(without, timeout.Token));
            Assert.Contains("not valid for", mismatch.Message, StringComparison.Ordinal);
        }

        work.UseConfig(server.BaseUri, "    token: name-token-1111", extraCluster: "\n    tls-server-name: kubernetes.internal");
        await using KubeConnection with = work.Connect();
        Assert.Equal("web-0", (await GetPodAsync(with, timeout.Token)).Metadata?.Name);
        Assert.Equal("Bearer name-token-1111", server.Requests[^1].Header("Authorization"));
    }

    [Fact]
    public async Task Proxy_url_tunnels_through_an_http_connect_proxy()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        await using var proxy = new ConnectProxy();
        work.UseConfig(server.BaseUri, "    token: proxied-token-1111", extraCluster: $"\n    proxy-url: {proxy.Url}");
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = work.Connect();
        await GetPodAsync(connection, timeout.Token);

        Assert.Equal([$"127.0.0.1:{server.BaseUri.Port}"], proxy.Targets);
        Assert.Equal("Bearer proxied-token-1111", Assert.Single(server.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_works_only_when_allowed_and_warns()
    {
        using var work = new KubeconfigWorkspace();
        // A certificate from a CA the kubeconfig does not name.
        using X509Certificate2 otherAuthority = TestCertificates.CreateAuthority("Unknown CA");
        using X509Certificate2 certificate = TestCertificates.CreateLoopbackServer(otherAuthority);
        await using LoopbackServer server = await LoopbackServer.StartAsync(certificate);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        work.UseConfig(server.BaseUri, "    token: insecure-token-1111", extraCluster: "\n    insecure-skip-tls-verify: true", trustTestAuthority: false);
        var warnings = new List<string>();
        using CancellationTokenSource timeout = TestSupport.Timeout();

        Assert.Throws<KubeconfigException>(() => work.Connect());
        await using KubeConnection connection = work.Connect(new KubeConnectOptions { AllowInsecureSkipTlsVerify = true, OnWarning = warnings.Add });
        await GetPodAsync(connection, timeout.Token);

        string warning = Assert.Single(warnings);
        Assert.Contains("insecure-skip-tls-verify", warning, StringComparison.Ordinal);
        Assert.Contains("context 'test'", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("insecure-token-1111", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_file_is_re_read_when_it_is_rotated()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        string current = "file-token-0001";
        server.Fallback = (context, request) => request.Header("Authorization") == "Bearer " + Volatile.Read(ref current)
            ? LoopbackServer.Json(200, PodJson)(context, request)
            : LoopbackServer.Json(401, """{"kind":"Status","code":401,"reason":"Unauthorized"}""")(context, request);
        work.Write("token", "file-token-0001\n");
        work.UseConfig(server.BaseUri, "    tokenFile: token");
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = work.Connect();
        await GetPodAsync(connection, timeout.Token);
        // The server moves to a new token and the file is rewritten: the next request is answered 401 at most once, then retried with the new token.
        Volatile.Write(ref current, "file-token-0002");
        work.Write("token", "file-token-0002\n");
        await GetPodAsync(connection, timeout.Token);

        Assert.Equal("Bearer file-token-0002", server.Requests[^1].Header("Authorization"));
        Assert.Equal("team", connection.Namespace);
    }
}
