using System;
using System.Collections.Generic;

namespace KubeGen.Generator.Selection;

/// <summary>Kubernetes' version priority: GA before beta before alpha, higher numbers first.</summary>
internal static class KubeVersionOrder
{
    public static IEnumerable<string> Preferred(IEnumerable<string> versions)
    {
        // List.Sort with a comparison rather than OrderBy over a tuple key: LINQ instantiated over a
        // value type is JIT-compiled in every fresh compiler. Equal ranks are only equal strings.
        var sorted = new List<string>(versions);
        sorted.Sort(Compare);
        return sorted;
    }

    private static int Compare(string x, string y)
    {
        var (xStability, xMajor, xMinor) = Rank(x);
        var (yStability, yMajor, yMinor) = Rank(y);
        var result = xStability.CompareTo(yStability);
        if (result == 0)
        {
            result = xMajor.CompareTo(yMajor);
        }

        if (result == 0)
        {
            result = xMinor.CompareTo(yMinor);
        }

        return result != 0 ? result : string.CompareOrdinal(x, y);
    }

    private static (int Stability, int Major, int Minor) Rank(string version)
    {
        if (version.Length < 2 || version[0] != 'v' || !char.IsDigit(version[1]))
        {
            return (3, 0, 0);
        }

        var i = 1;
        while (i < version.Length && char.IsDigit(version[i]))
        {
            i++;
        }

        // Digits only (no sign or spaces); too many for an int ("v99999999999") is non-standard, not a crash.
        if (!int.TryParse(version.Substring(1, i - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major))
        {
            return (3, 0, 0);
        }

        if (i == version.Length)
        {
            return (0, -major, 0);
        }

        var rest = version.Substring(i);
        foreach (var (label, stability) in new[] { ("beta", 1), ("alpha", 2) })
        {
            if (rest.StartsWith(label, StringComparison.Ordinal) && int.TryParse(rest.Substring(label.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minor))
            {
                return (stability, -major, -minor);
            }
        }

        return (3, 0, 0);
    }
}
