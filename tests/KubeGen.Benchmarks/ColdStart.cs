using System.Globalization;
using System.Runtime;
using Microsoft.CodeAnalysis;

namespace KubeGen.Benchmarks;

/// <summary>
/// <c>--cold [N]</c>: what a build that loads the generator fresh pays. Starts N new processes of
/// this executable per workload; each reads the spec and builds an empty compilation (untimed),
/// then times exactly one generator run (driver creation + RunGenerators + GetRunResult) with a
/// Stopwatch, so process start, runtime startup and file I/O are excluded but all JIT of the
/// generator, System.Text.Json and Roslyn's driver paths is included. Each child also reports the
/// process CPU time (all threads, so background tiered JIT and GC count) used during that run,
/// which is less sensitive than wall time to other load on the machine, the JIT's own count of the
/// time it spent compiling (System.Runtime.JitInfo) and of the methods it compiled meanwhile, and
/// times a second run in the same process, to show how much of the first run is warm-up.
/// </summary>
internal static class ColdStart
{
    private const string ResultPrefix = "COLD ";

    public static int Run(int launches)
    {
        Console.WriteLine($"Cold start: {launches} fresh processes per case; spec {BenchmarkPaths.Spec(GeneratorInput.SpecFileName)}");
        Console.WriteLine();
        Console.WriteLine("| Case | Files | First run median | min | max | CPU during first run (median) | of which JIT (median) | Methods jitted | Second run median (same process) | Process wall median |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var workload in Enum.GetValues<GeneratorCase>())
        {
            var first = new List<double>();
            var cpu = new List<double>();
            var second = new List<double>();
            var jit = new List<double>();
            var methods = new List<double>();
            var wall = new List<double>();
            var files = 0;
            for (var i = 0; i < launches; i++)
            {
                var (output, wallMilliseconds) = Measure.RunSelf("--cold-child", workload.ToString());
                var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal))
                    ?? throw new InvalidOperationException("The child printed no result:" + Environment.NewLine + output);
                var parts = line.Substring(ResultPrefix.Length).Split(' ');
                first.Add(double.Parse(parts[0], CultureInfo.InvariantCulture));
                cpu.Add(double.Parse(parts[1], CultureInfo.InvariantCulture));
                second.Add(double.Parse(parts[2], CultureInfo.InvariantCulture));
                files = int.Parse(parts[3], CultureInfo.InvariantCulture);
                jit.Add(double.Parse(parts[4], CultureInfo.InvariantCulture));
                methods.Add(double.Parse(parts[5], CultureInfo.InvariantCulture));
                wall.Add(wallMilliseconds);
            }

            Console.WriteLine(
                $"| {workload} | {files:N0} | {Measure.Ms(Measure.Median(first))} | {Measure.Ms(first.Min())} | {Measure.Ms(first.Max())} | {Measure.Ms(Measure.Median(cpu))} | {Measure.Ms(Measure.Median(jit))} | {Measure.Format(Measure.Median(methods), "N0")} | {Measure.Ms(Measure.Median(second))} | {Measure.Ms(Measure.Median(wall))} |");
        }

        return 0;
    }

    /// <summary>The child: one timed generator run in a process that has never run it.</summary>
    public static int Child(GeneratorCase workload)
    {
        var input = GeneratorInput.Load(workload);

        var cpuBefore = Environment.CpuUsage.TotalTime;
        var jitBefore = JitInfo.GetCompilationTime();
        var methodsBefore = JitInfo.GetCompiledMethodCount();
        GeneratorRunResult result = default;
        var firstRun = Measure.Milliseconds(() => result = input.Run());
        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
        var jit = (JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds;
        var methods = JitInfo.GetCompiledMethodCount() - methodsBefore;
        var files = input.Validate(result).GeneratedSources.Length;
        var secondRun = Measure.Milliseconds(() => input.Run());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ResultPrefix}{firstRun:0.000} {cpu:0.000} {secondRun:0.000} {files} {jit:0.000} {methods}"));
        return 0;
    }
}
