using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KubeGen.Runtime;
using Xunit;

namespace KubeGen.Runtime.Tests.Types;

public sealed class ResourceQuantityTests
{
    // input, ToString() as Kubernetes' Quantity.String() returns it, exact value, format.
    [Theory]
    // decimal SI
    [InlineData("100m", "100m", "0.1", QuantityFormat.DecimalSI)]
    [InlineData("0.5", "500m", "0.5", QuantityFormat.DecimalSI)]
    [InlineData(".5", "500m", "0.5", QuantityFormat.DecimalSI)]
    [InlineData("2000m", "2", "2", QuantityFormat.DecimalSI)]
    [InlineData("1000k", "1M", "1000000", QuantityFormat.DecimalSI)]
    [InlineData("1000M", "1G", "1000000000", QuantityFormat.DecimalSI)]
    [InlineData("0.001T", "1G", "1000000000", QuantityFormat.DecimalSI)]
    [InlineData("1.08", "1080m", "1.08", QuantityFormat.DecimalSI)]
    [InlineData("5.5", "5500m", "5.5", QuantityFormat.DecimalSI)]
    [InlineData("1.5E", "1500P", "1500000000000000000", QuantityFormat.DecimalSI)]
    [InlineData("1.01E", "1010P", "1010000000000000000", QuantityFormat.DecimalSI)]
    [InlineData("100.03", "100030m", "100.03", QuantityFormat.DecimalSI)]
    [InlineData("100.0355", "100035500u", "100.0355", QuantityFormat.DecimalSI)]
    [InlineData("1000u", "1m", "0.001", QuantityFormat.DecimalSI)]
    [InlineData("1080000000n", "1080m", "1.08", QuantityFormat.DecimalSI)]
    [InlineData("50k", "50k", "50000", QuantityFormat.DecimalSI)]
    [InlineData("12E", "12E", "12000000000000000000", QuantityFormat.DecimalSI)]
    // negative
    [InlineData("-100m", "-100m", "-0.1", QuantityFormat.DecimalSI)]
    [InlineData("-0.5", "-500m", "-0.5", QuantityFormat.DecimalSI)]
    [InlineData("-.5", "-500m", "-0.5", QuantityFormat.DecimalSI)]
    [InlineData("-1.5Gi", "-1536Mi", "-1610612736", QuantityFormat.BinarySI)]
    [InlineData("-1024Ki", "-1Mi", "-1048576", QuantityFormat.BinarySI)]
    [InlineData("-12e2", "-1200", "-1200", QuantityFormat.DecimalExponent)]
    // binary SI
    [InlineData("1Ki", "1Ki", "1024", QuantityFormat.BinarySI)]
    [InlineData("1.5Gi", "1536Mi", "1610612736", QuantityFormat.BinarySI)]
    [InlineData("1.5Ki", "1536", "1536", QuantityFormat.BinarySI)]
    [InlineData("1024Mi", "1Gi", "1073741824", QuantityFormat.BinarySI)]
    [InlineData("307200Ki", "300Mi", "314572800", QuantityFormat.BinarySI)]
    [InlineData("1025024Mi", "1001Gi", "1074815565824", QuantityFormat.BinarySI)]
    [InlineData("100Ti", "100Ti", "109951162777600", QuantityFormat.BinarySI)]
    [InlineData("1Pi", "1Pi", "1125899906842624", QuantityFormat.BinarySI)]
    [InlineData("0.5Ki", "512", "512", QuantityFormat.BinarySI)] // below 1024: written as decimal SI
    [InlineData("1.1Ki", "1126400m", "1126.4", QuantityFormat.BinarySI)] // fractional: written as decimal SI
    [InlineData("0.5Mi", "512Ki", "524288", QuantityFormat.BinarySI)]
    [InlineData(".001Ki", "1024m", "1.024", QuantityFormat.BinarySI)]
    [InlineData(".000001Ki", "1024u", "0.001024", QuantityFormat.DecimalSI)] // below 1: becomes decimal SI
    // decimal exponent
    [InlineData("1e3", "1e3", "1000", QuantityFormat.DecimalExponent)]
    [InlineData("12e2", "1200", "1200", QuantityFormat.DecimalExponent)]
    [InlineData("1.2e3", "1200", "1200", QuantityFormat.DecimalExponent)]
    [InlineData("1000e0", "1e3", "1000", QuantityFormat.DecimalExponent)]
    [InlineData("1.3E+6", "1300e3", "1300000", QuantityFormat.DecimalExponent)]
    [InlineData("15e-1", "1500e-3", "1.5", QuantityFormat.DecimalExponent)]
    [InlineData("1000e-12", "1e-9", "0.000000001", QuantityFormat.DecimalExponent)]
    [InlineData(".001e12", "1e9", "1000000000", QuantityFormat.DecimalExponent)]
    [InlineData("1E", "1E", "1000000000000000000", QuantityFormat.DecimalSI)] // E alone is exa, not an exponent
    // rounded up to nano, away from zero
    [InlineData("0.1n", "1n", "0.000000001", QuantityFormat.DecimalSI)]
    [InlineData("3.001n", "4n", "0.000000004", QuantityFormat.DecimalSI)]
    [InlineData("0.00000012345", "124n", "0.000000124", QuantityFormat.DecimalSI)]
    [InlineData("1.0000000001", "1000000001n", "1.000000001", QuantityFormat.DecimalSI)]
    [InlineData("-0.0000000001", "-1n", "-0.000000001", QuantityFormat.DecimalSI)]
    [InlineData("0.5e-9", "1e-9", "0.000000001", QuantityFormat.DecimalExponent)]
    [InlineData("1e-100", "1e-9", "0.000000001", QuantityFormat.DecimalExponent)]
    [InlineData(".000000000001Ki", "2n", "0.000000002", QuantityFormat.DecimalSI)]
    [InlineData("0.00000000010000000000000000000000000000001", "1n", "0.000000001", QuantityFormat.DecimalSI)]
    [InlineData("0.00000000100000000000000000000000000000001", "2n", "0.000000002", QuantityFormat.DecimalSI)]
    // large values
    [InlineData("7Ei", "7Ei", "8070450532247928832", QuantityFormat.BinarySI)]
    [InlineData("8Ei", "9223372036854775807", "9223372036854775807", QuantityFormat.BinarySI)] // capped at 2^63-1
    [InlineData("-8Ei", "-9223372036854775807", "-9223372036854775807", QuantityFormat.BinarySI)]
    [InlineData("9223372036854775807Ki", "9223372036854775807", "9223372036854775807", QuantityFormat.BinarySI)]
    [InlineData("9223372036854775808", "9223372036854775808", "9223372036854775808", QuantityFormat.DecimalSI)]
    [InlineData("1000E", "1e21", "1000000000000000000000", QuantityFormat.DecimalSI)]
    [InlineData("100000E", "100e21", "100000000000000000000000", QuantityFormat.DecimalSI)]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335", "79228162514264337593543950335", QuantityFormat.DecimalSI)]
    // zero
    [InlineData("0", "0", "0", QuantityFormat.DecimalSI)]
    [InlineData("-0", "0", "0", QuantityFormat.DecimalSI)]
    [InlineData("00", "0", "0", QuantityFormat.DecimalSI)]
    [InlineData("0m", "0", "0", QuantityFormat.DecimalSI)]
    [InlineData("0Ki", "0", "0", QuantityFormat.BinarySI)]
    [InlineData("0e5", "0", "0", QuantityFormat.DecimalExponent)]
    [InlineData(".", "0", "0", QuantityFormat.DecimalSI)]
    [InlineData(".Ki", "0", "0", QuantityFormat.BinarySI)]
    // text Kubernetes keeps as parsed (its "already canonical" check is loose)
    [InlineData("+1", "+1", "1", QuantityFormat.DecimalSI)]
    [InlineData("01", "01", "1", QuantityFormat.DecimalSI)]
    [InlineData("1.G", "1.G", "1000000000", QuantityFormat.DecimalSI)]
    [InlineData("1.500k", "1.500k", "1500", QuantityFormat.DecimalSI)]
    [InlineData("100.035k", "100.035k", "100035", QuantityFormat.DecimalSI)]
    [InlineData("1E3", "1E3", "1000", QuantityFormat.DecimalExponent)]
    [InlineData("+3Ki", "+3Ki", "3072", QuantityFormat.BinarySI)]
    [InlineData("+3Pi", "3Pi", "3377699720527872", QuantityFormat.BinarySI)] // too large for the int64 fast path
    public void Parses_and_formats_like_kubernetes(string input, string expected, string value, QuantityFormat format)
    {
        ResourceQuantity q = ResourceQuantity.Parse(input);

        Assert.Equal(expected, q.ToString());
        Assert.Equal(decimal.Parse(value, CultureInfo.InvariantCulture), q.ToDecimal());
        Assert.Equal(format, q.Format);

        // The written form parses back to the same value.
        Assert.Equal(q, ResourceQuantity.Parse(q.ToString()));
        Assert.True(ResourceQuantity.TryParse(input, out ResourceQuantity? again));
        Assert.Equal(expected, again.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(" 1", "expected")]
    [InlineData("1 ", "expected")]
    [InlineData("1.1.M", "expected")]
    [InlineData("1+1.0M", "expected")]
    [InlineData("--1", "unknown suffix '-1'")]
    [InlineData("aoeu", "expected")]
    [InlineData("0.1am", "expected")]
    [InlineData("1e3.5", "expected")]
    [InlineData("0.1mi", "unknown suffix 'mi'")]
    [InlineData(".5i", "unknown suffix 'i'")]
    [InlineData("1i", "unknown suffix 'i'")]
    [InlineData("-3.01i", "unknown suffix 'i'")]
    [InlineData("1K", "unknown suffix 'K'")]
    [InlineData("1KI", "expected")]
    [InlineData("1ki", "unknown suffix 'ki'")]
    [InlineData("1Mi3", "unknown suffix 'Mi3'")]
    [InlineData("1e", "unknown suffix 'e'")]
    [InlineData("-3.01e-", "unknown suffix 'e-'")]
    [InlineData("1ee3", "unknown suffix 'ee3'")]
    [InlineData("1e2147483648", "unknown suffix")]
    [InlineData(".Pi", "no digits")]
    [InlineData("1e29", "too large")]
    [InlineData("79228162514264337593543950336", "too large")]
    [InlineData("99999999999999999999.999999999", "significant digits")]
    public void Rejects_bad_text(string input, string reason)
    {
        var e = Assert.Throws<FormatException>(() => ResourceQuantity.Parse(input));

        Assert.Contains($"'{input}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(ResourceQuantity.TryParse(input, out ResourceQuantity? result));
        Assert.Null(result);
    }

    [Fact]
    public void Null_text_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => ResourceQuantity.Parse(null!));
        Assert.False(ResourceQuantity.TryParse(null, out ResourceQuantity? result));
        Assert.Null(result);
    }

    [Theory]
    [InlineData("1Gi", "1024Mi")]
    [InlineData("1k", "1000")]
    [InlineData("1", "1000m")]
    [InlineData("0.5", "500m")]
    [InlineData("1Ki", "1024")]
    [InlineData("1e3", "1k")]
    [InlineData("0", "0Mi")]
    [InlineData("-0", "0")]
    [InlineData("8Ei", "9223372036854775807")]
    [InlineData("1.500k", "1500")]
    public void Equal_values_are_equal(string left, string right)
    {
        ResourceQuantity a = ResourceQuantity.Parse(left);
        ResourceQuantity b = ResourceQuantity.Parse(right);

        Assert.True(a.Equals(b));
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.Equals((object)b));
        Assert.Equal(0, a.CompareTo(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("100m", "1")]
    [InlineData("1k", "1Ki")]
    [InlineData("100Gi", "10000T")]
    [InlineData("-1", "1n")]
    [InlineData("-1Gi", "-1G")]
    [InlineData("999n", "1u")]
    public void Smaller_values_compare_lower(string smaller, string larger)
    {
        ResourceQuantity a = ResourceQuantity.Parse(smaller);
        ResourceQuantity b = ResourceQuantity.Parse(larger);

        Assert.False(a.Equals(b));
        Assert.True(a != b);
        Assert.True(a.CompareTo(b) < 0);
        Assert.True(b.CompareTo(a) > 0);
        Assert.True(a < b);
        Assert.True(a <= b);
        Assert.True(b > a);
        Assert.True(b >= a);
    }

    [Fact]
    public void Null_comparisons()
    {
        ResourceQuantity q = ResourceQuantity.Parse("1");
        ResourceQuantity? none = null;

        Assert.Equal(1, q.CompareTo(null));
        Assert.False(q.Equals(null));
        Assert.False(q == none);
        Assert.True(none == null);
        Assert.True(none < q);
        Assert.False(q.Equals("1"));
    }

    [Theory]
    [InlineData("1.5", QuantityFormat.DecimalSI, "1500m", QuantityFormat.DecimalSI)]
    [InlineData("1.5", QuantityFormat.BinarySI, "1500m", QuantityFormat.BinarySI)]
    [InlineData("0.5", QuantityFormat.BinarySI, "500m", QuantityFormat.DecimalSI)]
    [InlineData("1073741824", QuantityFormat.BinarySI, "1Gi", QuantityFormat.BinarySI)]
    [InlineData("1073741824", QuantityFormat.DecimalSI, "1073741824", QuantityFormat.DecimalSI)]
    [InlineData("1000", QuantityFormat.DecimalExponent, "1e3", QuantityFormat.DecimalExponent)]
    [InlineData("1000000", QuantityFormat.DecimalSI, "1M", QuantityFormat.DecimalSI)]
    [InlineData("0.0000000001", QuantityFormat.DecimalSI, "1n", QuantityFormat.DecimalSI)]
    [InlineData("-0.0000000001", QuantityFormat.DecimalSI, "-1n", QuantityFormat.DecimalSI)]
    [InlineData("1.0000000001", QuantityFormat.DecimalSI, "1000000001n", QuantityFormat.DecimalSI)]
    [InlineData("9223372036854775808", QuantityFormat.BinarySI, "9223372036854775807", QuantityFormat.BinarySI)]
    [InlineData("1000000000000000000000", QuantityFormat.DecimalSI, "1e21", QuantityFormat.DecimalSI)]
    [InlineData("0", QuantityFormat.BinarySI, "0", QuantityFormat.BinarySI)]
    [InlineData("-1.50", QuantityFormat.DecimalSI, "-1500m", QuantityFormat.DecimalSI)]
    public void From_decimal_rounds_and_formats(string value, QuantityFormat format, string expected, QuantityFormat expectedFormat)
    {
        ResourceQuantity q = ResourceQuantity.FromDecimal(decimal.Parse(value, CultureInfo.InvariantCulture), format);

        Assert.Equal(expected, q.ToString());
        Assert.Equal(expectedFormat, q.Format);
        Assert.Equal(q, ResourceQuantity.Parse(expected));
    }

    [Theory]
    [InlineData(QuantityFormat.DecimalSI)]
    [InlineData(QuantityFormat.BinarySI)]
    [InlineData(QuantityFormat.DecimalExponent)]
    public void Canonical_text_is_integral_and_parses_back_to_the_same_value(QuantityFormat format)
    {
        var random = new Random(12345);
        for (int i = 0; i < 2000; i++)
        {
            long mantissa = random.NextInt64(long.MinValue / 2, long.MaxValue / 2) >> random.Next(0, 60);
            decimal value = mantissa / (decimal)Math.Pow(10, random.Next(0, 12));
            ResourceQuantity q = ResourceQuantity.FromDecimal(value, format);

            string text = q.ToString();

            Assert.DoesNotContain(".", text, StringComparison.Ordinal);
            ResourceQuantity back = ResourceQuantity.Parse(text);
            Assert.Equal(q.ToDecimal(), back.ToDecimal());
            Assert.Equal(text, ResourceQuantity.FromDecimal(back.ToDecimal(), q.Format).ToString());
        }
    }

    [Fact]
    public void From_decimal_rejects_unknown_formats()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ResourceQuantity.FromDecimal(1m, (QuantityFormat)42));
    }

    [Theory]
    [InlineData("\"1.5Gi\"", "\"1536Mi\"")]
    [InlineData("\"100m\"", "\"100m\"")]
    [InlineData("\"0.5\"", "\"500m\"")]
    [InlineData("\" 1 \"", "\"1\"")]
    [InlineData("\"8Ei\"", "\"9223372036854775807\"")]
    [InlineData("1.5", "\"1500m\"")]
    [InlineData("2", "\"2\"")]
    [InlineData("-1", "\"-1\"")]
    [InlineData("1e3", "\"1e3\"")]
    [InlineData("1.2E+3", "\"1200\"")]
    [InlineData("0.25e-1", "\"25e-3\"")]
    [InlineData("\"\\u0031Gi\"", "\"1Gi\"")]
    public void Json_reads_strings_and_numbers_and_writes_strings(string json, string expected)
    {
        ResourceQuantity q = Read(json, ResourceQuantityJsonConverter.ReadValue);

        string written = Write(w => ResourceQuantityJsonConverter.WriteValue(w, q));

        Assert.Equal(expected, written);
        Assert.Equal(q, Read(written, ResourceQuantityJsonConverter.ReadValue));
    }

    [Theory]
    [InlineData("\"abc\"", "'abc'")]
    [InlineData("\"1i\"", "'1i'")]
    [InlineData("\"\"", "''")]
    [InlineData("true", "True")]
    [InlineData("null", "Null")]
    [InlineData("{}", "StartObject")]
    public void Json_rejects_bad_values(string json, string mentioned)
    {
        var e = Assert.Throws<JsonException>(() => Read(json, ResourceQuantityJsonConverter.ReadValue));
        Assert.Contains(mentioned, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Converter_instance_works_with_the_serializer()
    {
        var options = new JsonSerializerOptions { Converters = { ResourceQuantityJsonConverter.Instance } };
        ResourceQuantity[] values = JsonSerializer.Deserialize<ResourceQuantity[]>("[\"250m\", 0.5, \"2048Mi\"]", options)!;

        Assert.Equal("[\"250m\",\"500m\",\"2Gi\"]", JsonSerializer.Serialize(values, options));
        Assert.Same(ResourceQuantityJsonConverter.Instance, ResourceQuantityJsonConverter.Instance);
    }

    private delegate T ReadFunc<T>(ref Utf8JsonReader reader);

    private static T Read<T>(string json, ReadFunc<T> read)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        T value = read(ref reader);
        Assert.False(reader.Read());
        return value;
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
