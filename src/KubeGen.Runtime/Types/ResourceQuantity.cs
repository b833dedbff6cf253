using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace KubeGen.Runtime;

/// <summary>How a <see cref="ResourceQuantity"/> is written: Kubernetes' <c>resource.Format</c>.</summary>
public enum QuantityFormat
{
    /// <summary>Decimal SI suffixes: <c>n u m "" k M G T P E</c> (for example <c>500m</c>, <c>12M</c>).</summary>
    DecimalSI,

    /// <summary>Binary SI suffixes: <c>Ki Mi Gi Ti Pi Ei</c> (for example <c>1536Mi</c>).</summary>
    BinarySI,

    /// <summary>A decimal exponent: <c>e</c> or <c>E</c> and a signed integer (for example <c>12e6</c>).</summary>
    DecimalExponent,
}

/// <summary>
/// Kubernetes <c>resource.Quantity</c>: an exact fixed-point number with a unit suffix, such as <c>500m</c> CPU or
/// <c>1536Mi</c> of memory.
/// </summary>
/// <remarks>
/// <para>
/// Parsing, rounding and formatting follow <c>k8s.io/apimachinery/pkg/api/resource</c>: the text is
/// <c>&lt;signedNumber&gt;&lt;suffix&gt;</c>; values more precise than 10^-9 are rounded up (away from zero) to
/// the next nano; binary values are capped at 2^63-1 in magnitude; and <see cref="ToString"/> returns what
/// <c>Quantity.String()</c> returns: the canonical form (largest suffix of the parsed format with an integer
/// mantissa), or the text exactly as it was parsed when Kubernetes keeps it (Kubernetes keeps parsed text that
/// it considers canonical, for example <c>100m</c> or <c>3Ki</c>).
/// </para>
/// <para>
/// The value is held as a <see cref="decimal"/>; quantities whose exact value does not fit one (magnitudes
/// above about 7.9e28, or more than 28-29 significant digits) are rejected, where Kubernetes would accept them.
/// Equality and ordering compare values only: <c>1Gi</c> equals <c>1024Mi</c> and <c>1k</c> equals <c>1000</c>.
/// </para>
/// </remarks>
public sealed class ResourceQuantity : IEquatable<ResourceQuantity>, IComparable<ResourceQuantity>
{
    private const string SuffixCharacters = "eEinumkKMGTP";

    // 2^96 - 1: the largest mantissa of a System.Decimal.
    private static readonly UInt128 MaxDecimalMantissa = (UInt128.One << 96) - 1;

    private readonly decimal _value;
    private string? _text;

    private ResourceQuantity(decimal value, QuantityFormat format, string? text)
    {
        _value = Normalize(value);
        Format = format;
        _text = text;
    }

    /// <summary>Gets the format the quantity is written in (after Kubernetes' adjustments while parsing).</summary>
    public QuantityFormat Format { get; }

    /// <summary>Parses a Kubernetes quantity such as <c>100m</c>, <c>1.5Gi</c> or <c>12e6</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The quantity.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not a quantity, or its value does not fit a <see cref="decimal"/>.</exception>
    public static ResourceQuantity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? error = TryParseCore(text, out ResourceQuantity? result);
        if (error is not null)
        {
            throw new FormatException($"'{text}' is not a valid Kubernetes quantity: {error}.");
        }

        return result!;
    }

    /// <summary>Parses a Kubernetes quantity without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="result">The quantity, or <see langword="null"/> when the text is not a valid quantity.</param>
    /// <returns><see langword="true"/> when the text was parsed.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ResourceQuantity? result)
    {
        if (text is null)
        {
            result = null;
            return false;
        }

        return TryParseCore(text, out result) is null;
    }

    /// <summary>Creates a quantity from an exact value.</summary>
    /// <param name="value">The value. It is rounded up (away from zero) to a multiple of 10^-9, as Kubernetes does.</param>
    /// <param name="format">The format to write it in.</param>
    /// <returns>The quantity.</returns>
    /// <remarks>
    /// As when parsing, a <see cref="QuantityFormat.BinarySI"/> value is capped at 2^63-1 in magnitude, and a
    /// non-zero one between -1 and 1 becomes <see cref="QuantityFormat.DecimalSI"/>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public static ResourceQuantity FromDecimal(decimal value, QuantityFormat format)
    {
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown quantity format.");
        }

        decimal magnitude = decimal.Round(Math.Abs(value), 9, MidpointRounding.ToPositiveInfinity);
        if (format == QuantityFormat.BinarySI)
        {
            if (magnitude > long.MaxValue)
            {
                magnitude = long.MaxValue;
            }
            else if (magnitude > 0m && magnitude < 1m)
            {
                format = QuantityFormat.DecimalSI;
            }
        }

        return new ResourceQuantity(value < 0m ? -magnitude : magnitude, format, null);
    }

    /// <summary>Returns the exact value.</summary>
    /// <returns>The value, for example <c>0.1</c> for <c>100m</c> and <c>1073741824</c> for <c>1Gi</c>.</returns>
    public decimal ToDecimal() => _value;

    /// <summary>
    /// Returns the text Kubernetes' <c>Quantity.String()</c> returns: the canonical form (for example
    /// <c>1.5Gi</c> → <c>1536Mi</c>, <c>0.5</c> → <c>500m</c>, <c>1000k</c> → <c>1M</c>), or the parsed text when
    /// Kubernetes keeps it.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString() => _text ??= FormatCanonical(_value, Format);

    /// <inheritdoc/>
    public bool Equals([NotNullWhen(true)] ResourceQuantity? other) => other is not null && _value == other._value;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ResourceQuantity other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(ResourceQuantity? other) => other is null ? 1 : _value.CompareTo(other._value);

    /// <summary>Compares two quantities by value.</summary>
    /// <param name="left">The first quantity.</param>
    /// <param name="right">The second quantity.</param>
    /// <returns><see langword="true"/> when both are <see langword="null"/> or have the same value.</returns>
    public static bool operator ==(ResourceQuantity? left, ResourceQuantity? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Compares two quantities by value.</summary>
    /// <param name="left">The first quantity.</param>
    /// <param name="right">The second quantity.</param>
    /// <returns><see langword="true"/> when the values differ.</returns>
    public static bool operator !=(ResourceQuantity? left, ResourceQuantity? right) => !(left == right);

    /// <summary>Compares two quantities by value (<see langword="null"/> is less than any quantity).</summary>
    /// <param name="left">The first quantity.</param>
    /// <param name="right">The second quantity.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> is less than <paramref name="right"/>.</returns>
    public static bool operator <(ResourceQuantity? left, ResourceQuantity? right) => Compare(left, right) < 0;

    /// <summary>Compares two quantities by value (<see langword="null"/> is less than any quantity).</summary>
    /// <param name="left">The first quantity.</param>
    /// <param name="right">The second quantity.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> is less than or equal to <paramref name="right"/>.</returns>
    public static bool operator <=(ResourceQuantity? left, ResourceQuantity? right) => Compare(left, right) <= 0;

    /// <summary>Compares two quantities by value (<see langword="null"/> is less than any quantity).</summary>
    /// <param name="left">The first quantity.</param>
    /// <param name="right">The second quantity.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> is greater than <paramref name="right"/>.</returns>
    public static bool operator >(ResourceQuantity? left, ResourceQuantity? right) => Compare(left, right) > 0;

    /// <summary>Compares two quantities by value (<see langword="null"/> is less than any quantity).</summary>
    /// <param name="left">The first quantity.</param>
    /// <param name="right">The second quantity.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> is greater than or equal to <paramref name="right"/>.</returns>
    public static bool operator >=(ResourceQuantity? left, ResourceQuantity? right) => Compare(left, right) >= 0;

    private static int Compare(ResourceQuantity? left, ResourceQuantity? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    // ---- parsing -------------------------------------------------------------------------------------------

    /// <summary>Parses like Kubernetes' ParseQuantity; returns an error phrase, or null on success.</summary>
    private static string? TryParseCore(string s, out ResourceQuantity? result)
    {
        result = null;
        if (s.Length == 0)
        {
            return "the text is empty";
        }

        if (s == "0")
        {
            result = new ResourceQuantity(0m, QuantityFormat.DecimalSI, s);
            return null;
        }

        // Scan <sign><zeros><num>[.<denom>]<suffix> the way Kubernetes' parseQuantityString does.
        int end = s.Length;
        int pos = 0;
        bool negative = false;
        if (s[0] == '-')
        {
            negative = true;
            pos++;
        }
        else if (s[0] == '+')
        {
            pos++;
        }

        int digitsStart = pos;
        while (pos < end && s[pos] == '0')
        {
            pos++;
        }

        if (pos == end)
        {
            // Only a sign and zeros ("-", "+", "000"): Kubernetes reads zero.
            result = new ResourceQuantity(0m, QuantityFormat.DecimalSI, null);
            return null;
        }

        int numStart = pos;
        while (pos < end && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        ReadOnlySpan<char> num = s.AsSpan(numStart, pos - numStart);
        ReadOnlySpan<char> denom = default;
        if (pos < end && s[pos] == '.')
        {
            pos++;
            int denomStart = pos;
            while (pos < end && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }

            denom = s.AsSpan(denomStart, pos - denomStart);
        }

        bool hasDigits = numStart > digitsStart || num.Length > 0 || denom.Length > 0;

        int suffixStart = pos;
        while (pos < end && SuffixCharacters.Contains(s[pos], StringComparison.Ordinal))
        {
            pos++;
        }

        if (pos < end && (s[pos] == '+' || s[pos] == '-'))
        {
            pos++;
        }

        while (pos < end && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        if (pos < end)
        {
            return "expected <signedNumber><suffix> with suffix n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or e<int>";
        }

        if (!TryInterpretSuffix(s.AsSpan(suffixStart), out bool binary, out int exponent, out QuantityFormat format))
        {
            return $"unknown suffix '{s.Substring(suffixStart)}'";
        }

        // Kubernetes replaces an empty numerator (".5", "-.5") with "0".
        ReadOnlySpan<char> numPart = num.Length == 0 ? "0" : num;

        // Kubernetes' int64 fast path; when it applies and the text looks canonical, Kubernetes keeps the text.
        bool fastPath;
        bool keepText = false;
        if (binary)
        {
            fastPath = denom.Length == 0 && 15 - numPart.Length - (exponent * 3 / 10) - 1 >= 0;
            if (fastPath)
            {
                long mantissa = long.Parse(numPart, NumberStyles.None, CultureInfo.InvariantCulture);
                keepText = (mantissa & 0x07) != 0;
            }
        }
        else
        {
            long scale = (long)exponent - denom.Length;
            fastPath = 18 - (numPart.Length + denom.Length) >= 0 && scale >= -9;
            if (fastPath)
            {
                keepText = scale % 3 == 0 && numPart[0] != '0' && !EndsWithThreeZeros(numPart, denom);
            }
        }

        if (!fastPath && !hasDigits)
        {
            return "the number has no digits";
        }

        string? error = ComputeMagnitude(numPart, denom, binary, exponent, out decimal magnitude, out bool belowOne);
        if (error is not null)
        {
            return error;
        }

        if (binary && belowOne)
        {
            format = QuantityFormat.DecimalSI;
        }

        result = new ResourceQuantity(negative ? -magnitude : magnitude, format, keepText ? s : null);
        return null;
    }

    private static bool EndsWithThreeZeros(ReadOnlySpan<char> num, ReadOnlySpan<char> denom)
    {
        int total = num.Length + denom.Length;
        if (total < 3)
        {
            return false;
        }

        for (int i = total - 3; i < total; i++)
        {
            char c = i < num.Length ? num[i] : denom[i - num.Length];
            if (c != '0')
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryInterpretSuffix(ReadOnlySpan<char> suffix, out bool binary, out int exponent, out QuantityFormat format)
    {
        binary = false;
        format = QuantityFormat.DecimalSI;
        switch (suffix)
        {
            case "": exponent = 0; return true;
            case "n": exponent = -9; return true;
            case "u": exponent = -6; return true;
            case "m": exponent = -3; return true;
            case "k": exponent = 3; return true;
            case "M": exponent = 6; return true;
            case "G": exponent = 9; return true;
            case "T": exponent = 12; return true;
            case "P": exponent = 15; return true;
            case "E": exponent = 18; return true;
        }

        binary = true;
        format = QuantityFormat.BinarySI;
        switch (suffix)
        {
            case "Ki": exponent = 10; return true;
            case "Mi": exponent = 20; return true;
            case "Gi": exponent = 30; return true;
            case "Ti": exponent = 40; return true;
            case "Pi": exponent = 50; return true;
            case "Ei": exponent = 60; return true;
        }

        binary = false;
        format = QuantityFormat.DecimalExponent;
        exponent = 0;
        if (suffix.Length > 1 && (suffix[0] == 'e' || suffix[0] == 'E'))
        {
            // Go's strconv.ParseInt(s, 10, 64): an optional sign and decimal digits; Kubernetes then rejects
            // exponents that do not fit its int32 scale.
            return int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent);
        }

        return false;
    }

    /// <summary>
    /// Computes |value| = digits × 10^exponent (decimal) or digits × 2^exponent (binary), rounded up to nano, with
    /// binary values capped at 2^63-1; returns an error phrase when the result does not fit a decimal.
    /// </summary>
    private static string? ComputeMagnitude(
        ReadOnlySpan<char> num, ReadOnlySpan<char> denom, bool binary, int exponent, out decimal magnitude, out bool belowOne)
    {
        magnitude = 0m;
        belowOne = false;
        int digitCount = num.Length + denom.Length;

        // Common case: at most 18 digits, exact without rounding, held in 128 bits.
        if (digitCount <= 18)
        {
            ulong digits = 0;
            foreach (char c in num)
            {
                digits = (digits * 10) + (ulong)(c - '0');
            }

            foreach (char c in denom)
            {
                digits = (digits * 10) + (ulong)(c - '0');
            }

            if (digits == 0)
            {
                return null;
            }

            if (binary && denom.Length == 0)
            {
                // digits < 10^18 < 2^60 and exponent <= 60, so the product fits in 128 bits.
                UInt128 product = (UInt128)digits << exponent;
                magnitude = product > long.MaxValue ? long.MaxValue : (decimal)(ulong)product;
                return null;
            }

            if (!binary)
            {
                long scale = (long)exponent - denom.Length;
                if (scale is >= -9 and < 0)
                {
                    magnitude = MakeDecimal(digits, (int)-scale);
                    return null;
                }

                if (scale is >= 0 and <= 10)
                {
                    // digits < 10^18, so the product is below 10^28 < 2^96.
                    magnitude = MakeDecimal((UInt128)digits * Pow10(checked((int)scale)), 0);
                    return null;
                }
            }
        }

        // General case: arbitrary precision.
        var value = BigInteger.Parse(string.Concat(num, denom), NumberStyles.None, CultureInfo.InvariantCulture);
        if (value.IsZero)
        {
            return null;
        }

        long exp10;
        if (binary)
        {
            value <<= exponent;
            exp10 = -denom.Length;
        }
        else
        {
            exp10 = (long)exponent - denom.Length;
        }

        if (exp10 < -9)
        {
            // Round up (away from zero) to a multiple of 10^-9, as Kubernetes does.
            long shift = -9 - exp10;
            if (shift > CountDigits(value))
            {
                value = BigInteger.One;
            }
            else
            {
                value = BigInteger.DivRem(value, BigInteger.Pow(10, (int)shift), out BigInteger remainder);
                if (!remainder.IsZero)
                {
                    value += BigInteger.One;
                }
            }

            exp10 = -9;
        }

        if (binary)
        {
            // Here -9 <= exp10 <= 0.
            BigInteger one = BigInteger.Pow(10, (int)-exp10);
            if (value > long.MaxValue * one)
            {
                value = long.MaxValue;
                exp10 = 0;
            }
            else if (value < one)
            {
                belowOne = true;
            }
        }

        if (exp10 > 0)
        {
            if (CountDigits(value) + exp10 > 29)
            {
                return "the value is too large (the supported magnitude is below 7.9e28)";
            }

            value *= BigInteger.Pow(10, (int)exp10);
            exp10 = 0;
        }

        while (exp10 < 0 && (value % 10).IsZero)
        {
            value /= 10;
            exp10++;
        }

        if (value > MaxDecimalMantissa)
        {
            return exp10 == 0
                ? "the value is too large (the supported magnitude is below 7.9e28)"
                : "the value has more significant digits than are supported (28)";
        }

        magnitude = MakeDecimal((UInt128)value, (int)-exp10);
        return null;
    }

    private static int CountDigits(BigInteger value) =>
        BigInteger.Abs(value).ToString(CultureInfo.InvariantCulture).Length;

    private static UInt128 Pow10(int exponent)
    {
        UInt128 result = 1;
        for (int i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static decimal MakeDecimal(UInt128 mantissa, int scale)
    {
        ulong low64 = (ulong)mantissa;
        uint high = (uint)(mantissa >> 64);
        return new decimal((int)(uint)low64, (int)(uint)(low64 >> 32), (int)high, false, (byte)scale);
    }

    private static void Decompose(decimal value, out UInt128 mantissa, out int scale, out bool negative)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        scale = (bits[3] >> 16) & 0xFF;
        negative = bits[3] < 0;
    }

    /// <summary>Removes trailing fractional zeros so that equal values have equal representations.</summary>
    private static decimal Normalize(decimal value)
    {
        Decompose(value, out UInt128 mantissa, out int scale, out bool negative);
        if (mantissa == 0)
        {
            return 0m;
        }

        while (scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }

        decimal result = MakeDecimal(mantissa, scale);
        return negative ? -result : result;
    }

    // ---- formatting ----------------------------------------------------------------------------------------

    /// <summary>Kubernetes' CanonicalizeBytes for a normalized value.</summary>
    private static string FormatCanonical(decimal value, QuantityFormat format)
    {
        Decompose(value, out UInt128 mantissa, out int scale, out bool negative);
        if (mantissa == 0)
        {
            return "0";
        }

        string sign = negative ? "-" : string.Empty;
        if (format == QuantityFormat.BinarySI)
        {
            // Between -1024 and 1024 exclusive, or with a fraction, Kubernetes writes decimal SI instead.
            if (value is > -1024m and < 1024m || scale != 0)
            {
                format = QuantityFormat.DecimalSI;
            }
            else
            {
                int power = 0;
                while (power < 6 && mantissa >= 1024 && mantissa % 1024 == 0)
                {
                    mantissa /= 1024;
                    power++;
                }

                string binarySuffix = power switch
                {
                    0 => string.Empty,
                    1 => "Ki",
                    2 => "Mi",
                    3 => "Gi",
                    4 => "Ti",
                    5 => "Pi",
                    _ => "Ei",
                };
                return sign + mantissa.ToString(CultureInfo.InvariantCulture) + binarySuffix;
            }
        }

        // Move factors of ten into the exponent, then lower the exponent to a multiple of three.
        int exponent = -scale;
        while (mantissa % 10 == 0)
        {
            mantissa /= 10;
            exponent++;
        }

        switch (exponent % 3)
        {
            case 1:
            case -2:
                mantissa *= 10;
                exponent -= 1;
                break;
            case 2:
            case -1:
                mantissa *= 100;
                exponent -= 2;
                break;
        }

        string? suffix = null;
        if (format == QuantityFormat.DecimalSI)
        {
            suffix = exponent switch
            {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                0 => string.Empty,
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => null, // beyond E: Kubernetes falls back to the exponent form (1000E -> 1e21)
            };
        }

        suffix ??= exponent == 0 ? string.Empty : "e" + exponent.ToString(CultureInfo.InvariantCulture);
        return sign + mantissa.ToString(CultureInfo.InvariantCulture) + suffix;
    }
}
