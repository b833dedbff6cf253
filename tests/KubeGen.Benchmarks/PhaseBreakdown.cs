using System.Globalization;
using System.Text;
using System.Text.Json;
using KubeGen.Generator.Emit;
using KubeGen.Generator.Model;
using KubeGen.Generator.Modeling;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Pipeline;

namespace KubeGen.Benchmarks;

/// <summary>
/// <c>--breakdown [N]</c>: where a generator run spends its time. Calls the generator's internal
/// stages directly, in pipeline order, the way <c>KubernetesApiGenerator</c> chains them:
/// content hash of the spec text → <see cref="SpecReader.Read"/> → <see cref="ModelBuilder.Build"/> →
/// emitters. Each workload runs in a fresh child process: the first iteration is the cold cost of
/// each stage; after N more, the median of the last (up to) 5 is the warm cost. A full driver run
/// is timed as well, so the Roslyn driver overhead (AddSource and its hint-name checks, SourceText
/// creation) shows as the remainder.
/// </summary>
internal static class PhaseBreakdown
{
    private static readonly string[] s_phases = ["content hash", "SpecReader.Read", "(reference, not a stage) JsonDocument.Parse of the whole spec", "ModelBuilder.Build", "emit clients", "emit models", "sum of stages", "full driver run", "driver overhead"];

    public static int Run(int repeats)
    {
        foreach (var workload in Enum.GetValues<GeneratorCase>())
        {
            var (output, _) = Measure.RunSelf("--breakdown-child", workload.ToString(), repeats.ToString(CultureInfo.InvariantCulture));
            Console.Write(output);
            Console.WriteLine();
        }

        return 0;
    }

    public static int Child(GeneratorCase workload, int repeats)
    {
        var input = GeneratorInput.Load(workload);
        var runs = new List<Dictionary<string, double>>();
        var counts = string.Empty;
        for (var i = 0; i <= repeats; i++)
        {
            var (times, description) = Once(input);
            runs.Add(times);
            counts = description;
        }

        Console.WriteLine($"### {workload} ({input.Resources ?? "every resource"}): {counts}");
        Console.WriteLine();
        // The JIT needs a few dozen calls to move hot methods to optimized (tier-1) code, so only
        // the last runs count as warm.
        var measured = Math.Min(5, repeats);
        Console.WriteLine($"| Stage | First run (cold) | Warm: median of the last {measured} of {repeats} runs |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var phase in s_phases)
        {
            var warm = Measure.Median(runs.Skip(1 + repeats - measured).Select(r => r[phase]).ToList());
            var cold = phase is "full driver run" or "driver overhead" ? "(n/a: stages already ran)" : Measure.Ms(runs[0][phase]);
            Console.WriteLine($"| {phase} | {cold} | {Measure.Ms(warm)} |");
        }

        return 0;
    }

    private static (Dictionary<string, double> Times, string Description) Once(GeneratorInput input)
    {
        var times = new Dictionary<string, double>(StringComparer.Ordinal);
        var cancellationToken = CancellationToken.None;

        // 1. What ParseSpec does before reading: the content hash the catalog is cached on.
        var hash = string.Empty;
        times["content hash"] = Measure.Milliseconds(() => hash = ContentHash.Of(input.SpecText));

        // 2. Parse + resource index.
        SpecCatalog catalog = null!;
        times["SpecReader.Read"] = Measure.Milliseconds(() => catalog = SpecReader.Read(input.SpecPath, input.SpecText, hash, cancellationToken));

        // 3. Selection, operations, closure of types.
        var request = new ClientRequest(
            GeneratorInput.RootNamespace,
            GeneratorInput.ClientName,
            new[] { new ClusterRequest(string.Empty, new[] { input.SpecPath }.ToImmutableEquatableArray(), ImmutableEquatableArray<string>.Empty) }.ToImmutableEquatableArray(),
            new[] { input.Resources is null ? string.Empty : GeneratorInput.CompilerSelector(input.Resources) }.ToImmutableEquatableArray());
        ClientResult result = null!;
        times["ModelBuilder.Build"] = Measure.Milliseconds(() => result = ModelBuilder.Build(request, new[] { catalog }, cancellationToken));
        var model = result.Model ?? throw new InvalidOperationException("No model: " + string.Join("; ", result.Diagnostics.Select(d => d.ToString())));

        // 4. The emitters, split as KubernetesApiGenerator.Emit calls them (hint names included).
        var files = 0;
        long chars = 0;
        var planned = GeneratedFiles.Of(model);
        times["emit clients"] = Measure.Milliseconds(() =>
        {
            foreach (var file in planned.Where(f => f.Kind != GeneratedFileKind.Model))
            {
                chars += Count(file.HintName, FileEmitter.Emit(file));
            }
        });
        times["emit models"] = Measure.Milliseconds(() =>
        {
            foreach (var file in planned.Where(f => f.Kind == GeneratedFileKind.Model))
            {
                chars += Count(file.HintName, FileEmitter.Emit(file));
            }
        });

        // Not a pipeline stage: what a whole-document parse costs, for comparison with SpecReader.Read's index-only scan.
        times["(reference, not a stage) JsonDocument.Parse of the whole spec"] = Measure.Milliseconds(() =>
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(input.SpecText), new JsonDocumentOptions { MaxDepth = 256 });
            GC.KeepAlive(document.RootElement.ValueKind);
        });

        times["sum of stages"] = times["content hash"] + times["SpecReader.Read"] + times["ModelBuilder.Build"] + times["emit clients"] + times["emit models"];
        times["full driver run"] = Measure.Milliseconds(() => input.Run());
        times["driver overhead"] = times["full driver run"] - times["sum of stages"];

        var description = $"{catalog.Resources.Length} resources in the catalog, {model.GroupVersions.Sum(g => g.Resources.Count)} selected, {model.Types.Count} types, {files} files, {chars:N0} chars";
        return (times, description);

        int Count(string hintName, string text)
        {
            files++;
            GC.KeepAlive(hintName);
            return text.Length;
        }
    }
}
