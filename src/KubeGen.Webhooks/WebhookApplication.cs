using System.Net.Security;
using System.Text.Json.Nodes;
using KubeGen.Webhooks.Manifests;
using KubeGen.Webhooks.Serving;
using KubeGen.Webhooks.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeGen.Webhooks;

/// <summary>
/// An admission webhook server: Kestrel over TLS (HTTP/2 and HTTP/1.1) with the certificate from
/// the mounted Secret directory, followed as it rotates; one POST endpoint per webhook; <c>/healthz</c>
/// and <c>/readyz</c> for the probes. <see cref="RunAsync"/> also answers <c>--print-manifests</c>.
/// </summary>
public sealed partial class WebhookApplication : IAsyncDisposable
{
    private readonly string[] _args;
    private readonly ILogger _logger;
    private bool _started;

    internal WebhookApplication(WebhookApplicationBuilder builder, List<WebhookHandler> handlers)
    {
        _args = builder.Args;
        Server = builder.Server;
        Manifests = builder.Manifests;
        Webhooks = handlers.Select(h => h.Registration).ToArray();
        Certificate = new ServingCertificate(Server.CertificateDirectory);
        builder.Host.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Server.MaxRequestBodyBytes + 1;
            kestrel.Listen(Server.ListenAddress, Server.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    // Every handshake asks for the certificate: a rotated Secret is picked up by the next connection.
                    OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = Certificate.Context,
                        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    }),
                });
            });
        });

        App = builder.Host.Build();
        _logger = App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KubeGen.Webhooks");
        Certificate.Reloaded += (_, leaf) => LogReloaded(_logger, Certificate.Directory, leaf.Subject, leaf.NotAfter);
        Certificate.ReloadFailed += (_, e) => LogReloadFailed(_logger, e.Message);
        foreach (WebhookHandler handler in handlers)
        {
            var endpoint = new AdmissionEndpoint(handler, Server.MaxRequestBodyBytes, _logger);
            App.MapPost(handler.Registration.Path, endpoint.HandleAsync);
        }

        App.MapGet(WebhookServerOptions.LivenessPath, static (HttpContext http) => http.Response.WriteAsync("ok"));
        App.MapGet(WebhookServerOptions.ReadinessPath, static (HttpContext http) => http.Response.WriteAsync("ok"));
    }

    /// <summary>Starts collecting webhooks: <c>WebApplication.CreateSlimBuilder(args)</c> underneath.</summary>
    public static WebhookApplicationBuilder CreateBuilder(string[] args) => new(args);

    /// <summary>The ASP.NET Core application (add endpoints or middleware before starting).</summary>
    public WebApplication App { get; }

    /// <summary>The serving certificate, as loaded and followed.</summary>
    public ServingCertificate Certificate { get; }

    /// <summary>The server's options.</summary>
    public WebhookServerOptions Server { get; }

    /// <summary>The manifests' options.</summary>
    public ManifestOptions Manifests { get; }

    /// <summary>The registered webhooks.</summary>
    public IReadOnlyList<WebhookRegistration> Webhooks { get; }

    /// <summary>The port the server listens on, once started (the bound one when <see cref="WebhookServerOptions.Port"/> was 0).</summary>
    public int Port
    {
        get
        {
            string address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The server is not started.");
            return new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        }
    }

    /// <summary>The generated manifests (<see cref="WebhookManifests"/>).</summary>
    public IReadOnlyList<JsonObject> BuildManifests() => WebhookManifests.Build(Server, Manifests, Webhooks);

    /// <summary>Loads the serving certificate, checks it (<see cref="CertificateCheck"/>) and starts listening.</summary>
    /// <exception cref="WebhookCertificateException">The certificate is missing or unfit; the message says why.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        LoadCertificate();
        await App.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
    }

    /// <summary>
    /// The whole program: with <c>--print-manifests</c> (and optionally <c>--image</c>, <c>--namespace</c>,
    /// <c>--ca-bundle FILE</c>) prints the manifests as YAML and returns 0; otherwise serves until
    /// SIGTERM or Ctrl+C. A certificate problem is printed to standard error, with exit code 1.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        if (_args.Contains("--print-manifests"))
        {
            if (!ApplyManifestArguments(out string? error))
            {
                await Console.Error.WriteLineAsync("error: " + error).ConfigureAwait(false);
                return 2;
            }

            await Console.Out.WriteAsync(WebhookManifests.ToYaml(BuildManifests())).ConfigureAwait(false);
            return 0;
        }

        try
        {
            LoadCertificate();
        }
        catch (WebhookCertificateException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 1;
        }

        _started = true;
        await App.StartAsync(cancellationToken).ConfigureAwait(false);
        await ((IHost)App).WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await App.StopAsync(stop.Token).ConfigureAwait(false);
        }

        await App.DisposeAsync().ConfigureAwait(false);
        Certificate.Dispose();
    }

    private void LoadCertificate()
    {
        Certificate.Load();
        IEnumerable<string> names = Server.CheckServiceDnsName ? [Server.ServiceDnsName] : [];
        CertificateCheck.Ensure(Certificate, names, DateTimeOffset.UtcNow);
        LogLoaded(_logger, Certificate.Directory, Certificate.Certificate.Subject, Certificate.Certificate.NotAfter);
    }

    private bool ApplyManifestArguments(out string? error)
    {
        error = null;
        for (int i = 0; i < _args.Length; i++)
        {
            string? value = i + 1 < _args.Length ? _args[i + 1] : null;
            switch (_args[i])
            {
                case "--image" when value is not null:
                    Manifests.Image = value;
                    i++;
                    break;
                case "--namespace" when value is not null:
                    Server.Namespace = value;
                    i++;
                    break;
                case "--ca-bundle" when value is not null:
                    if (!File.Exists(value))
                    {
                        error = $"--ca-bundle: {value} does not exist";
                        return false;
                    }

                    Manifests.CertManager = false;
                    Manifests.CaBundlePem = File.ReadAllText(value);
                    i++;
                    break;
                case "--image" or "--namespace" or "--ca-bundle":
                    error = $"{_args[i]} needs a value";
                    return false;
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "serving certificate from {Directory}: {Subject}, valid until {NotAfter:u}")]
    private static partial void LogLoaded(ILogger logger, string directory, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "serving certificate rotated in {Directory}: {Subject}, valid until {NotAfter:u}")]
    private static partial void LogReloaded(ILogger logger, string directory, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "the rotated serving certificate cannot be loaded; the previous one stays in use: {Problem}")]
    private static partial void LogReloadFailed(ILogger logger, string problem);
}
