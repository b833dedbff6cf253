using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Validation;

/// <summary>
/// How Go prints a decoded JSON value (<c>interface{}</c>: string, int64, float64, bool, nil,
/// <c>map[string]interface{}</c>, <c>[]interface{}</c>) in kube-apiserver's field errors:
/// <c>field.Error</c> prints strings with <c>%q</c>, numbers and booleans with <c>%v</c> and
/// everything else with <c>%#v</c>. Clients match these messages, so they are reproduced exactly.
/// </summary>
internal static class GoValue
{
    /// <summary>The value part of a field error (<c>Invalid value: …</c>).</summary>
    public static string Format(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        _ => GoSyntax(node),
    };

    /// <summary>Go's <c>%v</c> of a JSON number decoded as int64 when integral, else float64.</summary>
    public static string Number(JsonNode node)
    {
        if (Serialization.JsonNodes.TryGetInt64(node, out long integral) && !node.ToJsonString().Contains('.', StringComparison.Ordinal))
        {
            return integral.ToString(CultureInfo.InvariantCulture);
        }

        return Float(double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// <c>strconv.FormatFloat(f, 'g', -1, 64)</c> (what <c>%v</c> prints): the shortest digits that
    /// round-trip, in exponent form (<c>1e+06</c>) when the decimal exponent is below -4 or at least 6.
    /// </summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return "0";
        }

        // "E16" is not shortest; "R" is, but mixes notations: read its digits and exponent.
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponentAt = r.IndexOfAny(['E', 'e']);
        string mantissa = exponentAt < 0 ? r : r[..exponentAt];
        int exponent = exponentAt < 0 ? 0 : int.Parse(r[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        int pointPosition = (point < 0 ? mantissa.Length : point) + exponent;
        int leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        pointPosition -= leadingZeros;
        if (digits.Length == 0)
        {
            return "0";
        }

        int decimalExponent = pointPosition - 1;
        var text = new StringBuilder(value < 0 ? "-" : "");
        if (decimalExponent < -4 || decimalExponent >= 6)
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            text.Append('e').Append(decimalExponent < 0 ? '-' : '+').Append(Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (pointPosition <= 0)
        {
            text.Append("0.").Append('0', -pointPosition).Append(digits);
        }
        else if (pointPosition >= digits.Length)
        {
            text.Append(digits).Append('0', pointPosition - digits.Length);
        }
        else
        {
            text.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
        }

        return text.ToString();
    }

    /// <summary><c>strconv.Quote</c>: double quotes, Go escapes for control characters, quotes and backslashes.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2);
        quoted.Append('"');
        foreach (Rune rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"':
                    quoted.Append("\\\"");
                    break;
                case '\\':
                    quoted.Append("\\\\");
                    break;
                case '\a':
                    quoted.Append("\\a");
                    break;
                case '\b':
                    quoted.Append("\\b");
                    break;
                case '\f':
                    quoted.Append("\\f");
                    break;
                case '\n':
                    quoted.Append("\\n");
                    break;
                case '\r':
                    quoted.Append("\\r");
                    break;
                case '\t':
                    quoted.Append("\\t");
                    break;
                case '\v':
                    quoted.Append("\\v");
                    break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        quoted.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse)
                    {
                        quoted.Append(rune.Value > 0xffff ? "\\U" + rune.Value.ToString("x8", CultureInfo.InvariantCulture) : "\\u" + rune.Value.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(rune.ToString());
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>Go's <c>%#v</c> of a decoded JSON value: <c>map[string]interface {}{"name":"a"}</c>, keys sorted.</summary>
    public static string GoSyntax(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "interface {}(nil)";
            case JsonObject o:
                return "map[string]interface {}{" + string.Join(", ", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Quote(p.Key) + ":" + GoSyntax(p.Value))) + "}";
            case JsonArray a:
                return "[]interface {}{" + string.Join(", ", a.Select(GoSyntax)) + "}";
            default:
                return Format(node);
        }
    }

    /// <summary>The OpenAPI type name of a JSON value, as kube-openapi's validator names the type it found.</summary>
    public static string TypeName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsIntegral(v) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    /// <summary>Whether a JSON number has no fractional part (Go decodes it as int64, or a float64 that is an integer).</summary>
    public static bool IsIntegral(JsonNode node)
    {
        if (Serialization.JsonNodes.TryGetInt64(node, out _))
        {
            return true;
        }

        return double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && Math.Floor(d) == d && !double.IsInfinity(d);
    }
}
