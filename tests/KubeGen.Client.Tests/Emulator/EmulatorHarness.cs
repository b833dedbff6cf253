using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using ClientTests.Kube;
using ClientTests.Kube.AppsV1;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.MetaV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;
using KubeGen.Testing;

namespace KubeGen.Client.Tests.Emulator;

/// <summary>
/// An in-process <see cref="KubeApiServerEmulator"/> serving the fixture spec the generated clients were
/// built from, plus generated <see cref="KubeClient"/>s connected to it over TLS with the emulator's CA.
/// </summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    /// <summary>A namespace every harness creates besides the emulator's defaults.</summary>
    public const string Ns = "shop";

    private readonly List<KubeConnection> _connections = [];
    private readonly CancellationTokenSource _timeout;

    private EmulatorHarness(KubeApiServerEmulator server, CancellationTokenSource timeout)
    {
        Server = server;
        _timeout = timeout;
        Kube = Connect();
    }

    public KubeApiServerEmulator Server { get; }

    /// <summary>A client authenticated with the service-account token (all permissions unless the options say otherwise).</summary>
    public KubeClient Kube { get; }

    /// <summary>Cancelled when the test runs too long.</summary>
    public CancellationToken Cancel => _timeout.Token;

    /// <summary>The fixture spec (fixtures/openapi/mini-cluster.swagger.json), found from this source file.</summary>
    public static string SpecPath => LocateSpec();

    public static async Task<EmulatorHarness> StartAsync(Action<KubeApiServerEmulatorOptions>? configure = null, int timeoutSeconds = 30)
    {
        CancellationTokenSource timeout = TestTimeout.Start(timeoutSeconds);
        var options = new KubeApiServerEmulatorOptions();
        options.SpecFiles.Add(SpecPath);
        options.Namespaces.Add(Ns);
        configure?.Invoke(options);
        KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, timeout.Token);
        return new EmulatorHarness(server, timeout);
    }

    /// <summary>
    /// A new connection configured explicitly (server URL, the emulator's CA certificate, a bearer token),
    /// as a program outside the cluster would; disposed with the harness.
    /// </summary>
    public KubeClient Connect(string? token = null, int maxRetries = KubeConnectionOptions.DefaultMaxRetries)
    {
        var connection = new KubeConnection(new KubeConnectionOptions
        {
            Server = Server.BaseUrl,
            Token = token ?? Server.ServiceAccountToken,
            CertificateAuthorities = [X509CertificateLoader.LoadCertificate(Server.CaCertificate.RawData)],
            RequestTimeout = TimeSpan.FromSeconds(30),
            MaxRetries = maxRetries,
        });
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return new KubeClient(connection);
    }

    public async ValueTask DisposeAsync()
    {
        List<KubeConnection> connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        foreach (KubeConnection connection in connections)
        {
            await connection.DisposeAsync();
        }

        await Server.DisposeAsync();
        _timeout.Dispose();
    }

    public static ConfigMap ConfigMap(string name, IDictionary<string, string>? labels = null, string value = "v") => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = labels },
        Data = new Dictionary<string, string> { ["k"] = value },
    };

    public static Pod Pod(string name, string image = "nginx:1.27", IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = labels },
        Spec = new PodSpec { Containers = [new Container { Name = "web", Image = image }] },
    };

    public static Deployment Deployment(string name, int replicas = 1) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
            },
        },
    };

    private static string LocateSpec([CallerFilePath] string thisFile = "")
    {
        const string Relative = "fixtures/openapi/mini-cluster.swagger.json";
        var candidates = new List<string>();
        if (Path.GetDirectoryName(thisFile) is { Length: > 0 } emulatorDirectory)
        {
            candidates.Add(Path.GetFullPath(Path.Combine(emulatorDirectory, "..", "..", "..", Relative)));
        }

        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            candidates.Add(Path.Combine(directory.FullName, Relative));
        }

        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("The fixture spec mini-cluster.swagger.json was not found; looked in: " + string.Join(", ", candidates));
    }
}

/// <summary>Reads a generated client's watch one event at a time, each within a deadline.</summary>
internal sealed class WatchReader<T> : IAsyncDisposable
{
    private readonly IAsyncEnumerator<WatchEvent<T>> _events;
    private readonly CancellationTokenSource _stop;

    public WatchReader(Func<CancellationToken, IAsyncEnumerable<WatchEvent<T>>> start, CancellationToken cancel)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        _events = start(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    /// <summary>The next event (bookmarks included), or null when the server ended the watch.</summary>
    public async Task<WatchEvent<T>?> NextAsync(int timeoutSeconds = 10)
    {
        ValueTask<bool> move = _events.MoveNextAsync();
        bool more = await move.AsTask().WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
        return more ? _events.Current : null;
    }

    /// <summary>The next event that is not a bookmark.</summary>
    public async Task<WatchEvent<T>> NextChangeAsync(int timeoutSeconds = 10)
    {
        while (true)
        {
            WatchEvent<T> next = await NextAsync(timeoutSeconds) ?? throw new InvalidOperationException("The watch ended.");
            if (next.Type != WatchEventType.Bookmark)
            {
                return next;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _events.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
        }
        catch (NotSupportedException)
        {
            // A MoveNextAsync abandoned by a timed-out NextAsync is still pending; the test has failed already.
        }

        _stop.Dispose();
    }
}
