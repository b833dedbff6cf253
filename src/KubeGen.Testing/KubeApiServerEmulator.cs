using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.Testing.Certificates;
using KubeGen.Testing.Http;
using KubeGen.Testing.Security;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeGen.Testing;

/// <summary>
/// An in-memory Kubernetes API server on loopback (TLS, HTTP/1.1 and HTTP/2) serving the
/// resources of a Swagger 2.0 spec. Start it with <see cref="StartAsync"/>, point a client at
/// <see cref="BaseUrl"/> trusting <see cref="CaCertificatePem"/> (or use
/// <see cref="ServiceAccountDirectory"/> and <see cref="Environment"/> as a pod would, or
/// <see cref="KubeconfigPath"/> with kubectl), and dispose it when done.
/// </summary>
public sealed partial class KubeApiServerEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly ObjectStore _store;
    private readonly ApiCatalog _catalog;
    private readonly TokenRegistry _tokens;
    private readonly WatchRegistry _watches;
    private readonly ApiHandler _handler;
    private readonly X509Certificate2 _authority;
    private readonly X509Certificate2 _server;
    private readonly bool _ownsServiceAccountDirectory;
    private readonly string _serviceAccountUserName;
    private EmulatorUser _serviceAccountUser;

    private KubeApiServerEmulator(WebApplication app, CancellationTokenSource stopping, ObjectStore store, ApiCatalog catalog, ApiHandler handler, TokenRegistry tokens, WatchRegistry watches, FaultInjector faults, X509Certificate2 authority, X509Certificate2 server, Uri baseUrl, string serviceAccountDirectory, bool ownsDirectory, string kubeconfigPath, string token, EmulatorUser serviceAccountUser)
    {
        _app = app;
        _stopping = stopping;
        _store = store;
        _catalog = catalog;
        _handler = handler;
        _tokens = tokens;
        _watches = watches;
        _authority = authority;
        _server = server;
        Faults = faults;
        BaseUrl = baseUrl;
        ServiceAccountDirectory = serviceAccountDirectory;
        _ownsServiceAccountDirectory = ownsDirectory;
        KubeconfigPath = kubeconfigPath;
        ServiceAccountToken = token;
        _serviceAccountUser = serviceAccountUser;
        _serviceAccountUserName = serviceAccountUser.Name;
        CaCertificatePem = authority.ExportCertificatePem() + "\n";
    }

    /// <summary>The server's URL, e.g. <c>https://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port => BaseUrl.Port;

    /// <summary>The emulator's CA certificate (PEM), the only root clients should trust.</summary>
    public string CaCertificatePem { get; }

    /// <summary>The emulator's CA certificate.</summary>
    public X509Certificate2 CaCertificate => _authority;

    /// <summary>A directory laid out like a pod's <c>/var/run/secrets/kubernetes.io/serviceaccount</c> (<c>token</c>, <c>ca.crt</c>, <c>namespace</c>), with the kubelet's <c>..data</c> symlink swap on rotation.</summary>
    public string ServiceAccountDirectory { get; }

    /// <summary>A kubeconfig (server, CA data, the service account token) for <c>kubectl --kubeconfig</c>.</summary>
    public string KubeconfigPath { get; }

    /// <summary>The current service account token (also in <see cref="ServiceAccountDirectory"/>).</summary>
    public string ServiceAccountToken { get; private set; }

    /// <summary>
    /// A token for <c>kubernetes-admin</c> in the group <c>system:masters</c>, which every request is
    /// allowed for (as kube-apiserver allows that group): for setting up what a test's service account
    /// is then checked against, e.g. <c>CreateHttpClient(server.AdminToken)</c> or
    /// <c>WriteKubeconfig(path, token: server.AdminToken)</c>.
    /// </summary>
    public string AdminToken { get; private init; } = "";

    /// <summary>The service account's user name, <c>system:serviceaccount:ns:name</c>.</summary>
    public string ServiceAccountUserName => _serviceAccountUserName;

    /// <summary>The environment a pod would see: <c>KUBERNETES_SERVICE_HOST</c>, <c>KUBERNETES_SERVICE_PORT</c> (and <c>KUBEGEN_SERVICEACCOUNT_DIR</c> pointing at <see cref="ServiceAccountDirectory"/>).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["KUBERNETES_SERVICE_HOST"] = BaseUrl.Host.Trim('[', ']'),
        ["KUBERNETES_SERVICE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["KUBERNETES_SERVICE_PORT_HTTPS"] = Port.ToString(CultureInfo.InvariantCulture),
        ["KUBEGEN_SERVICEACCOUNT_DIR"] = ServiceAccountDirectory,
    };

    /// <summary>Per-request fault injection rules.</summary>
    public FaultInjector Faults { get; }

    /// <summary>The current value of the global resourceVersion counter.</summary>
    public long ResourceVersion => _store.CurrentResourceVersion;

    /// <summary>How many watch requests are being served right now.</summary>
    public int ActiveWatchCount => _watches.Count;

    /// <summary>The most changes any watch has had queued for its client at once (bounded by <see cref="KubeApiServerEmulatorOptions.WatchQueueLimit"/>).</summary>
    internal int MostQueuedWatchEvents => _store.MostQueuedWatchEvents;

    /// <summary>Starts an emulator.</summary>
    public static async Task<KubeApiServerEmulator> StartAsync(KubeApiServerEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SpecFiles.Count == 0)
        {
            throw new ArgumentException("At least one spec file (Swagger 2.0, as served at /openapi/v2) is required.", nameof(options));
        }

        var specs = new List<byte[]>();
        foreach (string file in options.SpecFiles)
        {
            specs.Add(await File.ReadAllBytesAsync(file, cancellationToken));
        }

        ApiCatalog catalog = ApiCatalog.Load(specs);
        var openApiV3 = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string key, string file) in options.OpenApiV3Files)
        {
            openApiV3[key.Trim('/')] = await File.ReadAllBytesAsync(file, cancellationToken);
        }

        X509Certificate2 authority = EmulatorCertificates.CreateAuthority();
        X509Certificate2 server = EmulatorCertificates.CreateServer(authority, EmulatorCertificates.ServerNames);

        var tokens = new TokenRegistry();
        foreach ((string token, EmulatorUser user) in options.Tokens)
        {
            tokens.Add(token, user);
        }

        EmulatorUser serviceAccount = EmulatorUser.ServiceAccount(options.ServiceAccountNamespace, options.ServiceAccountName, [.. options.ServiceAccountRules ?? [AccessRule.All]]);
        string serviceAccountToken = NewToken();
        tokens.Add(serviceAccountToken, serviceAccount);
        string adminToken = NewToken();
        tokens.Add(adminToken, EmulatorUser.Admin());

        var store = new ObjectStore(options.HistoryWindow, options.WatchQueueLimit);
        var watches = new WatchRegistry();
        var faults = new FaultInjector();
        var stopping = new CancellationTokenSource();
        var handler = new ApiHandler(options, catalog, store, tokens, faults, specs[0], openApiV3, watches, stopping.Token);

        var seeder = new Seeder(catalog, store, handler.SettleControllers);
        if (handler.NamespacesServed)
        {
            foreach (string ns in options.Namespaces.Append(options.ServiceAccountNamespace).Distinct(StringComparer.Ordinal))
            {
                seeder.EnsureNamespace(ns);
            }
        }

        foreach (string file in options.SeedFiles)
        {
            seeder.Seed(await File.ReadAllTextAsync(file, cancellationToken), file);
        }

        foreach (string manifest in options.SeedManifests)
        {
            seeder.Seed(manifest, "seed manifest");
        }

        handler.SettleControllers();

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(KubeApiServerEmulator).Assembly.GetName().Name });
        builder.Logging.ClearProviders();

        // A library must not take over the process's Ctrl+C / SIGTERM handling (the default console lifetime does).
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(options.ListenAddress, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https => ClientCertificateTls.Configure(https, server, authority, ClientCertificateTls.ModeOf(options)));
            });
        });

        WebApplication app = builder.Build();
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        int port = new Uri(address).Port;
        string host = options.ListenAddress.Equals(IPAddress.Any) ? "127.0.0.1" : options.ListenAddress.Equals(IPAddress.IPv6Any) ? "::1" : options.ListenAddress.ToString();
        var baseUrl = new Uri($"https://{(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host)}:{port}/");
        handler.ServerAddress = $"{baseUrl.Host}:{port}";

        bool ownsDirectory = options.ServiceAccountDirectory is null;
        string saDirectory = options.ServiceAccountDirectory ?? Path.Combine(Path.GetTempPath(), "kubegen-emulator-" + Guid.NewGuid().ToString("N")[..12], "serviceaccount");
        string ca = authority.ExportCertificatePem() + "\n";
        ServiceAccountFiles.Write(saDirectory, serviceAccountToken, ca, options.ServiceAccountNamespace);
        string kubeconfig = options.KubeconfigPath ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(saDirectory))!, "kubeconfig");
        var emulator = new KubeApiServerEmulator(app, stopping, store, catalog, handler, tokens, watches, faults, authority, server, baseUrl, saDirectory, ownsDirectory, kubeconfig, serviceAccountToken, serviceAccount) { AdminToken = adminToken };
        if (options.KubeconfigClientCertificate)
        {
            // kubeadm's admin.conf: an administrator authenticated by a client certificate instead of the SA token.
            emulator.WriteKubeconfig(kubeconfig, options.ServiceAccountNamespace, emulator.IssueClientCertificate(EmulatorUser.Admin()));
        }
        else
        {
            emulator.WriteKubeconfig(kubeconfig, options.ServiceAccountNamespace);
        }

        return emulator;
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// Writes a kubeconfig for this emulator (server, CA data, token, namespace) to <paramref name="path"/>.
    /// It holds a token, so on Unix the file is created readable and writable by its owner only (0600),
    /// replacing any file already there.
    /// </summary>
    public void WriteKubeconfig(string path, string? ns = null, string? token = null)
        => SecretFile.Write(path, KubeconfigWriter.Text(BaseUrl, CaCertificatePem, ns ?? "default", token ?? ServiceAccountToken, certificate: null));

    /// <summary>
    /// Writes a kubeconfig whose user authenticates with <paramref name="clientCertificate"/> (from <see cref="IssueClientCertificate"/>)
    /// instead of a token; mode 0600 like the token kind, since it holds the private key.
    /// </summary>
    public void WriteKubeconfig(string path, string? ns, EmulatorClientCertificate clientCertificate)
    {
        ArgumentNullException.ThrowIfNull(clientCertificate);
        SecretFile.Write(path, KubeconfigWriter.Text(BaseUrl, CaCertificatePem, ns ?? "default", token: null, clientCertificate));
    }

    /// <summary>
    /// Issues a TLS client certificate from the emulator's CA for <paramref name="user"/> (CN = name, O = groups; an RSA 2048
    /// key as PKCS#1 when <paramref name="rsa"/>, else EC P-256 as SEC1) and lets it authenticate that user, with that user's
    /// rules. It is accepted when <see cref="KubeApiServerEmulatorOptions.ClientCertificates"/> is not <see cref="ClientCertificateAuthentication.Off"/>.
    /// </summary>
    public EmulatorClientCertificate IssueClientCertificate(EmulatorUser user, bool rsa = false)
    {
        ArgumentNullException.ThrowIfNull(user);
        (X509Certificate2 certificate, string certificatePem, string keyPem) = ClientCertificateIssuer.Issue(_authority, user, rsa);
        using (certificate)
        {
            _tokens.AddCertificate(certificate, user);
        }

        return new EmulatorClientCertificate(certificatePem, keyPem);
    }

    /// <summary>Adds (or replaces) a bearer token for a user, optionally expiring at a given time.</summary>
    public void AddToken(string token, EmulatorUser user, DateTimeOffset? expires = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(user);
        _tokens.Add(token, user, expires);
    }

    /// <summary>Makes a token invalid from now on (requests with it get 401).</summary>
    public void ExpireToken(string token) => _tokens.Remove(token);

    /// <summary>
    /// Issues a new service account token and swaps it into <see cref="ServiceAccountDirectory"/>
    /// the way the kubelet does (new timestamped directory, atomic <c>..data</c> symlink rename).
    /// The old token keeps working unless <paramref name="expireOld"/> is set.
    /// </summary>
    /// <returns>The new token.</returns>
    public string RotateServiceAccountToken(bool expireOld = false)
    {
        string old = ServiceAccountToken;
        string token = NewToken();
        _tokens.Add(token, _serviceAccountUser);
        ServiceAccountFiles.Write(ServiceAccountDirectory, token, CaCertificatePem, File.ReadAllText(Path.Combine(ServiceAccountDirectory, "namespace")));
        ServiceAccountToken = token;
        if (expireOld)
        {
            _tokens.Remove(old);
        }

        return token;
    }

    /// <summary>Replaces the service account's permissions (takes effect on the next request).</summary>
    public void SetServiceAccountRules(params AccessRule[] rules)
    {
        var user = new EmulatorUser { Name = _serviceAccountUser.Name, Groups = _serviceAccountUser.Groups, Rules = rules };
        _serviceAccountUser = user;
        _tokens.Add(ServiceAccountToken, user);
    }

    /// <summary>Aborts every watch connection being served (clients see the stream break).</summary>
    public int DropWatches() => _watches.DropAll();

    /// <summary>Creates or replaces objects from a manifest (JSON or YAML, multi-document, <c>kind: List</c>), as seeding does: status is kept and missing namespaces are created.</summary>
    public void Seed(string manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        new Seeder(_catalog, _store, _handler.SettleControllers).Seed(manifest, "manifest");
    }

    /// <summary>A copy of a stored object, or null.</summary>
    public JsonObject? GetObject(string apiVersion, string kind, string? ns, string name)
    {
        ApiResource resource = _catalog.FindByKind(apiVersion, kind) ?? throw new ArgumentException($"The spec serves no {kind} in {apiVersion}.", nameof(kind));
        return _store.Get(resource.Key, resource.Namespaced ? ns ?? "default" : "", name)?.DeepClone().AsObject();
    }

    /// <summary>An <see cref="HttpClient"/> that trusts only the emulator's CA and sends <paramref name="token"/> (the service account token by default).</summary>
    public HttpClient CreateHttpClient(string? token = null, Version? httpVersion = null) => CreateHttpClient(token, httpVersion, configureHandler: null);

    /// <summary>The same, with a hook for the socket handler (tests that shape the connection, e.g. a small receive buffer).</summary>
    internal HttpClient CreateHttpClient(string? token, Version? httpVersion, Action<SocketsHttpHandler>? configureHandler)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => ValidateServerCertificate(certificate, errors),
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        configureHandler?.Invoke(handler);
        var client = new HttpClient(handler) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(100) };
        if (httpVersion is not null)
        {
            client.DefaultRequestVersion = httpVersion;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        string bearer = token ?? ServiceAccountToken;
        if (bearer.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private bool ValidateServerCertificate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>Stops the server, ends open watches and removes the temporary service-account directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _app.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
        _server.Dispose();
        _authority.Dispose();
        if (_ownsServiceAccountDirectory)
        {
            try
            {
                string? parent = Path.GetDirectoryName(ServiceAccountDirectory);
                if (parent is not null && Path.GetFileName(parent).StartsWith("kubegen-emulator-", StringComparison.Ordinal))
                {
                    Directory.Delete(parent, recursive: true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}

/// <summary>A host lifetime that leaves process signals alone.</summary>
internal sealed class PassiveLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
