using System.Text;
using Microsoft.CodeAnalysis;

namespace KubeGen.Benchmarks;

/// <summary><c>--stats</c>: how much C# each workload emits (files, lines, UTF-8 bytes).</summary>
internal static class EmitStats
{
    public static int Run()
    {
        Console.WriteLine($"Spec: {BenchmarkPaths.Spec(GeneratorInput.SpecFileName)}");
        Console.WriteLine();
        Console.WriteLine("| Case | Resources | Files | Lines | Bytes (UTF-8) | Largest file | Generator warnings/errors |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- | ---: |");
        foreach (var workload in Enum.GetValues<GeneratorCase>())
        {
            var input = GeneratorInput.Load(workload);
            var result = input.Validate(input.Run());
            long lines = 0;
            long bytes = 0;
            var largest = (Name: string.Empty, Bytes: 0L);
            foreach (var source in result.GeneratedSources)
            {
                var text = source.SourceText.ToString();
                var size = Encoding.UTF8.GetByteCount(text);
                bytes += size;
                lines += CountLines(text);
                if (size > largest.Bytes)
                {
                    largest = (source.HintName, size);
                }
            }

            var problems = result.Diagnostics.Count(d => d.Severity >= DiagnosticSeverity.Warning);
            Console.WriteLine(
                $"| {workload} | {input.Resources ?? "(all)"} | {result.GeneratedSources.Length:N0} | {lines:N0} | {bytes:N0} | {largest.Name} ({Measure.Format(largest.Bytes / 1024.0, "0.0")} KiB) | {problems} |");
            foreach (var diagnostic in result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(5))
            {
                Console.Error.WriteLine("  " + diagnostic);
            }
        }

        return 0;
    }

    private static long CountLines(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        long count = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                count++;
            }
        }

        return text[^1] == '\n' ? count : count + 1;
    }
}
