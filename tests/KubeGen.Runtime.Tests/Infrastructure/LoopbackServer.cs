using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeGen.Runtime.Tests.Infrastructure;

/// <summary>One request as the server saw it.</summary>
public sealed record RecordedRequest(
    string Method,
    string PathAndQuery,
    string Protocol,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    string? ClientCertificateSubject = null)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (HTTP, or HTTPS with a given certificate) that records every
/// request and answers with scripted responses, in order.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, RecordedRequest, Task>> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private LoopbackServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The server's base URL, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Answers requests once the script is used up; by default 500 "no scripted response".</summary>
    public Func<HttpContext, RecordedRequest, Task>? Fallback { get; set; }

    /// <summary>
    /// Asks the client to close each connection after its response (HTTP/2 GOAWAY, HTTP/1.1 Connection: close),
    /// so that every request opens a new connection and does a new TLS handshake.
    /// </summary>
    public bool CloseConnectionAfterEachResponse { get; set; }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public static Task<LoopbackServer> StartAsync(X509Certificate2? serverCertificate = null)
        => StartAsync(serverCertificate, IPAddress.Loopback);

    /// <summary>
    /// Starts a server on <paramref name="address"/> (for example <see cref="IPAddress.IPv6Loopback"/>) and
    /// <paramref name="port"/> (0: any free port; a fixed port lets a test "restart" a server in place).
    /// </summary>
    public static async Task<LoopbackServer> StartAsync(X509Certificate2? serverCertificate, IPAddress address, int port = 0)
        => await StartAsync(serverCertificate, address, port, clientCertificateAuthority: null);

    /// <summary>
    /// Starts an HTTPS server that requires a TLS client certificate issued by <paramref name="clientCertificateAuthority"/>
    /// (the handshake fails otherwise); each request records the certificate's subject.
    /// </summary>
    public static Task<LoopbackServer> StartRequiringClientCertificateAsync(X509Certificate2 serverCertificate, X509Certificate2 clientCertificateAuthority)
        => StartAsync(serverCertificate, IPAddress.Loopback, 0, clientCertificateAuthority);

    private static async Task<LoopbackServer> StartAsync(X509Certificate2? serverCertificate, IPAddress address, int port, X509Certificate2? clientCertificateAuthority)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (serverCertificate is not null)
                {
                    listen.UseHttps(https =>
                    {
                        https.ServerCertificate = serverCertificate;
                        if (clientCertificateAuthority is not null)
                        {
                            https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                            https.ClientCertificateValidation = (certificate, _, _) =>
                            {
                                using var chain = new X509Chain();
                                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                                chain.ChainPolicy.CustomTrustStore.Add(clientCertificateAuthority);
                                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                                return chain.Build(certificate);
                            };
                        }
                    });
                }
            });
        });

        WebApplication app = builder.Build();
        LoopbackServer? server = null;
        // WebSocket upgrades (exec over v4, Streaming/) reach the scripted responders; other requests pass through untouched.
        app.UseWebSockets();
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(TestContext.Current.CancellationToken);

        string listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server = new LoopbackServer(app, new Uri(listening.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>Adds a responder for the next unanswered request.</summary>
    public void Enqueue(Func<HttpContext, RecordedRequest, Task> responder) => _script.Enqueue(responder);

    public void EnqueueJson(int statusCode, string json) => Enqueue(Json(statusCode, json));

    public void EnqueueText(int statusCode, string contentType, string body) => Enqueue(Text(statusCode, contentType, body));

    public static Func<HttpContext, RecordedRequest, Task> Json(int statusCode, string json)
        => Text(statusCode, "application/json", json);

    public static Func<HttpContext, RecordedRequest, Task> Text(int statusCode, string contentType, string body)
        => async (context, _) =>
        {
            context.Response.StatusCode = statusCode;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body, context.RequestAborted);
        };

    /// <summary>A 200 streaming response that writes each chunk, flushes it and pauses, so the client sees partial data.</summary>
    public static Func<HttpContext, RecordedRequest, Task> Stream(IEnumerable<string> chunks, TimeSpan pause)
        => async (context, _) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(context.RequestAborted);
            foreach (string chunk in chunks)
            {
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(chunk), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(pause, context.RequestAborted);
            }
        };

    /// <summary>Drops the connection without any response (<see cref="HttpContext.Abort"/>): a reset on HTTP/1.1, a stream reset on HTTP/2.</summary>
    public static Func<HttpContext, RecordedRequest, Task> Abort()
        => (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

    /// <summary>A response with a <c>Retry-After</c> header (seconds or an HTTP date) and a Status body.</summary>
    public static Func<HttpContext, RecordedRequest, Task> RetryAfter(int statusCode, string retryAfter)
        => async (context, _) =>
        {
            context.Response.StatusCode = statusCode;
            context.Response.ContentType = "application/json";
            context.Response.Headers.RetryAfter = retryAfter;
            await context.Response.WriteAsync(
                $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"come back later ({{statusCode}})","code":{{statusCode}}}""",
                context.RequestAborted);
        };

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        string rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var request = new RecordedRequest(context.Request.Method, rawTarget, context.Request.Protocol, headers, body.ToArray(), context.Connection.ClientCertificate?.Subject);
        _requests.Enqueue(request);
        if (CloseConnectionAfterEachResponse)
        {
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        }

        if (_script.TryDequeue(out Func<HttpContext, RecordedRequest, Task>? responder))
        {
            await responder(context, request);
        }
        else if (Fallback is { } fallback)
        {
            await fallback(context, request);
        }
        else
        {
            context.Response.StatusCode = 500;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("no scripted response", context.RequestAborted);
        }
    }
}
