using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeGen.Benchmarks;

/// <summary>
/// Warm generator runs: the spec text is already in memory and the JIT has warmed up.
/// <see cref="RunGenerator"/> creates a new GeneratorDriver per invocation (nothing is cached
/// between invocations): what each compilation pays once the compiler process has the generator
/// loaded but no driver state for the project. <see cref="RerunAfterUnrelatedEdit"/> is the
/// incremental path instead: one driver that has already run, re-run after a C# edit that does
/// not touch the spec (the compiler server and the IDE keep drivers like this between builds).
/// The job (in-process, iteration counts) comes from <see cref="Program"/>.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private GeneratorInput _input = null!;
    private GeneratorDriver _driver = null!;
    private Compilation[] _edits = null!;
    private int _edit;

    [Params(GeneratorCase.FullSpec, GeneratorCase.ThreeResources)]
    public GeneratorCase Case { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = GeneratorInput.Load(Case);

        // Fail fast instead of timing an error path or the wrong selection.
        _input.Validate(_input.Run());

        // Two compilations that differ only in an unrelated C# file, used alternately.
        _edits = new[] { "internal static class Edit { }", "internal static class Edit { internal const int Value = 1; }" }
            .Select(source => (Compilation)_input.Compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, path: "Edit.cs")))
            .ToArray();
        _driver = _input.CreateDriver().RunGenerators(_edits[0]);
    }

    [Benchmark]
    public int RunGenerator() => _input.Run().GeneratedSources.Length;

    [Benchmark]
    public int RerunAfterUnrelatedEdit()
    {
        _edit ^= 1;
        _driver = _driver.RunGenerators(_edits[_edit]);
        return _driver.GetRunResult().Results[0].GeneratedSources.Length;
    }
}
