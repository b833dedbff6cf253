using System.Globalization;
using System.Text.RegularExpressions;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// The two date-time types of Kubernetes objects, read and written as kube-apiserver does
/// (apimachinery <c>pkg/apis/meta/v1/time.go</c> and <c>micro_time.go</c>): <c>metav1.Time</c> is
/// parsed with Go's <c>time.RFC3339</c> (any fraction or none, <c>Z</c> or a <c>±hh:mm</c> offset) and
/// written in UTC to the second (the fraction is truncated); <c>metav1.MicroTime</c> is parsed with
/// <c>2006-01-02T15:04:05.000000Z07:00</c> (exactly six fractional digits) and written in UTC with six.
/// </summary>
internal static partial class KubeTime
{
    public const string TimeLayout = "2006-01-02T15:04:05Z07:00";
    public const string MicroTimeLayout = "2006-01-02T15:04:05.000000Z07:00";

    // Go's parser takes an upper-case T and Z only, a '.' or ',' before the fraction, and offsets up to 23:59.
    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary>The canonical form of a <c>metav1.Time</c>, e.g. <c>2024-05-01T10:00:00Z</c>.</summary>
    /// <exception cref="FormatException">Not an RFC 3339 time, with Go's error text.</exception>
    public static string CanonicalTime(string text)
        => Parse(text, TimeLayout, fractionDigits: null).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The canonical form of a <c>metav1.MicroTime</c>, e.g. <c>2024-05-01T10:00:00.123456Z</c>.</summary>
    /// <exception cref="FormatException">Not an RFC 3339 time with six fractional digits, with Go's error text.</exception>
    public static string CanonicalMicroTime(string text)
        => Parse(text, MicroTimeLayout, fractionDigits: 6).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTime Parse(string text, string layout, int? fractionDigits)
    {
        Match m = Rfc3339().Match(text);
        if (!m.Success || (fractionDigits is int digits && m.Groups[7].Length != digits))
        {
            throw new FormatException($"parsing time \"{text}\" as \"{layout}\": cannot parse \"{text}\" as \"{layout}\"");
        }

        int Part(int group) => int.Parse(m.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        int year = Part(1), month = Part(2), day = Part(3), hour = Part(4), minute = Part(5), second = Part(6);
        string? range = month is < 1 or > 12 ? "month" : day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) ? "day" : hour > 23 ? "hour" : minute > 59 ? "minute" : second > 59 ? "second" : null;
        if (range is not null || year == 0)
        {
            throw new FormatException($"parsing time \"{text}\": {range ?? "year"} out of range");
        }

        // Ticks are 100 ns; Go keeps nanoseconds, but both canonical forms stop at microseconds.
        string fraction = m.Groups[7].Value;
        long ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], NumberStyles.None, CultureInfo.InvariantCulture);
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        string zone = m.Groups[8].Value;
        if (zone == "Z")
        {
            return local;
        }

        int zoneHours = int.Parse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture);
        int zoneMinutes = int.Parse(zone.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture);
        if (zoneHours > 23 || zoneMinutes > 59)
        {
            throw new FormatException($"parsing time \"{text}\": time zone offset out of range");
        }

        var offset = new TimeSpan(zoneHours, zoneMinutes, 0);
        return zone[0] == '+' ? local - offset : local + offset;
    }
}
