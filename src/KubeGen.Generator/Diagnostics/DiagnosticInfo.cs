using System.Linq;
using KubeGen.Generator.Emit;
using KubeGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace KubeGen.Generator.Diagnostics;

/// <summary>
/// A diagnostic as pipeline data: descriptor id, message arguments and a file position, all
/// value-equatable (a Roslyn <see cref="Diagnostic"/> or <see cref="Location"/> is not).
/// </summary>
internal sealed record DiagnosticInfo(
    string Id,
    ImmutableEquatableArray<string> Arguments,
    string? FilePath,
    int Line,
    int Column)
{
    /// <summary>A diagnostic; spec text in <paramref name="arguments"/> is made safe for a log line (<see cref="Escape.DiagnosticArgument"/>).</summary>
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, string? filePath, params string[] arguments)
        => new(descriptor.Id, arguments.Select(Escape.DiagnosticArgument).ToImmutableEquatableArray(), filePath, -1, -1);

    public static DiagnosticInfo CreateAt(DiagnosticDescriptor descriptor, string? filePath, int line, int column, params string[] arguments)
        => new(descriptor.Id, arguments.Select(Escape.DiagnosticArgument).ToImmutableEquatableArray(), filePath, line, column);

    public Diagnostic ToDiagnostic()
    {
        var descriptor = KubeGenDiagnostics.ById(Id);
        Location location = Location.None;
        if (FilePath is not null)
        {
            var position = new LinePosition(System.Math.Max(Line, 0), System.Math.Max(Column, 0));
            location = Location.Create(FilePath, default, new LinePositionSpan(position, position));
        }

        return Diagnostic.Create(descriptor, location, Arguments.Cast<object>().ToArray());
    }
}
