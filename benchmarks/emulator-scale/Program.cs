using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

// The emulator at scale, against a KubeGen.ApiServer child process:
//   1. create OBJECTS ConfigMaps (CONCURRENCY requests in flight), list them whole and in pages;
//   2. WATCHERS watches that read every event while UPDATES merge patches are made;
//   3. WATCHERS watches that never read (4 KiB socket receive buffers) while STALLED_UPDATES more
//      patches are made: each is closed once WatchQueueLimit (--watch-queue) changes wait for it, so
//      the server's memory stays bounded however many changes it is behind.
// Prints one markdown block: machine, load, throughput, the server's RSS (VmRSS, VmHWM from /proc).
//   dotnet run -c Release -- --server-dll PATH --spec PATH [--objects 10000] [--watchers 100]
//     [--updates 2000] [--stalled-updates 10000] [--concurrency 32] [--watch-queue 1000]
var settings = Settings.Parse(args);
string work = Directory.CreateTempSubdirectory("kubegen-emulator-scale-").FullName;
using var server = await ApiServerProcess.StartAsync(settings, work);
using HttpClient client = server.CreateClient(settings.Concurrency);
var report = new List<string>();
string loadBefore = File.ReadAllText("/proc/loadavg").Trim();
string idle = server.Memory();

// ---- 1. create and list -------------------------------------------------------------------
var watch = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, settings.Objects), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (i, ct) =>
{
    string body = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-{{{i:D5}}}","labels":{"shard":"{{{i % 10}}}"}},"data":{"index":"{{{i}}}","payload":"{{{new string('x', 256)}}}"}}""";
    using var content = new StringContent(body, Encoding.UTF8, "application/json");
    using HttpResponseMessage response = await client.PostAsync("/api/v1/namespaces/default/configmaps", content, ct);
    Expect(response, 201);
});
double createSeconds = watch.Elapsed.TotalSeconds;
report.Add($"| create {settings.Objects:N0} ConfigMaps ({settings.Concurrency} in flight) | {createSeconds:0.00} s | {settings.Objects / createSeconds:N0} creates/s | {server.Memory()} |");

var fullLists = new List<double>();
long listBytes = 0;
for (int i = 0; i < 3; i++)
{
    watch.Restart();
    byte[] list = await client.GetByteArrayAsync("/api/v1/namespaces/default/configmaps");
    fullLists.Add(watch.Elapsed.TotalMilliseconds);
    listBytes = list.Length;
}

fullLists.Sort();
report.Add($"| list all {settings.Objects:N0} (one response, {listBytes / 1048576.0:0.0} MiB; median of 3) | {fullLists[1]:N0} ms | {settings.Objects / (fullLists[1] / 1000):N0} objects/s | {server.Memory()} |");

watch.Restart();
int pages = 0;
string? next = null;
do
{
    string url = "/api/v1/namespaces/default/configmaps?limit=500" + (next is null ? "" : "&continue=" + Uri.EscapeDataString(next));
    using var page = System.Text.Json.JsonDocument.Parse(await client.GetByteArrayAsync(url));
    next = page.RootElement.GetProperty("metadata").TryGetProperty("continue", out var token) ? token.GetString() : null;
    pages++;
}
while (!string.IsNullOrEmpty(next));
double pagedMs = watch.Elapsed.TotalMilliseconds;
report.Add($"| list in pages of 500 ({pages} pages, one consistent version) | {pagedMs:N0} ms | {settings.Objects / (pagedMs / 1000):N0} objects/s | {server.Memory()} |");

// ---- 2. watchers that read ----------------------------------------------------------------
string version = await server.ResourceVersionAsync(client);
using var watchClient = server.CreateClient(settings.Watchers * 2 + 4);
var readers = new List<Task<int>>();
using var readersDone = new CancellationTokenSource(TimeSpan.FromMinutes(10));
for (int w = 0; w < settings.Watchers; w++)
{
    readers.Add(ReadEventsAsync(watchClient, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={version}", settings.Updates, readersDone.Token));
}

watch.Restart();
await UpdateAsync(client, settings, "a");
double updateSeconds = watch.Elapsed.TotalSeconds;
int[] seen = await Task.WhenAll(readers);
double caughtUpSeconds = watch.Elapsed.TotalSeconds;
long delivered = seen.Sum(s => (long)s);
report.Add($"| {settings.Updates:N0} patches with {settings.Watchers} watchers reading | {updateSeconds:0.00} s | {settings.Updates / updateSeconds:N0} patches/s | {server.Memory()} |");
report.Add($"| ... every watcher has every event ({delivered:N0} events, {(seen.All(s => s == settings.Updates) ? "none missing" : "SOME MISSING")}) | {caughtUpSeconds:0.00} s | {delivered / caughtUpSeconds:N0} events/s | {server.Memory()} |");

// ---- 3. watchers that never read ----------------------------------------------------------
version = await server.ResourceVersionAsync(client);
var stalled = new List<(HttpResponseMessage Response, Stream Body)>();
using HttpClient stalledClient = server.CreateClient(settings.Watchers + 4, receiveBuffer: 4096);
for (int w = 0; w < settings.Watchers; w++)
{
    HttpResponseMessage response = await stalledClient.GetAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={version}", HttpCompletionOption.ResponseHeadersRead);
    stalled.Add((response, await response.Content.ReadAsStreamAsync()));
}

string beforeStalled = server.Memory();
watch.Restart();
await UpdateAsync(client, settings with { Updates = settings.StalledUpdates }, "b");
updateSeconds = watch.Elapsed.TotalSeconds;
string afterStalled = server.Memory();

// Now read what each stalled watch got before the server gave up on it: each must have ended.
using var drainTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
(bool Ended, int Events)[] drained = await Task.WhenAll(stalled.Select(async s =>
{
    using var reader = new StreamReader(s.Body);
    int events = 0;
    try
    {
        while (await reader.ReadLineAsync(drainTimeout.Token) is not null)
        {
            events++;
        }

        return (true, events);
    }
    catch (OperationCanceledException)
    {
        return (false, events);
    }
    finally
    {
        s.Response.Dispose();
    }
}));

report.Add($"| {settings.StalledUpdates:N0} patches with {settings.Watchers} watchers not reading (queue limit {settings.WatchQueue:N0}) | {updateSeconds:0.00} s | {settings.StalledUpdates / updateSeconds:N0} patches/s | before {beforeStalled}; after {afterStalled} |");
report.Add($"| ... stalled watches the server closed: {drained.Count(d => d.Ended)} of {settings.Watchers}; most events any of them received: {drained.Max(d => d.Events):N0} of {settings.StalledUpdates:N0} | | | {server.Memory()} |");

string loadAfter = File.ReadAllText("/proc/loadavg").Trim();
Console.WriteLine($"""
    Machine: {Machine()}, .NET {Environment.Version}, {RuntimeInformationText()}.
    Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC. Load average (1, 5, 15 min) before: {loadBefore}; after: {loadAfter}.
    Server: KubeGen.ApiServer (Release), fixture spec, TLS HTTP/1.1, --watch-queue {settings.WatchQueue:N0}; client: this process, {settings.Concurrency} connections for writes.
    Server memory idle: {idle}.

    | step | time | throughput | server RSS (now / peak) |
    | --- | --- | --- | --- |
    {string.Join("\n", report)}
    """);
Directory.Delete(work, recursive: true);
return 0;

static async Task<int> ReadEventsAsync(HttpClient client, string url, int wanted, CancellationToken cancellationToken)
{
    using HttpResponseMessage response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
    int seen = 0;
    while (seen < wanted && await reader.ReadLineAsync(cancellationToken) is string line)
    {
        if (line.StartsWith("{\"type\":\"MODIFIED\"", StringComparison.Ordinal))
        {
            seen++;
        }
    }

    return seen;
}

static Task UpdateAsync(HttpClient client, Settings settings, string round)
    => Parallel.ForEachAsync(Enumerable.Range(0, settings.Updates), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (i, ct) =>
    {
        using var content = new StringContent($$$"""{"data":{"round":"{{{round}}}{{{i}}}"}}""", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using HttpResponseMessage response = await client.PatchAsync($"/api/v1/namespaces/default/configmaps/cm-{i % settings.Objects:D5}", content, ct);
        Expect(response, 200);
    });

static void Expect(HttpResponseMessage response, int code)
{
    if ((int)response.StatusCode != code)
    {
        throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");
    }
}

static string Machine()
{
    string model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    long memoryKb = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    return $"{model}, {Environment.ProcessorCount} cores, {memoryKb / 1048576.0:0} GiB RAM";
}

static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.OSDescription;

internal sealed record Settings(string ServerDll, string Spec, int Objects, int Watchers, int Updates, int StalledUpdates, int Concurrency, int WatchQueue)
{
    public static Settings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Number(string name, int fallback) => values.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Settings(
            values.GetValueOrDefault("server-dll") ?? throw new ArgumentException("--server-dll is required"),
            values.GetValueOrDefault("spec") ?? throw new ArgumentException("--spec is required"),
            Number("objects", 10_000),
            Number("watchers", 100),
            Number("updates", 2_000),
            Number("stalled-updates", 10_000),
            Number("concurrency", 32),
            Number("watch-queue", 1_000));
    }
}

/// <summary>The emulator as a child process, its address, credentials and memory.</summary>
internal sealed class ApiServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly X509Certificate2 _authority;

    private ApiServerProcess(Process process, Uri url, string token, X509Certificate2 authority)
    {
        _process = process;
        Url = url;
        Token = token;
        _authority = authority;
    }

    public Uri Url { get; }

    public string Token { get; }

    public static async Task<ApiServerProcess> StartAsync(Settings settings, string work)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            settings.ServerDll, "--spec", settings.Spec, "--sa-dir", Path.Combine(work, "sa"), "--kubeconfig", Path.Combine(work, "kubeconfig"),
            "--watch-queue", settings.WatchQueue.ToString(CultureInfo.InvariantCulture),
            "--history", (settings.Objects + (3 * settings.Updates)).ToString(CultureInfo.InvariantCulture), "--no-simulated-rollouts",
        })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        Uri? url = null;
        while (await process.StandardOutput.ReadLineAsync() is string line)
        {
            if (line.StartsWith("KubeGen API server emulator listening on ", StringComparison.Ordinal))
            {
                url = new Uri(line["KubeGen API server emulator listening on ".Length..]);
            }

            if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
            {
                break;
            }
        }

        if (url is null)
        {
            throw new InvalidOperationException("the emulator did not start: " + await process.StandardError.ReadToEndAsync());
        }

        string token = (await File.ReadAllTextAsync(Path.Combine(work, "sa", "token"))).Trim();
        X509Certificate2 authority = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(work, "sa", "ca.crt")));
        return new ApiServerProcess(process, url, token, authority);
    }

    /// <param name="connections">Connections at most.</param>
    /// <param name="receiveBuffer">A socket receive buffer size (small: a client that does not read fills it quickly), or 0 for the system's.</param>
    public HttpClient CreateClient(int connections, int receiveBuffer = 0)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                if (receiveBuffer > 0)
                {
                    socket.ReceiveBufferSize = receiveBuffer;
                }

                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(_authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is not null && chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Url, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public async Task<string> ResourceVersionAsync(HttpClient client)
    {
        using var list = System.Text.Json.JsonDocument.Parse(await client.GetByteArrayAsync("/api/v1/namespaces/default/configmaps?limit=1"));
        return list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
    }

    /// <summary>The server's resident set now and at its peak (VmRSS / VmHWM).</summary>
    public string Memory()
    {
        string[] status = File.ReadAllLines($"/proc/{_process.Id}/status");
        string Value(string key) => status.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        return $"{Megabytes(Value("VmRSS"))} / {Megabytes(Value("VmHWM"))}";
    }

    private static string Megabytes(string kb) => $"{long.Parse(kb.Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0:0} MiB";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _authority.Dispose();
    }
}
