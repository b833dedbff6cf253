using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace KubeGen.Generator.Emit;

/// <summary>
/// The one place where text from a spec (descriptions, names, paths, kinds) is made safe for the
/// output context it reaches: a C# comment, a C# string literal, a YAML scalar. A spec is hostile
/// input (any CRD author writes its descriptions), so every writer goes through these functions and
/// none escapes on its own.
/// </summary>
internal static class Escape
{
    /// <summary>Characters of a description kept in a doc comment; a longer text is cut with an ellipsis.</summary>
    public const int MaxDocumentationLength = 8 * 1024;

    /// <summary>
    /// The lines of an XML doc comment for <paramref name="text"/>: split at every line terminator C#
    /// recognises (CR, LF, CRLF, NEL, LS, PS), XML-escaped, with characters XML forbids and
    /// bidirectional controls (text that reads differently than it compiles) replaced by U+FFFD.
    /// No returned line contains a line terminator, so none can end the comment.
    /// </summary>
    public static List<string> DocumentationLines(string text)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var length = text.Length > MaxDocumentationLength ? MaxDocumentationLength : text.Length;
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (IsLineTerminator(c))
            {
                if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
                {
                    i++;
                }

                lines.Add(line.ToString().TrimEnd());
                line.Clear();
                continue;
            }

            switch (c)
            {
                case '&': line.Append("&amp;"); break;
                case '<': line.Append("&lt;"); break;
                case '>': line.Append("&gt;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(text[i + 1]))
                    {
                        line.Append(c).Append(text[++i]);
                    }
                    else
                    {
                        line.Append(IsSafeInComment(c) ? c : '\uFFFD');
                    }

                    break;
            }
        }

        if (length < text.Length)
        {
            line.Append(" …");
        }

        lines.Add(line.ToString().TrimEnd());
        while (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        return lines;
    }

    /// <summary>
    /// A C# string literal (<c>"…"</c>, also valid before <c>u8</c> for well-formed text) for any text:
    /// printable ASCII as it is, quotes, backslashes and LF escaped (<c>\n</c>), every other character as <c>\uXXXX</c>,
    /// so no line terminator, control or invisible character is ever written raw.
    /// </summary>
    public static string CSharpString(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c == '"' || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c >= ' ' && c <= '~')
            {
                builder.Append(c);
            }
            else
            {
                AppendUnicodeEscape(builder, c);
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A YAML double-quoted scalar for any text, escaped the same way (YAML accepts <c>\uXXXX</c>).</summary>
    public static string YamlString(string text) => CSharpString(text);

    /// <summary>Characters of spec text quoted in a diagnostic message.</summary>
    public const int MaxDiagnosticArgumentLength = 256;

    /// <summary>
    /// Spec text for a diagnostic message (a build log line): controls, line terminators and
    /// bidirectional controls as <c>\uXXXX</c>, so a hostile name cannot forge log lines; cut to
    /// <see cref="MaxDiagnosticArgumentLength"/> characters.
    /// </summary>
    public static string DiagnosticArgument(string text)
    {
        var builder = new StringBuilder(System.Math.Min(text.Length, MaxDiagnosticArgumentLength + 1));
        for (var i = 0; i < text.Length && builder.Length < MaxDiagnosticArgumentLength; i++)
        {
            var c = text[i];
            if (c < ' ' || c == '\u007f' || IsLineTerminator(c) || IsBidiControl(c) || IsUnpairedSurrogate(text, i))
            {
                AppendUnicodeEscape(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Length < text.Length ? builder.Append('…').ToString() : builder.ToString();
    }

    private static bool IsUnpairedSurrogate(string text, int i)
        => char.IsHighSurrogate(text[i]) ? i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1])
            : char.IsLowSurrogate(text[i]) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));

    /// <summary>The line terminators of the C# language specification (§6.3.2).</summary>
    public static bool IsLineTerminator(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';

    private static bool IsSafeInComment(char c)
        => c == '\t'
            || (c >= ' ' && c != '\u007f' && !char.IsSurrogate(c) && c != '\uFFFE' && c != '\uFFFF' && !IsBidiControl(c) && !IsLineTerminator(c));

    /// <summary>Unicode's explicit directional formatting characters (the "Trojan Source" characters).</summary>
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

    private static void AppendUnicodeEscape(StringBuilder builder, char c)
        => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
