using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeGen.Webhooks.Tests.Infrastructure;

/// <summary>
/// A <see cref="WebhookApplication"/> on 127.0.0.1 with a certificate from a throw-away CA (for
/// 127.0.0.1, localhost and the Service's DNS name), mounted like a Secret, and a client that trusts
/// only that CA: every test talks real TLS to the real host.
/// </summary>
public sealed class TestWebhookServer : IAsyncDisposable
{
    public const string ServiceName = "policy";
    public const string Namespace = "webhooks";
    public const string ServiceDnsName = ServiceName + "." + Namespace + ".svc";

    private TestWebhookServer(WebhookApplication app, SecretVolume volume, X509Certificate2 authority)
    {
        App = app;
        Volume = volume;
        Authority = authority;
        BaseUri = new Uri($"https://127.0.0.1:{app.Port}/");
    }

    public WebhookApplication App { get; }

    public SecretVolume Volume { get; }

    public X509Certificate2 Authority { get; }

    public Uri BaseUri { get; }

    public static X509Certificate2 ServerCertificate(X509Certificate2 authority)
        => TestCertificates.CreateServer(authority, ServiceDnsName, "127.0.0.1", "localhost");

    public static async Task<TestWebhookServer> StartAsync(Action<WebhookApplicationBuilder> register, X509Certificate2? authority = null)
    {
        authority ??= TestCertificates.Authority;
        var volume = new SecretVolume(ServerCertificate(authority), authority);
        WebhookApplicationBuilder builder = WebhookApplication.CreateBuilder([]);
        builder.Server.ListenAddress = IPAddress.Loopback;
        builder.Server.Port = 0;
        builder.Server.CertificateDirectory = volume.Directory;
        builder.Server.ServiceName = ServiceName;
        builder.Server.Namespace = Namespace;
        register(builder);
        WebhookApplication app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestWebhookServer(app, volume, authority);
    }

    /// <summary>A client that trusts only <see cref="Authority"/>, speaking <paramref name="version"/> (HTTP/2 by default) and nothing else.</summary>
    public HttpClient CreateClient(Version? version = null, Action<X509Certificate2?>? onServerCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    onServerCertificate?.Invoke(certificate as X509Certificate2);
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(Authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = BaseUri,
            DefaultRequestVersion = version ?? HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>POSTs a body to a webhook path and returns the status and the parsed answer (null when it is not JSON).</summary>
    public static async Task<(HttpStatusCode Status, string Body, JsonNode? Json)> PostAsync(HttpClient client, string path, string body, string? query = null)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await client.PostAsync(path.TrimStart('/') + query, content, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonNode? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            json = JsonNode.Parse(text);
        }

        return (response.StatusCode, text, json);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Volume.Dispose();
    }
}
