using BenchmarkDotNet.Attributes;
using KubeGen.Runtime;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// Work queue throughput: 20,000 distinct keys added, then taken and marked done by 1, 4 or 16 workers (the controller's
/// loop without a reconcile: what the queue itself costs per key). Keys/s = 20,000 / mean.
/// </summary>
public class QueueBenchmarks
{
    private const int Keys = 20_000;
    private ReconcileRequest[] _keys = [];

    [Params(1, 4, 16)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup() => _keys = [.. Enumerable.Range(0, Keys).Select(i => new ReconcileRequest("shop", "object-" + i))];

    [Benchmark]
    public async Task AddGetDone()
    {
        using var queue = new RateLimitingQueue<ReconcileRequest>();
        Task[] workers = new Task[Workers];
        int remaining = Keys;
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                while (Volatile.Read(ref remaining) > 0)
                {
                    (ReconcileRequest key, bool shutDown) = await queue.GetAsync();
                    if (shutDown)
                    {
                        return;
                    }

                    queue.Forget(key);
                    queue.Done(key);
                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        queue.ShutDown();
                    }
                }
            });
        }

        foreach (ReconcileRequest key in _keys)
        {
            queue.Add(key);
        }

        await Task.WhenAll(workers);
    }
}
