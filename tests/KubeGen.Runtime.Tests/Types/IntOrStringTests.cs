using System.Buffers;
using System.Text;
using System.Text.Json;
using KubeGen.Runtime;
using Xunit;

namespace KubeGen.Runtime.Tests.Types;

public sealed class IntOrStringTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(8080)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Int_value_exposes_the_integer(int value)
    {
        var v = new IntOrString(value);

        Assert.True(v.IsInt);
        Assert.Equal(value, v.IntValue);
        Assert.Null(v.StringValue);
        Assert.Equal(value.ToString(System.Globalization.CultureInfo.InvariantCulture), v.ToString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("25%")]
    [InlineData("8080")]
    [InlineData("")]
    public void String_value_exposes_the_string(string value)
    {
        var v = new IntOrString(value);

        Assert.False(v.IsInt);
        Assert.Equal(value, v.StringValue);
        Assert.Equal(value, v.ToString());
        var e = Assert.Throws<InvalidOperationException>(() => v.IntValue);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_is_the_integer_zero()
    {
        IntOrString v = default;

        Assert.True(v.IsInt);
        Assert.Equal(0, v.IntValue);
        Assert.Equal("0", v.ToString());
        Assert.Equal(new IntOrString(0), v);
    }

    [Fact]
    public void Null_string_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new IntOrString(null!));
        Assert.Throws<ArgumentNullException>(() => { IntOrString v = (string)null!; return v; });
    }

    [Fact]
    public void Implicit_conversions_pick_the_kind()
    {
        IntOrString fromInt = 443;
        IntOrString fromString = "https";

        Assert.True(fromInt.IsInt);
        Assert.Equal(443, fromInt.IntValue);
        Assert.False(fromString.IsInt);
        Assert.Equal("https", fromString.StringValue);
    }

    public static TheoryData<IntOrString, IntOrString, bool> EqualityCases => new()
    {
        { 5, 5, true },
        { 5, 6, false },
        { "a", "a", true },
        { "a", "A", false },
        { 5, "5", false },
        { "5", 5, false },
        { 0, "", false },
        { default(IntOrString), 0, true },
    };

    [Theory]
    [MemberData(nameof(EqualityCases))]
    public void Equality_compares_kind_and_value(IntOrString left, IntOrString right, bool expected)
    {
        Assert.Equal(expected, left.Equals(right));
        Assert.Equal(expected, left == right);
        Assert.Equal(!expected, left != right);
        Assert.Equal(expected, left.Equals((object)right));
        if (expected)
        {
            Assert.Equal(left.GetHashCode(), right.GetHashCode());
        }
    }

    [Fact]
    public void Equals_object_rejects_other_types()
    {
        Assert.False(new IntOrString(5).Equals((object)5));
        Assert.False(new IntOrString("5").Equals((object)"5"));
        Assert.False(new IntOrString(5).Equals((object?)null));
    }

    [Theory]
    [InlineData("8080", true, 8080, null)]
    [InlineData("-1", true, -1, null)]
    [InlineData("2147483647", true, int.MaxValue, null)]
    [InlineData("-2147483648", true, int.MinValue, null)]
    [InlineData("\"http\"", false, 0, "http")]
    [InlineData("\"8080\"", false, 0, "8080")]
    [InlineData("\"25%\"", false, 0, "25%")]
    [InlineData("\"\"", false, 0, "")]
    [InlineData("\"caf\\u00e9\"", false, 0, "café")]
    public void Reads_numbers_and_strings(string json, bool isInt, int intValue, string? stringValue)
    {
        IntOrString v = Read(json, IntOrStringJsonConverter.ReadValue);

        Assert.Equal(isInt, v.IsInt);
        if (isInt)
        {
            Assert.Equal(intValue, v.IntValue);
        }
        else
        {
            Assert.Equal(stringValue, v.StringValue);
        }
    }

    [Theory]
    [InlineData("1.5", "1.5")]
    [InlineData("2147483648", "2147483648")]
    [InlineData("-2147483649", "-2147483649")]
    [InlineData("1e3", "1e3")]
    [InlineData("true", "True")]
    [InlineData("null", "Null")]
    [InlineData("{}", "StartObject")]
    [InlineData("[1]", "StartArray")]
    public void Rejects_other_json(string json, string mentioned)
    {
        var e = Assert.Throws<JsonException>(() => Read(json, IntOrStringJsonConverter.ReadValue));
        Assert.Contains(mentioned, e.Message, StringComparison.Ordinal);
        Assert.Contains("IntOrString", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8080", "8080")]
    [InlineData("-5", "-5")]
    [InlineData("\"http\"", "\"http\"")]
    [InlineData("\"8080\"", "\"8080\"")]
    [InlineData("\"a\\\"b\"", "\"a\\u0022b\"")]
    public void Round_trips_through_the_static_methods(string json, string expected)
    {
        IntOrString v = Read(json, IntOrStringJsonConverter.ReadValue);

        string written = Write(w => IntOrStringJsonConverter.WriteValue(w, v));

        Assert.Equal(expected, written);
        Assert.Equal(v, Read(written, IntOrStringJsonConverter.ReadValue));
    }

    [Fact]
    public void Converter_instance_works_with_the_serializer()
    {
        var options = new JsonSerializerOptions { Converters = { IntOrStringJsonConverter.Instance } };

        Assert.Equal("[80,\"web\"]", JsonSerializer.Serialize(new IntOrString[] { 80, "web" }, options));
        IntOrString[] back = JsonSerializer.Deserialize<IntOrString[]>("[443, \"https\"]", options)!;
        Assert.Equal(new IntOrString[] { 443, "https" }, back);
        Assert.Same(IntOrStringJsonConverter.Instance, IntOrStringJsonConverter.Instance);
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
