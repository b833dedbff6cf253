using System;
using System.Text;

namespace KubeGen.Generator.Emit;

/// <summary>Writes C# with consistent indentation and '\n' line endings (byte-identical output on every OS).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter OpenBrace()
    {
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public IDisposable Block(string header)
    {
        Open(header);
        return new Closer(this);
    }

    /// <summary>Writes an XML doc comment from spec text, one <c>///</c> line per line of <see cref="Escape.DocumentationLines"/>.</summary>
    public SourceWriter Doc(string tag, string? text, string? attributes = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return this;
        }

        var lines = Escape.DocumentationLines(text!);
        if (lines.Count == 0)
        {
            return this;
        }

        var open = attributes is null ? $"<{tag}>" : $"<{tag} {attributes}>";
        if (lines.Count == 1)
        {
            return Line($"/// {open}{lines[0]}</{tag}>");
        }

        Line($"/// {open}");
        foreach (var line in lines)
        {
            Line(line.Length == 0 ? "/// <para/>" : "/// " + line);
        }

        return Line($"/// </{tag}>");
    }

    public override string ToString() => _builder.ToString();

    /// <summary>A C# string literal for any text (<see cref="Escape.CSharpString"/>).</summary>
    public static string Literal(string text) => Escape.CSharpString(text);

    private sealed class Closer : IDisposable
    {
        private readonly SourceWriter _writer;

        public Closer(SourceWriter writer) => _writer = writer;

        public void Dispose() => _writer.Close();
    }
}
