using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// The memory gate .ci/run runs (kube-rs gates its pull requests the same way): the retained bytes per cached pod of a synced
/// 10,000-pod informer cache with the default transform, measured in a fresh process as <see cref="CacheMemory"/> does
/// (deterministic to within a few percent: no timing enters it), against the committed baseline
/// (<c>cache-memory-baseline.json</c> next to this file). Above 110 % of the baseline it fails; <c>--update</c> writes a new baseline.
/// </summary>
internal static class MemoryGate
{
    private const double Tolerance = 1.10;

    public static async Task<int> RunAsync(bool update)
    {
        string baselinePath = BaselinePath();
        using var process = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["--cache-memory", "pod-cache"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("pod-cache ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            Console.WriteLine(output);
            Console.WriteLine(await errors);
            Console.WriteLine("memory gate: the measurement failed");
            return 1;
        }

        // "pod-cache <label> <retained> <per object>   (samples: ...)": the per-object figure is the fourth number from the label's end.
        string[] fields = line[..line.IndexOf("(samples", StringComparison.Ordinal)].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long perObject = long.Parse(fields[^1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        if (update)
        {
            var baseline = new JsonObject { ["podCacheRetainedBytesPerObject"] = perObject, ["measured"] = line.Trim() };
            await File.WriteAllTextAsync(baselinePath, baseline.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            Console.WriteLine($"memory gate: baseline updated to {perObject} bytes per cached pod ({baselinePath})");
            return 0;
        }

        long allowed = (long)(ReadBaseline(baselinePath) * Tolerance);
        bool pass = perObject <= allowed;
        Console.WriteLine($"memory gate: {perObject} retained bytes per cached pod; baseline {ReadBaseline(baselinePath)}, allowed {allowed} (110 %): {(pass ? "pass" : "FAIL")}");
        return pass ? 0 : 1;
    }

    private static long ReadBaseline(string path)
        => JsonNode.Parse(File.ReadAllText(path))!["podCacheRetainedBytesPerObject"]!.GetValue<long>();

    /// <summary>The committed baseline, found from the build output upwards (the checkout may have moved since the build).</summary>
    private static string BaselinePath([CallerFilePath] string thisFile = "")
    {
        const string Relative = "tests/KubeGen.WatchBenchmarks/cache-memory-baseline.json";
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, Relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(Path.GetDirectoryName(thisFile)!, "cache-memory-baseline.json");
    }
}
