using System;

namespace KubeGen.Generator.OpenApi;

/// <summary>
/// Finds a JSON <c>\uXXXX</c> escape that decodes to half a surrogate pair. JSON's grammar allows
/// one, but the text it stands for is not Unicode: System.Text.Json refuses to read it as a string
/// (an exception deep inside the generator) and C# cannot write it as a UTF-8 literal. A spec holding
/// one is reported once, up front, as not valid JSON.
/// </summary>
internal static class SurrogateEscapes
{
    /// <summary>The index of the first unpaired surrogate escape's backslash, or -1.</summary>
    public static int FindUnpaired(string text)
    {
        var index = text.IndexOf("\\u", StringComparison.Ordinal);
        while (index >= 0)
        {
            // An even run of backslashes before it means this backslash starts an escape.
            var run = 0;
            for (var i = index - 1; i >= 0 && text[i] == '\\'; i--)
            {
                run++;
            }

            if (run % 2 == 0 && Decode(text, index) is { } value)
            {
                if (char.IsHighSurrogate(value))
                {
                    if (Decode(text, index + 6) is not { } low || !char.IsLowSurrogate(low))
                    {
                        return index;
                    }

                    index += 6;
                }
                else if (char.IsLowSurrogate(value))
                {
                    return index;
                }
            }

            index = text.IndexOf("\\u", index + 2, StringComparison.Ordinal);
        }

        return -1;
    }

    /// <summary>The character a <c>\uXXXX</c> escape at <paramref name="index"/> stands for, or null when there is none.</summary>
    private static char? Decode(string text, int index)
    {
        if (index + 6 > text.Length || text[index] != '\\' || text[index + 1] != 'u')
        {
            return null;
        }

        var value = 0;
        for (var i = index + 2; i < index + 6; i++)
        {
            var digit = text[i] switch
            {
                >= '0' and <= '9' => text[i] - '0',
                >= 'a' and <= 'f' => text[i] - 'a' + 10,
                >= 'A' and <= 'F' => text[i] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return null;
            }

            value = (value * 16) + digit;
        }

        return (char)value;
    }
}
