using System.Globalization;

namespace KubeGen.Webhooks.Serving;

/// <summary>Reads the Go durations kube-apiserver puts in a webhook call's <c>?timeout=</c> (<c>10s</c>, <c>1m30s</c>, <c>500ms</c>).</summary>
internal static class GoDuration
{
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 32)
        {
            return null;
        }

        double total = 0;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if (start == unitStart || !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
            {
                return null;
            }

            double? seconds = text[unitStart..i] switch
            {
                "h" => value * 3600,
                "m" => value * 60,
                "s" => value,
                "ms" => value / 1000,
                "us" or "µs" => value / 1_000_000,
                "ns" => value / 1_000_000_000,
                _ => null,
            };
            if (seconds is null)
            {
                return null;
            }

            total += seconds.Value;
        }

        return TimeSpan.FromSeconds(total);
    }
}
