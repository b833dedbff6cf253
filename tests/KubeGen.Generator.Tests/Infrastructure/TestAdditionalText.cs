using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace KubeGen.Generator.Tests.Infrastructure;

/// <summary>An additional file as the compiler would pass it: a path and (unless missing) its text.</summary>
internal sealed class TestAdditionalText(string path, string? text) : AdditionalText
{
    private readonly SourceText? _text = text is null ? null : SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText? GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>The item metadata MSBuild would expose for KubernetesApi items (see build/KubeGen.props).</summary>
internal sealed class TestOptionsProvider(ImmutableDictionary<string, ImmutableDictionary<string, string>> byPath, ImmutableDictionary<string, string> global)
    : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(ImmutableDictionary<string, string>.Empty);

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
        => new Options(byPath.TryGetValue(textFile.Path, out var values) ? values : ImmutableDictionary<string, string>.Empty);

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            => values.TryGetValue(key, out value);
    }
}
