using System.Globalization;
using System.Numerics;
using System.Text;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// <c>resource.Quantity</c>'s canonical string, as kube-apiserver writes every quantity it has
/// decoded (apimachinery <c>pkg/api/resource/quantity.go</c>, <c>CanonicalizeBytes</c>): the value
/// rounded up to nano precision, then written in the suffix family it was given in: decimal SI
/// (<c>1500m</c> → <c>1500m</c>, <c>1000m</c> → <c>1</c>, <c>0.5</c> → <c>500m</c>), binary SI for
/// whole values of at least 1024 (<c>2048Ki</c> → <c>2Mi</c>; smaller or fractional ones fall back to
/// decimal SI), or a decimal exponent (<c>1e3</c> → <c>1e3</c>, <c>1500e0</c> → <c>1500</c>). The
/// mantissa is the smallest integer whose exponent is a multiple of three.
/// </summary>
internal static class Quantity
{
    private const string FormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    private enum Family
    {
        DecimalSI,
        BinarySI,
        DecimalExponent,
    }

    /// <exception cref="FormatException">Not a quantity, with Go's error text.</exception>
    public static string Canonical(string text)
    {
        (BigInteger mantissa, int scale, Family family) = Parse(text.Trim());
        if (mantissa.IsZero)
        {
            return "0";
        }

        // Round up (away from zero) to nano precision, as ParseQuantity does.
        if (scale < -9)
        {
            BigInteger divisor = BigInteger.Pow(10, -9 - scale);
            BigInteger quotient = BigInteger.DivRem(mantissa, divisor, out BigInteger remainder);
            mantissa = remainder.IsZero ? quotient : quotient + mantissa.Sign;
            scale = -9;
        }

        if (family == Family.BinarySI)
        {
            bool small = BigInteger.Abs(mantissa) * BigInteger.Pow(10, Math.Max(scale, 0)) < 1024 * BigInteger.Pow(10, Math.Max(-scale, 0));
            if (!small && WholeValue(mantissa, scale) is BigInteger whole)
            {
                int power = 0;
                while (power < 6 && !whole.IsZero && whole % 1024 == 0)
                {
                    whole /= 1024;
                    power++;
                }

                return whole.ToString(CultureInfo.InvariantCulture) + (power == 0 ? "" : "KMGTPE"[power - 1] + "i");
            }

            family = Family.DecimalSI;
        }

        while (!mantissa.IsZero && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale++;
        }

        int adjust = ((scale % 3) + 3) % 3;
        mantissa *= BigInteger.Pow(10, adjust);
        scale -= adjust;
        string number = mantissa.ToString(CultureInfo.InvariantCulture);
        if (family == Family.DecimalSI && DecimalSuffix(scale) is string suffix)
        {
            return number + suffix;
        }

        return scale == 0 ? number : number + "e" + scale.ToString(CultureInfo.InvariantCulture);
    }

    private static BigInteger? WholeValue(BigInteger mantissa, int scale)
    {
        if (scale >= 0)
        {
            return mantissa * BigInteger.Pow(10, scale);
        }

        BigInteger quotient = BigInteger.DivRem(mantissa, BigInteger.Pow(10, -scale), out BigInteger remainder);
        return remainder.IsZero ? quotient : null;
    }

    private static string? DecimalSuffix(int exponent) => exponent switch
    {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => null,
    };

    /// <summary>The value as mantissa × 10^scale (binary suffixes multiplied in), and its suffix family.</summary>
    private static (BigInteger Mantissa, int Scale, Family Family) Parse(string text)
    {
        int pos = 0;
        bool negative = false;
        if (pos < text.Length && text[pos] is '+' or '-')
        {
            negative = text[pos] == '-';
            pos++;
        }

        var digits = new StringBuilder();
        int fractionDigits = 0;
        bool seenPoint = false;
        for (; pos < text.Length && (char.IsAsciiDigit(text[pos]) || (text[pos] == '.' && !seenPoint)); pos++)
        {
            if (text[pos] == '.')
            {
                seenPoint = true;
                continue;
            }

            digits.Append(text[pos]);
            fractionDigits += seenPoint ? 1 : 0;
        }

        if (digits.Length == 0)
        {
            throw new FormatException(FormatError);
        }

        var mantissa = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        int scale = -fractionDigits;
        string suffix = text[pos..];
        Family family = Family.DecimalSI;
        switch (suffix)
        {
            case "Ki" or "Mi" or "Gi" or "Ti" or "Pi" or "Ei":
                family = Family.BinarySI;
                mantissa *= BigInteger.Pow(1024, "KMGTPE".IndexOf(suffix[0], StringComparison.Ordinal) + 1);
                break;
            case "n" or "u" or "m" or "" or "k" or "M" or "G" or "T" or "P" or "E":
                scale += suffix switch { "n" => -9, "u" => -6, "m" => -3, "" => 0, "k" => 3, "M" => 6, "G" => 9, "T" => 12, "P" => 15, _ => 18 };
                break;
            default:
                if (suffix.Length < 2 || suffix[0] is not ('e' or 'E')
                    || !int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int exponent)
                    || !suffix[1..].All(c => char.IsAsciiDigit(c) || c is '+' or '-'))
                {
                    throw new FormatException(FormatError);
                }

                // Go accepts any exponent; one this large only makes the arithmetic slow.
                if (Math.Abs(exponent) > 1000)
                {
                    throw new FormatException("quantity exponent out of range");
                }

                family = Family.DecimalExponent;
                scale += exponent;
                break;
        }

        return (negative ? -mantissa : mantissa, scale, family);
    }
}
