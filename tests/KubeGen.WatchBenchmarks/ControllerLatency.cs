using System.Diagnostics;
using KubeGen.Runtime;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// Change → reconcile start under load, in process: an informer raises updates for 500 keys at a steady rate while the
/// controller's workers wait a fixed time per reconcile (standing in for its API calls); each change's latency is from the event to the start of the first
/// reconcile of its key after it (merged changes share that start). Reports p50/p99/max per load. Excludes the watch (see
/// "Watch and cache" in docs/benchmarks.md for that part).
/// </summary>
internal static class ControllerLatency
{
    public static async Task<int> RunAsync()
    {
        Console.WriteLine("| changes/s | workers | work per reconcile | changes | reconciles | p50 | p99 | max |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach ((int rate, int workers, double workMs) in new[] { (1_000, 4, 2.0), (1_000, 16, 2.0), (5_000, 16, 2.0), (20_000, 16, 2.0) })
        {
            await MeasureAsync(rate, workers, TimeSpan.FromMilliseconds(workMs), TimeSpan.FromSeconds(5));
        }

        return 0;
    }

    private static async Task MeasureAsync(int rate, int workers, TimeSpan work, TimeSpan duration)
    {
        const int Keys = 500;
        var informer = new SyntheticInformer();
        var pending = new Dictionary<string, List<long>>(); // key → timestamps of changes not yet picked up
        var latencies = new List<double>();
        int reconciles = 0;
        var controller = new Controller("latency", async (request, ct) =>
        {
            long started = Stopwatch.GetTimestamp();
            lock (pending)
            {
                if (pending.Remove(request.Name, out List<long>? changes))
                {
                    foreach (long at in changes)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(at, started).TotalMilliseconds);
                    }
                }
            }

            Interlocked.Increment(ref reconciles);
            await Task.Delay(work, ct); // a reconcile waits on the API server; it does not burn a core
            return ReconcileResult.Done;
        }, new ControllerOptions { MaxConcurrentReconciles = workers });
        controller.For(informer);
        using var stop = new CancellationTokenSource();
        Task run = controller.RunAsync(stop.Token);

        int changes = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            // The changes due by now, then a millisecond's sleep: a steady rate without a spinning producer.
            if (changes >= (int)(clock.Elapsed.TotalSeconds * rate))
            {
                await Task.Delay(1);
                continue;
            }

            string key = "object-" + (changes % Keys);
            lock (pending)
            {
                if (!pending.TryGetValue(key, out List<long>? list))
                {
                    pending[key] = list = [];
                }

                list.Add(Stopwatch.GetTimestamp());
            }

            informer.Change(key, changes);
            changes++;
        }

        while (controller.Queue.Count > 0 || controller.Metrics.ActiveWorkers > 0)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await run;
        latencies.Sort();
        double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, q * latencies.Count)];
        Console.WriteLine($"| {rate:N0} | {workers} | {work.TotalMilliseconds} ms | {changes:N0} | {reconciles:N0} | {P(0.50):0.000} ms | {P(0.99):0.000} ms | {latencies[^1]:0.000} ms |");
    }

    private sealed class SyntheticInformer : IInformer<Item>
    {
        public event Action<Item>? OnAdded;

        public event Action<Item, Item>? OnUpdated;

        public event Action<Item>? OnDeleted;

        public bool IsStarted { get; private set; }

        public bool HasSynced => true;

        public Task StartAsync(CancellationToken cancellationToken = default)
        {
            IsStarted = true;
            _ = OnAdded;
            _ = OnDeleted;
            return Task.CompletedTask;
        }

        public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Item? Get(string? @namespace, string name) => null;

        public IReadOnlyList<Item> List() => [];

        public void Change(string name, int version)
        {
            var item = new Item(name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            OnUpdated?.Invoke(new Item(name, "old"), item);
        }
    }

    private sealed class Item(string name, string version) : IKubeObject, IKubeObjectMetadata
    {
        public string? ApiVersion { get; set; } = "v1";

        public string? Kind { get; set; } = "Item";

        public IKubeObjectMetadata? ObjectMetadata => this;

        public string? Name => name;

        public string? Namespace => "shop";

        public string? ResourceVersion => version;

        public string? Uid => null;

        public long? Generation => null;

        public DateTimeOffset? DeletionTimestamp => null;

        public IDictionary<string, string>? Labels => null;

        public IDictionary<string, string>? Annotations => null;
    }
}
