using System.Security.Cryptography.X509Certificates;
using KubeGen.Webhooks.Tests.Infrastructure;
using KubeGen.Webhooks.Tls;
using WebhookTests.Kube.CoreV1;

namespace KubeGen.Webhooks.Tests;

/// <summary>
/// The serving certificate: rotated by the kubelet's <c>..data</c> swap and picked up by the next TLS
/// handshake (no restart, no timer: each handshake compares the files' stamps), a broken rotation
/// keeps the old certificate, and an unfit certificate fails the start with a message saying why.
/// </summary>
public sealed class CertificateTests
{
    private static readonly WebhookResource Pods = WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods");

    private static void Allow(WebhookApplicationBuilder b) => b.Validate("allow.kubegen.dev", Pods, Pod.JsonTypeInfo, _ => AdmissionDecision.Allow());

    [Fact]
    public async Task A_rotated_secret_is_served_by_the_next_handshake_without_a_restart()
    {
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(Allow);
        X509Certificate2 first = server.App.Certificate.Certificate;
        Assert.Equal(first.Thumbprint, await HandshakeThumbprintAsync(server));

        X509Certificate2 second = TestWebhookServer.ServerCertificate(server.Authority);
        server.Volume.Rotate(second, server.Authority);
        Assert.Equal(second.Thumbprint, await HandshakeThumbprintAsync(server));
        Assert.Equal(2, server.App.Certificate.Generation);

        // Unchanged files are not read again.
        Assert.Equal(second.Thumbprint, await HandshakeThumbprintAsync(server));
        Assert.Equal(2, server.App.Certificate.Generation);
    }

    [Fact]
    public async Task A_rotation_to_a_key_that_does_not_match_keeps_the_previous_certificate()
    {
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(Allow);
        string good = server.App.Certificate.Certificate.Thumbprint;
        WebhookCertificateException? failure = null;
        server.App.Certificate.ReloadFailed += (_, e) => failure = e;
        X509Certificate2 other = TestWebhookServer.ServerCertificate(server.Authority);
        X509Certificate2 third = TestWebhookServer.ServerCertificate(server.Authority);
        string otherKey = third.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        server.Volume.Publish(TestCertificates.Pem(other), otherKey, TestCertificates.Pem(server.Authority));

        Assert.Equal(good, await HandshakeThumbprintAsync(server));
        Assert.NotNull(failure);
        Assert.Contains("the key does not belong to the first certificate of tls.crt", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_intermediate_in_tls_crt_is_sent_and_the_chain_is_checked_against_ca_crt()
    {
        X509Certificate2 root = TestCertificates.CreateAuthority("Webhook Root");
        X509Certificate2 intermediate = TestCertificates.CreateIntermediate(root, "Webhook Intermediate");
        X509Certificate2 leaf = TestWebhookServer.ServerCertificate(intermediate);
        using var volume = new SecretVolume(leaf, root, intermediate);
        using var certificate = new ServingCertificate(volume.Directory);
        certificate.Load();
        Assert.Equal(intermediate.Thumbprint, Assert.Single(certificate.Intermediates).Thumbprint);
        Assert.Empty(CertificateCheck.Problems(certificate, [TestWebhookServer.ServiceDnsName], DateTimeOffset.UtcNow));

        using var withoutIntermediate = new SecretVolume(leaf, root);
        using var broken = new ServingCertificate(withoutIntermediate.Directory);
        broken.Load();
        string problem = Assert.Single(CertificateCheck.Problems(broken, [TestWebhookServer.ServiceDnsName], DateTimeOffset.UtcNow));
        Assert.StartsWith($"its chain does not reach {broken.AuthorityPath} (", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_up_checks_name_each_problem()
    {
        X509Certificate2 authority = TestCertificates.Authority;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Certificate2 expired = TestCertificates.CreateServer(authority, now.AddDays(-2), now.AddDays(-1), "other.example.com");
        using var volume = new SecretVolume(expired, authority);
        using var certificate = new ServingCertificate(volume.Directory);
        certificate.Load();
        var e = Assert.Throws<WebhookCertificateException>(() => CertificateCheck.Ensure(certificate, [TestWebhookServer.ServiceDnsName], now));
        Assert.Contains($"The webhook's serving certificate {certificate.CertificatePath} (subject CN=other.example.com) cannot be used: it expired on ", e.Message, StringComparison.Ordinal);
        Assert.Contains("it is not valid for policy.webhooks.svc (the name the API server connects to); its names are other.example.com", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_files_and_a_foreign_key_fail_the_load_with_what_to_mount()
    {
        string empty = Directory.CreateTempSubdirectory("kubegen-webhook-empty-").FullName;
        try
        {
            var missing = Assert.Throws<WebhookCertificateException>(() => new ServingCertificate(empty).Load());
            Assert.Equal($"The webhook's serving certificate is missing: {empty}/tls.crt and {empty}/tls.key does not exist. Mount a kubernetes.io/tls Secret (from cert-manager or kubectl create secret tls) at {empty}.", missing.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }

        X509Certificate2 a = TestWebhookServer.ServerCertificate(TestCertificates.Authority);
        X509Certificate2 b = TestWebhookServer.ServerCertificate(TestCertificates.Authority);
        using var volume = new SecretVolume(a, TestCertificates.Authority);
        volume.Publish(TestCertificates.Pem(a), b.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), TestCertificates.Pem(TestCertificates.Authority));
        var mismatch = Assert.Throws<WebhookCertificateException>(() => new ServingCertificate(volume.Directory).Load());
        Assert.Contains("the key does not belong to the first certificate of tls.crt", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_application_refuses_to_start_with_an_unfit_certificate()
    {
        X509Certificate2 wrongName = TestCertificates.CreateServer(TestCertificates.Authority, "127.0.0.1");
        using var volume = new SecretVolume(wrongName, TestCertificates.Authority);
        WebhookApplicationBuilder builder = WebhookApplication.CreateBuilder([]);
        builder.Server.CertificateDirectory = volume.Directory;
        builder.Server.Port = 0;
        builder.Server.ListenAddress = System.Net.IPAddress.Loopback;
        Allow(builder);
        await using WebhookApplication app = builder.Build();
        var e = await Assert.ThrowsAsync<WebhookCertificateException>(() => app.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("it is not valid for webhook.default.svc (the name the API server connects to); its names are 127.0.0.1", e.Message, StringComparison.Ordinal);
    }

    private static async Task<string> HandshakeThumbprintAsync(TestWebhookServer server)
    {
        string? seen = null;
        using HttpClient client = server.CreateClient(onServerCertificate: c => seen = c?.Thumbprint);
        Assert.Equal("ok", await client.GetStringAsync("healthz", TestContext.Current.CancellationToken));
        return seen ?? throw new InvalidOperationException("no handshake");
    }
}
