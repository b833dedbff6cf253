using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace KubeGen.Testing.Validation;

/// <summary>
/// The string formats kube-openapi's validator checks in custom resources (its <c>strfmt</c>
/// registry); a format it does not know (<c>int32</c>, <c>password</c>, anything made up) checks
/// nothing, as there.
/// </summary>
internal static partial class Formats
{
    public static bool IsValid(string format, string text) => format switch
    {
        "date-time" or "datetime" => DateTime(text),
        "date" => System.DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "byte" => Base64(text),
        "uuid" or "uuid3" or "uuid4" or "uuid5" => Uuid().IsMatch(text),
        "ipv4" => IPAddress.TryParse(text, out IPAddress? v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(text, out IPAddress? v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "cidr" => Cidr(text),
        "hostname" => text.Length <= 255 && Hostname().IsMatch(text),
        "email" => Email().IsMatch(text),
        "mac" => Mac().IsMatch(text),
        "hexcolor" => HexColor().IsMatch(text),
        "duration" => Duration().IsMatch(text),
        "uri" => Uri.TryCreate(text, UriKind.Absolute, out _),
        _ => true,
    };

    private static bool DateTime(string text)
        => DateTimeText().IsMatch(text) && DateTimeOffset.TryParse(text.Replace(' ', 'T'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    private static bool Base64(string text)
    {
        try
        {
            _ = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool Cidr(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && IPAddress.TryParse(text[..slash], out IPAddress? address)
            && int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int bits)
            && bits <= (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex DateTimeText();

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$")]
    private static partial Regex Hostname();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex("^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$")]
    private static partial Regex Mac();

    [GeneratedRegex("^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")]
    private static partial Regex HexColor();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$")]
    private static partial Regex Duration();
}
