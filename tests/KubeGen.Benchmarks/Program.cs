using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KubeGen.Benchmarks;

// Modes (see docs/benchmarks.md):
//   (BenchmarkDotNet arguments, e.g. --filter '*')  warm generator runs with MemoryDiagnoser
//   --stats                                         files / lines / bytes each workload emits
//   --cold [N]                                      first generator run in N fresh processes per workload
//   --cold-csc [N]                                  the generator in N fresh processes of the SDK's csc (/reportanalyzer)
//   --breakdown [N]                                 cold and warm time per generator stage
//   --quick                                         fewer iterations / processes for any of the above
var quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToArray();

static int Count(string[] arguments, int fallback)
    => arguments.Length > 1 && int.TryParse(arguments[1], out var value) && value > 0 ? value : fallback;

switch (rest.FirstOrDefault())
{
    case "--stats":
        return EmitStats.Run();
    case "--cold":
        return ColdStart.Run(Count(rest, quick ? 3 : 10));
    case "--cold-csc":
        return CscColdStart.Run(Count(rest, quick ? 2 : 5));
    case "--cold-child":
        return ColdStart.Child(Enum.Parse<GeneratorCase>(rest[1]));
    case "--breakdown":
        return PhaseBreakdown.Run(Count(rest, quick ? 2 : 5));
    case "--breakdown-child":
        return PhaseBreakdown.Child(Enum.Parse<GeneratorCase>(rest[1]), int.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture));
}

// In-process: no generated boilerplate project to build (which would write bin/obj into the
// source tree and race with parallel builds). Iteration counts keep a full run of both cases
// within a few minutes on a 2-core machine; the full-spec case still gets 10 measured iterations.
var job = (quick
        ? Job.Default.WithId("Quick").WithWarmupCount(1).WithIterationCount(3)
        : Job.Default.WithId("Generator").WithWarmupCount(3).WithIterationCount(10))
    .WithLaunchCount(1)
    .WithToolchain(InProcessEmitToolchain.Instance);

var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default);

var summaries = BenchmarkSwitcher.FromAssembly(typeof(GeneratorBenchmarks).Assembly).Run(rest, config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
