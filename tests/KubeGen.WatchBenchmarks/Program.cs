using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KubeGen.WatchBenchmarks;

// --cache-memory [all|pods|realistic-pods]: retained heap of 10,000 ConfigMaps, fixture pods or realistic pods (each case in a fresh process).
// --quick: smoke test (1 warmup, 1 iteration). Anything else goes to BenchmarkDotNet (e.g. --filter '*').
if (args.Length > 0 && args[0] == "--cache-memory")
{
    return await CacheMemory.RunAsync(args);
}

// --list-peak: peak RSS of one unpaged 10,000-pod list, KubeGen and KubernetesClient, each in a fresh process.
if (args.Length > 0 && args[0] == "--list-peak")
{
    return await ListPeakMemory.RunAsync(args);
}

// --controller-latency: change -> reconcile start, p50/p99, under steady load (in process).
if (args.Length > 0 && args[0] == "--controller-latency")
{
    return await ControllerLatency.RunAsync();
}

// --memory-gate [--update]: retained bytes per cached pod against the committed baseline (fails above 110 %); .ci/run runs it.
if (args.Length > 0 && args[0] == "--memory-gate")
{
    return await MemoryGate.RunAsync(args.Contains("--update"));
}

bool quick = args.Contains("--quick");
args = [.. args.Where(a => a != "--quick")];

// In-process: the loopback server and both clients share the process, and nothing is built into the source tree.
// Short jobs: the machine has 2 cores and is shared.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(quick ? 1 : 2)
    .WithIterationCount(quick ? 1 : 5)
    .WithInvocationCount(quick ? 1 : 4)
    .WithUnrollFactor(1);
var config = DefaultConfig.Instance.AddJob(job).AddDiagnoser(MemoryDiagnoser.Default).WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(WatchBenchmarks).Assembly).Run(args, config);
return 0;
