using BenchmarkDotNet.Attributes;

namespace KubeGen.Benchmarks;

/// <summary>
/// Warm generator runs: the spec text is already in memory and the JIT has warmed up; every
/// invocation creates a new GeneratorDriver (nothing is cached between invocations), so this is
/// what each compilation pays once the compiler server has the generator loaded.
/// The job (in-process, iteration counts) comes from <see cref="Program"/>.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private GeneratorInput _input = null!;

    [Params(GeneratorCase.FullSpec, GeneratorCase.ThreeResources)]
    public GeneratorCase Case { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = GeneratorInput.Load(Case);

        // Fail fast (instead of timing an error path) if the run does not generate anything.
        var result = _input.Run();
        if (result.Exception is not null || result.GeneratedSources.IsEmpty)
        {
            throw new InvalidOperationException($"The generator produced no sources for {Case}: {result.Exception?.Message ?? string.Join("; ", result.Diagnostics)}");
        }
    }

    [Benchmark]
    public int RunGenerator() => _input.Run().GeneratedSources.Length;
}
