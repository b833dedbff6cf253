using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace KubeGen.Benchmarks;

/// <summary>
/// <c>--profile Case [N]</c>: a CPU sampling profile of N warm generator runs. A child process warms
/// up, then runs the generator in a loop while an EventPipe session (the runtime's 1 ms sample
/// profiler, as dotnet-trace uses) records it; the samples on the loop's thread are aggregated by
/// method, exclusive (the frame on top) and inclusive (anywhere on the stack). <c>--profile-jit</c>
/// records the JIT events of a cold first run instead.
/// </summary>
internal static class SamplingProfile
{
    private const string SampleProvider = "Microsoft-DotNETCore-SampleProfiler";
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    public static int Run(GeneratorCase workload, int iterations)
    {
        var providers = new[]
        {
            new EventPipeProvider(SampleProvider, EventLevel.Informational),
            new EventPipeProvider(
                RuntimeProvider,
                EventLevel.Informational,
                (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader)),
        };
        var trace = Record(providers, "--profile-child", workload, iterations);
        try
        {
            Report(workload, iterations, trace);
        }
        finally
        {
            File.Delete(trace);
            File.Delete(Path.ChangeExtension(trace, ".etlx"));
        }

        return 0;
    }

    /// <summary>
    /// <c>--profile-jit Case</c>: what the JIT compiles during the first generator run of a fresh
    /// process (the spec is read and the compilation built before recording starts), grouped by
    /// namespace, with the time between each method's JittingStarted and MethodLoad events.
    /// </summary>
    public static int RunJit(GeneratorCase workload)
    {
        var providers = new[]
        {
            new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, (long)(ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader)),
        };
        var trace = Record(providers, "--profile-jit-child", workload, 1);
        try
        {
            ReportJit(workload, trace);
        }
        finally
        {
            File.Delete(trace);
        }

        return 0;
    }

    /// <summary>Starts a child in <paramref name="mode"/>, records it between READY and DONE, returns the .nettrace path.</summary>
    private static string Record(EventPipeProvider[] providers, string mode, GeneratorCase workload, int iterations)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
        var start = new ProcessStartInfo(processPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(SamplingProfile).Assembly.Location);
        }

        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(workload.ToString());
        start.ArgumentList.Add(iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var trace = Path.Combine(Path.GetTempPath(), $"kubegen-profile-{workload}-{Environment.ProcessId}.nettrace");
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {processPath}.");
        WaitFor(child, "READY");
        using (var session = new DiagnosticsClient(child.Id).StartEventPipeSession(providers, requestRundown: true, circularBufferMB: 512))
        {
            var copy = Task.Run(() =>
            {
                using var file = File.Create(trace);
                session.EventStream.CopyTo(file);
            });
            child.StandardInput.WriteLine("GO");
            WaitFor(child, "DONE");
            session.Stop();
            copy.GetAwaiter().GetResult();
        }

        child.StandardInput.WriteLine("EXIT");
        child.WaitForExit();
        return trace;
    }

    public static int Child(GeneratorCase workload, int iterations)
    {
        var input = GeneratorInput.Load(workload);
        for (var i = 0; i < 5; i++)
        {
            input.Run();
        }

        Console.WriteLine("READY");
        _ = Console.ReadLine();
        ProfileLoop(input, iterations);
        Console.WriteLine("DONE");
        _ = Console.ReadLine();
        return 0;
    }

    public static int JitChild(GeneratorCase workload)
    {
        var input = GeneratorInput.Load(workload);
        _ = input.Compilation.AssemblyName;
        Console.WriteLine("READY");
        _ = Console.ReadLine();
        input.Run();
        Console.WriteLine("DONE");
        _ = Console.ReadLine();
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ProfileLoop(GeneratorInput input, int iterations)
    {
        for (var i = 0; i < iterations; i++)
        {
            input.Run();
        }
    }

    private static void WaitFor(Process child, string marker)
    {
        while (child.StandardOutput.ReadLine() is { } line)
        {
            if (line.Trim() == marker)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The profiled child exited before printing {marker}.");
    }

    private static void Report(GeneratorCase workload, int iterations, string trace)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(trace);
        using var log = new TraceLog(etlx);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var sample in log.Events)
        {
            if (sample.ProviderName != SampleProvider || sample.CallStack() is not { } stack)
            {
                continue;
            }

            var frames = new List<string>();
            for (var frame = stack; frame is not null; frame = frame.Caller)
            {
                var address = frame.CodeAddress;
                var method = string.IsNullOrEmpty(address.FullMethodName) ? "?" : address.FullMethodName;
                frames.Add($"{address.ModuleName}!{method}");
            }

            if (!frames.Any(f => f.Contains(nameof(ProfileLoop), StringComparison.Ordinal)))
            {
                continue;
            }

            total++;
            exclusive[frames[0]] = exclusive.GetValueOrDefault(frames[0]) + 1;
            foreach (var frame in frames.Distinct(StringComparer.Ordinal))
            {
                inclusive[frame] = inclusive.GetValueOrDefault(frame) + 1;
            }
        }

        Console.WriteLine($"### Sampling profile: {workload}, {iterations} warm runs, {total:N0} samples (~1 ms each) on the generator thread");
        Console.WriteLine();
        Print("Exclusive (self time), top 25", exclusive, total, 25, _ => true);
        Print("Inclusive, KubeGen.Generator methods, top 30", inclusive, total, 30, name => name.StartsWith("KubeGen.Generator!", StringComparison.Ordinal));
    }

    private static void Print(string title, Dictionary<string, int> counts, int total, int top, Func<string, bool> filter)
    {
        Console.WriteLine($"| {title} | samples | % |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var (name, count) in counts.Where(p => filter(p.Key)).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top).Select(p => (p.Key, p.Value)))
        {
            var shown = name.Length > 150 ? name[..150] + "…" : name;
            Console.WriteLine($"| `{shown.Replace("|", "\\|", StringComparison.Ordinal)}` | {count:N0} | {Measure.Format(100.0 * count / Math.Max(1, total), "0.0")} |");
        }

        Console.WriteLine();
    }

    private static void ReportJit(GeneratorCase workload, string trace)
    {
        var started = new Dictionary<(int Thread, long Method), double>();
        var byGroup = new Dictionary<string, (int Count, double Milliseconds)>(StringComparer.Ordinal);
        var slowest = new List<(string Name, double Milliseconds)>();
        using (var source = new EventPipeEventSource(trace))
        {
            source.Clr.MethodJittingStarted += e => started[(e.ThreadID, e.MethodID)] = e.TimeStampRelativeMSec;
            source.Clr.MethodLoadVerbose += e =>
            {
                if (!started.Remove((e.ThreadID, e.MethodID), out var begin))
                {
                    return;
                }

                var duration = e.TimeStampRelativeMSec - begin;
                var group = Group(e.MethodNamespace);
                var (count, milliseconds) = byGroup.GetValueOrDefault(group);
                byGroup[group] = (count + 1, milliseconds + duration);
                slowest.Add(($"{e.MethodNamespace}.{e.MethodName}", duration));
            };
            source.Process();
        }

        var total = byGroup.Values.Sum(v => v.Milliseconds);
        Console.WriteLine($"### JIT during the first {workload} run: {byGroup.Values.Sum(v => v.Count):N0} methods, {Measure.Ms(total)} (JittingStarted → MethodLoad, all threads)");
        Console.WriteLine();
        Console.WriteLine("| Namespace | Methods | JIT time | % |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (group, (count, milliseconds)) in byGroup.OrderByDescending(p => p.Value.Milliseconds).Select(p => (p.Key, p.Value)))
        {
            Console.WriteLine($"| {group} | {count:N0} | {Measure.Ms(milliseconds)} | {Measure.Format(100 * milliseconds / Math.Max(total, 1e-9), "0.0")} |");
        }

        Console.WriteLine();
        Console.WriteLine("| Slowest methods to JIT | ms |");
        Console.WriteLine("| --- | ---: |");
        foreach (var (name, milliseconds) in slowest.OrderByDescending(m => m.Milliseconds).Take(15))
        {
            var shown = name.Length > 150 ? name[..150] + "…" : name;
            Console.WriteLine($"| `{shown.Replace("|", "\\|", StringComparison.Ordinal)}` | {Measure.Format(milliseconds, "0.00")} |");
        }

        Console.WriteLine();

        // Every jitted method, slowest first, for finding value-type generic instantiations to avoid.
        if (Environment.GetEnvironmentVariable("KUBEGEN_JIT_LIST") is { Length: > 0 } listPath)
        {
            File.WriteAllLines(listPath, slowest.OrderByDescending(m => m.Milliseconds).Select(m => Measure.Format(m.Milliseconds, "0.00") + "\t" + m.Name));
            Console.WriteLine($"All {slowest.Count:N0} jitted methods: {listPath}");
        }

        static string Group(string ns)
        {
            foreach (var prefix in new[] { "KubeGen.Generator", "Microsoft.CodeAnalysis", "System.Text.Json", "System.Linq", "System.Collections.Immutable", "System.Collections", "System.Text.RegularExpressions" })
            {
                if (ns.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return prefix;
                }
            }

            return ns.StartsWith("System.", StringComparison.Ordinal) ? "System (other)" : ns.Length == 0 ? "(dynamic/IL stubs)" : "other";
        }
    }
}
