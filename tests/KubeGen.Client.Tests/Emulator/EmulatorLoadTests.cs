using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClientTests.Kube;
using ClientTests.Kube.CoreV1;
using KubeGen.Runtime;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.Emulator;

/// <summary>
/// 64 generated clients (each with its own connection) against one emulator for a bounded time:
/// writers increment shared counters with optimistic concurrency and create, patch and delete their own
/// objects; readers page through lists and get objects; watchers follow everything or a label selection.
/// Afterwards: no acknowledged write is lost, every watcher saw exactly the acknowledged changes in order,
/// and nothing hung. Prints throughput to the test output.
/// </summary>
/// <remarks>
/// <c>KUBEGEN_LOAD_SECONDS</c> sets the load phase (default 5 s); <c>KUBEGEN_LOAD_REPORT</c> names a file the
/// summary line is appended to. See docs/benchmarks.md ("Emulator") for the recorded numbers.
/// </remarks>
[Collection(SerialCollection.Name)]
public sealed class EmulatorLoadTests
{
    private const int ClientCount = 64;
    private const int CounterCount = 8;
    private const string LoadNs = "load";

    [Fact]
    public async Task SixtyFourClientsMixingReadsWritesAndWatchesLoseNothing()
    {
        TimeSpan duration = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("KUBEGEN_LOAD_SECONDS") ?? "5", CultureInfo.InvariantCulture));
        TimeSpan deadlockTimeout = duration + TimeSpan.FromSeconds(60);
        await using EmulatorHarness api = await StartAsync(
            o =>
            {
                o.Namespaces.Add(LoadNs);
                o.HistoryWindow = 5_000_000;
                o.BookmarkInterval = TimeSpan.FromMilliseconds(250);
            },
            timeoutSeconds: (int)(deadlockTimeout.TotalSeconds + 30));
        CancellationToken cancel = api.Cancel;

        var counterLabels = new Dictionary<string, string> { ["kind"] = "counter" };
        for (int c = 0; c < CounterCount; c++)
        {
            ConfigMap counter = ConfigMap($"counter-{c}", counterLabels);
            counter.Data = new Dictionary<string, string> { ["count"] = "0" };
            await api.Kube.CoreV1.ConfigMaps.CreateAsync(LoadNs, counter, cancellationToken: cancel);
        }

        string startVersion = api.Server.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        var ledger = new Ledger();
        var stats = new Stats();
        var finalVersion = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watchers = new List<WatcherRun>();
        var workers = new List<Task>();
        using var loadEnds = new CancellationTokenSource();

        // Connections first, so that the load phase measures requests rather than TLS handshakes.
        KubeClient[] clients = [.. Enumerable.Range(0, ClientCount).Select(_ => api.Connect())];
        await Task.WhenAll(clients.Select(k => k.CoreV1.ConfigMaps.GetAsync(LoadNs, "counter-0", cancellationToken: cancel)));

        for (int i = 0; i < ClientCount; i++)
        {
            KubeClient kube = clients[i];
            switch (i % 4)
            {
                case 0:
                    var run = new WatcherRun(i, selective: i % 8 == 4);
                    watchers.Add(run);
                    workers.Add(Task.Run(() => WatchAsync(kube, run, startVersion, finalVersion.Task, cancel), cancel));
                    break;
                case 1:
                    int reader = i;
                    workers.Add(Task.Run(() => ReadAsync(kube, reader, stats, loadEnds.Token, cancel), cancel));
                    break;
                default:
                    int writer = i;
                    workers.Add(Task.Run(() => WriteAsync(kube, writer, ledger, stats, loadEnds.Token, cancel), cancel));
                    break;
            }
        }

        // Load phase.
        TimeSpan cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration, cancel);
        await loadEnds.CancelAsync();
        Task[] loaders = [.. workers.Where((_, index) => index % 4 != 0)];
        await Task.WhenAll(loaders).WaitAsync(deadlockTimeout, cancel);
        TimeSpan loadTime = clock.Elapsed;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;

        // Every write is acknowledged now; watchers finish once they are past the last version.
        long lastVersion = api.Server.ResourceVersion;
        finalVersion.SetResult(lastVersion);
        await Task.WhenAll(workers).WaitAsync(deadlockTimeout, cancel);
        TimeSpan drainTime = clock.Elapsed - loadTime;

        // No lost writes: each counter holds exactly its acknowledged increments; the items are the created minus the deleted.
        ConfigMapList counters = await api.Kube.CoreV1.ConfigMaps.ListAsync(LoadNs, new() { LabelSelector = "kind=counter" }, cancellationToken: cancel);
        Assert.Equal(CounterCount, counters.Items.Count);
        foreach (ConfigMap counter in counters.Items)
        {
            Assert.Equal(ledger.Increments(counter.Metadata!.Name!), long.Parse(counter.Data!["count"], CultureInfo.InvariantCulture));
        }

        Assert.Equal(ledger.TotalIncrements, counters.Items.Sum(c => long.Parse(c.Data!["count"], CultureInfo.InvariantCulture)));
        ConfigMapList items = await api.Kube.CoreV1.ConfigMaps.ListAsync(LoadNs, new() { LabelSelector = "kind=item" }, cancellationToken: cancel);
        Assert.Equal(ledger.LiveItems.Order(StringComparer.Ordinal), items.Items.Select(c => c.Metadata!.Name!).Order(StringComparer.Ordinal));

        // Every watcher saw every acknowledged change, in order, and nothing else.
        HashSet<(string Name, long Rv)> acknowledged = ledger.Writes;
        HashSet<(string Name, long Rv)> acknowledgedCounters = [.. acknowledged.Where(w => w.Name.StartsWith("counter-", StringComparison.Ordinal))];
        foreach (WatcherRun run in watchers)
        {
            Assert.Null(run.Failure);
            HashSet<(string Name, long Rv)> expected = run.Selective ? acknowledgedCounters : acknowledged;
            Assert.True(run.Changes.Count == expected.Count, $"watcher {run.Index}: {run.Changes.Count} changes seen, {expected.Count} acknowledged");
            Assert.True(expected.SetEquals(run.Changes), $"watcher {run.Index}: the changes seen differ from the acknowledged ones ({expected.Except(run.Changes).Count()} missing, {run.Changes.Except(expected).Count()} unexpected)");
            Assert.True(run.InOrder, $"watcher {run.Index}: {run.OrderViolation}");
            if (!run.Selective)
            {
                Assert.Equal(ledger.DeletedItems.Order(StringComparer.Ordinal), run.Deleted.Order(StringComparer.Ordinal));
            }
        }

        long requests = stats.Requests;
        long watchEvents = watchers.Sum(w => (long)w.Events);
        string summary = string.Create(
            CultureInfo.InvariantCulture,
            $"emulator load: {ClientCount} clients ({watchers.Count} watchers, {ClientCount / 4} readers, {ClientCount / 2} writers), {loadTime.TotalSeconds:F1} s: "
            + $"{requests} requests = {requests / loadTime.TotalSeconds:F0} req/s (reads {stats.Reads}, acknowledged writes {stats.Writes} = {stats.Writes / loadTime.TotalSeconds:F0}/s, "
            + $"409 conflicts retried {stats.Conflicts}); watch events delivered {watchEvents} = {watchEvents / loadTime.TotalSeconds:F0}/s; "
            + $"watchers caught up {drainTime.TotalMilliseconds:F0} ms after the last write; final resourceVersion {lastVersion}; "
            + $"process CPU {cpuSeconds:F1} s ({cpuSeconds / loadTime.TotalSeconds:F2} of {Environment.ProcessorCount} cores) = {requests / cpuSeconds:F0} requests per CPU-second (server and clients together)");
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Console.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("KUBEGEN_LOAD_REPORT") is { Length: > 0 } report)
        {
            await File.AppendAllTextAsync(report, summary + Environment.NewLine, cancel);
        }

        Assert.True(stats.Writes > 0 && stats.Reads > 0 && stats.Conflicts > 0, summary);
    }

    private static async Task WriteAsync(KubeClient kube, int writer, Ledger ledger, Stats stats, CancellationToken loadEnds, CancellationToken cancel)
    {
        var configMaps = kube.CoreV1.ConfigMaps;
        var random = new Random(writer);
        var mine = new List<string>();
        int created = 0;
        string counterName = $"counter-{writer % CounterCount}";
        var itemLabels = new Dictionary<string, string> { ["kind"] = "item", ["writer"] = writer.ToString(CultureInfo.InvariantCulture) };
        while (!loadEnds.IsCancellationRequested)
        {
            int dice = random.Next(10);
            if (dice < 6)
            {
                // Increment a counter shared with three other writers: read, modify, write; retry on 409.
                while (true)
                {
                    ConfigMap current = await configMaps.GetAsync(LoadNs, counterName, cancellationToken: cancel);
                    stats.Read();
                    long count = long.Parse(current.Data!["count"], CultureInfo.InvariantCulture);
                    current.Data["count"] = (count + 1).ToString(CultureInfo.InvariantCulture);
                    try
                    {
                        ConfigMap written = await configMaps.ReplaceAsync(LoadNs, counterName, current, cancellationToken: cancel);
                        ledger.Acknowledge(written, increment: true);
                        stats.Write();
                        break;
                    }
                    catch (KubeApiException e) when (e.IsConflict)
                    {
                        stats.Conflict();
                    }
                }
            }
            else if (dice < 8 || mine.Count == 0)
            {
                string name = $"item-{writer}-{created++}";
                ConfigMap item = await configMaps.CreateAsync(LoadNs, ConfigMap(name, itemLabels), cancellationToken: cancel);
                ledger.Acknowledge(item, increment: false);
                ledger.Created(name);
                mine.Add(name);
                stats.Write();
            }
            else if (dice < 9)
            {
                string name = mine[random.Next(mine.Count)];
                ConfigMap patched = await configMaps.PatchAsync(LoadNs, name, KubePatch.Merge($$$"""{"data":{"k":"{{{random.Next()}}}"}}"""), cancellationToken: cancel);
                ledger.Acknowledge(patched, increment: false);
                stats.Write();
            }
            else
            {
                string name = mine[^1];
                mine.RemoveAt(mine.Count - 1);
                Assert.Null(await configMaps.DeleteAsync(LoadNs, name, cancellationToken: cancel));
                ledger.Deleted(name);
                stats.Write();
            }
        }
    }

    private static async Task ReadAsync(KubeClient kube, int reader, Stats stats, CancellationToken loadEnds, CancellationToken cancel)
    {
        var configMaps = kube.CoreV1.ConfigMaps;
        var random = new Random(reader);
        while (!loadEnds.IsCancellationRequested)
        {
            switch (random.Next(4))
            {
                case 0:
                {
                    // A paged list: every page consistent with the first.
                    string? token = null;
                    string? version = null;
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    do
                    {
                        ConfigMapList page = await configMaps.ListAsync(LoadNs, new() { Limit = 50, Continue = token }, cancellationToken: cancel);
                        stats.Read();
                        version ??= page.Metadata!.ResourceVersion;
                        Assert.Equal(version, page.Metadata!.ResourceVersion);
                        foreach (ConfigMap item in page.Items)
                        {
                            Assert.True(names.Add(item.Metadata!.Name!), $"{item.Metadata.Name} listed twice");
                        }

                        token = page.Metadata.Continue;
                    }
                    while (token is not null);
                    break;
                }

                case 1:
                    Assert.Equal(CounterCount, (await configMaps.ListAsync(LoadNs, new() { LabelSelector = "kind=counter" }, cancellationToken: cancel)).Items.Count);
                    stats.Read();
                    break;
                default:
                    await configMaps.GetAsync(LoadNs, $"counter-{random.Next(CounterCount)}", cancellationToken: cancel);
                    stats.Read();
                    break;
            }
        }
    }

    private static async Task WatchAsync(KubeClient kube, WatcherRun run, string startVersion, Task<long> finalVersion, CancellationToken cancel)
    {
        try
        {
            await foreach (WatchEvent<ConfigMap> e in kube.CoreV1.ConfigMaps.WatchSingleConnectionAsync(LoadNs, new() { AllowWatchBookmarks = true, LabelSelector = run.Selective ? "kind=counter" : null, ResourceVersion = startVersion }, cancellationToken: cancel))
            {
                long rv = long.Parse(e.Object.Metadata!.ResourceVersion!, CultureInfo.InvariantCulture);
                run.Observe(e.Type, e.Object.Metadata.Name, rv);
                if (finalVersion.IsCompletedSuccessfully && rv >= finalVersion.Result)
                {
                    return;
                }
            }

            run.Failure = new InvalidOperationException("The watch ended before the last write was seen.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Failure = e;
        }
    }

    private sealed class WatcherRun(int index, bool selective)
    {
        private readonly Dictionary<string, long> _lastByName = new(StringComparer.Ordinal);
        private long _last;

        public int Index { get; } = index;

        public bool Selective { get; } = selective;

        public HashSet<(string Name, long Rv)> Changes { get; } = [];

        public List<string> Deleted { get; } = [];

        public int Events { get; private set; }

        public bool InOrder => OrderViolation is null;

        public string? OrderViolation { get; private set; }

        public Exception? Failure { get; set; }

        public void Observe(WatchEventType type, string? name, long rv)
        {
            Events++;
            if (type == WatchEventType.Bookmark)
            {
                if (rv < _last)
                {
                    OrderViolation ??= $"bookmark {rv} after event {_last}";
                }

                return;
            }

            if (rv <= _last)
            {
                OrderViolation ??= $"{type} {name} at {rv} after {_last}";
            }

            _last = rv;
            if (_lastByName.TryGetValue(name!, out long previous) && rv <= previous)
            {
                OrderViolation ??= $"{name}: {rv} after {previous}";
            }

            _lastByName[name!] = rv;
            if (type == WatchEventType.Deleted)
            {
                Deleted.Add(name!);
            }
            else
            {
                Changes.Add((name!, rv));
            }
        }
    }

    private sealed class Ledger
    {
        private readonly ConcurrentDictionary<(string, long), byte> _writes = new();
        private readonly ConcurrentDictionary<string, long> _increments = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, byte> _live = new(StringComparer.Ordinal);
        private readonly ConcurrentBag<string> _deleted = [];

        public HashSet<(string Name, long Rv)> Writes => [.. _writes.Keys];

        public long TotalIncrements => _increments.Values.Sum();

        public IEnumerable<string> LiveItems => _live.Keys;

        public IEnumerable<string> DeletedItems => _deleted;

        public long Increments(string counter) => _increments.GetValueOrDefault(counter);

        public void Acknowledge(ConfigMap written, bool increment)
        {
            string name = written.Metadata!.Name!;
            Assert.True(_writes.TryAdd((name, long.Parse(written.Metadata.ResourceVersion!, CultureInfo.InvariantCulture)), 0), $"resourceVersion {written.Metadata.ResourceVersion} acknowledged twice");
            if (increment)
            {
                _increments.AddOrUpdate(name, 1, (_, n) => n + 1);
            }
        }

        public void Created(string name) => _live[name] = 0;

        public void Deleted(string name)
        {
            _live.TryRemove(name, out _);
            _deleted.Add(name);
        }
    }

    private sealed class Stats
    {
        private long _reads;
        private long _writes;
        private long _conflicts;

        public long Reads => Interlocked.Read(ref _reads);

        public long Writes => Interlocked.Read(ref _writes);

        public long Conflicts => Interlocked.Read(ref _conflicts);

        public long Requests => Reads + Writes + Conflicts;

        public void Read() => Interlocked.Increment(ref _reads);

        public void Write() => Interlocked.Increment(ref _writes);

        public void Conflict() => Interlocked.Increment(ref _conflicts);
    }
}
