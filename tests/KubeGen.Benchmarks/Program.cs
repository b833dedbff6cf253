using BenchmarkDotNet.Columns;
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
//     [--case Case] [--generator PATH]...           only one workload; compare generator builds, launches interleaved
//   --breakdown [N]                                 cold and warm time per generator stage
//   --profile Case [N]                              CPU sampling profile of N warm runs (Case: FullSpec, ThreeResources)
//   --profile-jit Case                              what the JIT compiles during a fresh process's first run
//   --quick                                         fewer iterations / processes for any of the above
var quick = args.Contains("--quick");
var generators = new List<string>();
GeneratorCase? onlyCase = null;
var restList = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            break;
        case "--generator" when i + 1 < args.Length:
            generators.Add(Path.GetFullPath(args[++i]));
            break;
        case "--case" when i + 1 < args.Length:
            onlyCase = Enum.Parse<GeneratorCase>(args[++i]);
            break;
        default:
            restList.Add(args[i]);
            break;
    }
}

var rest = restList.ToArray();

static int Count(string[] arguments, int fallback)
    => arguments.Length > 1 && int.TryParse(arguments[1], out var value) && value > 0 ? value : fallback;

switch (rest.FirstOrDefault())
{
    case "--stats":
        return EmitStats.Run();
    case "--cold":
        return ColdStart.Run(Count(rest, quick ? 3 : 20));
    case "--cold-csc":
        return CscColdStart.Run(Count(rest, quick ? 1 : 5), generators, onlyCase);
    case "--cold-child":
        return ColdStart.Child(Enum.Parse<GeneratorCase>(rest[1]));
    case "--breakdown":
        return PhaseBreakdown.Run(Count(rest, quick ? 3 : 30));
    case "--profile":
        return SamplingProfile.Run(Enum.Parse<GeneratorCase>(rest[1]), rest.Length > 2 && int.TryParse(rest[2], out var runs) && runs > 0 ? runs : quick ? 3 : 10);
    case "--profile-jit":
        return SamplingProfile.RunJit(Enum.Parse<GeneratorCase>(rest[1]));
    case "--profile-jit-child":
        return SamplingProfile.JitChild(Enum.Parse<GeneratorCase>(rest[1]));
    case "--profile-child":
        return SamplingProfile.Child(Enum.Parse<GeneratorCase>(rest[1]), int.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture));
    case "--breakdown-child":
        return PhaseBreakdown.Child(Enum.Parse<GeneratorCase>(rest[1]), int.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture));
}

// In-process: no generated boilerplate project to build (which would write bin/obj into the
// source tree and race with parallel builds). A full-spec iteration is a single invocation, so 10
// warmup iterations let the JIT reach optimized code before the 15 measured ones; both cases
// together take about a minute on a 2-core machine.
var job = (quick
        ? Job.Default.WithId("Quick").WithWarmupCount(1).WithIterationCount(3)
        : Job.Default.WithId("Generator").WithWarmupCount(10).WithIterationCount(15))
    .WithLaunchCount(1)
    .WithToolchain(InProcessEmitToolchain.Instance);

var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);

var summaries = BenchmarkSwitcher.FromAssembly(typeof(GeneratorBenchmarks).Assembly).Run(rest, config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
