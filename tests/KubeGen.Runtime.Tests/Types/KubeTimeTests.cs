using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KubeGen.Runtime;
using Xunit;

namespace KubeGen.Runtime.Tests.Types;

public sealed class KubeTimeTests
{
    // input, expected UTC instant as round-trip ("O") text.
    [Theory]
    [InlineData("2024-05-01T10:20:30Z", "2024-05-01T10:20:30.0000000+00:00")]
    [InlineData("2024-05-01t10:20:30z", "2024-05-01T10:20:30.0000000+00:00")]
    [InlineData("2024-05-01T12:20:30+02:00", "2024-05-01T10:20:30.0000000+00:00")]
    [InlineData("2024-05-01T05:50:30-04:30", "2024-05-01T10:20:30.0000000+00:00")]
    [InlineData("2024-05-01T10:20:30-00:00", "2024-05-01T10:20:30.0000000+00:00")]
    [InlineData("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00.0000000+00:00")]
    [InlineData("2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00.0000000+00:00")]
    [InlineData("2024-05-01T10:20:30+23:59", "2024-04-30T10:21:30.0000000+00:00")]
    [InlineData("2024-05-01T10:20:30.5Z", "2024-05-01T10:20:30.5000000+00:00")]
    [InlineData("2024-05-01T10:20:30.123456Z", "2024-05-01T10:20:30.1234560+00:00")]
    [InlineData("2024-05-01T10:20:30.1234567Z", "2024-05-01T10:20:30.1234567+00:00")]
    [InlineData("2024-05-01T10:20:30.123456789Z", "2024-05-01T10:20:30.1234567+00:00")]
    [InlineData("2024-05-01T10:20:30.999999999999Z", "2024-05-01T10:20:30.9999999+00:00")]
    [InlineData("2024-05-01T10:20:30.000000001Z", "2024-05-01T10:20:30.0000000+00:00")]
    [InlineData("2024-05-01T12:20:30.25+02:00", "2024-05-01T10:20:30.2500000+00:00")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000+00:00")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999+00:00")]
    public void Reads_rfc3339_and_converts_to_utc(string text, string expectedUtc)
    {
        DateTimeOffset expected = DateTimeOffset.ParseExact(expectedUtc, "O", CultureInfo.InvariantCulture);

        DateTimeOffset time = Read($"\"{text}\"", KubeTime.ReadTime);
        DateTimeOffset micro = Read($"\"{text}\"", KubeTime.ReadMicroTime);

        Assert.Equal(expected.UtcTicks, time.UtcTicks);
        Assert.Equal(TimeSpan.Zero, time.Offset);
        Assert.Equal(expected.UtcTicks, micro.UtcTicks);
        Assert.Equal(TimeSpan.Zero, micro.Offset);
        Assert.True(KubeTime.TryParse(Encoding.UTF8.GetBytes(text), out DateTimeOffset parsed));
        Assert.Equal(expected.UtcTicks, parsed.UtcTicks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a time")]
    [InlineData("2024-05-01")]
    [InlineData("2024-05-01T10:20:30")]
    [InlineData("2024-05-01 10:20:30Z")]
    [InlineData("24-05-01T10:20:30Z")]
    [InlineData("2024-5-01T10:20:30Z")]
    [InlineData("2024-13-01T10:20:30Z")]
    [InlineData("2024-00-01T10:20:30Z")]
    [InlineData("2023-02-29T10:20:30Z")]
    [InlineData("2024-04-31T10:20:30Z")]
    [InlineData("2024-05-01T24:00:00Z")]
    [InlineData("2024-05-01T10:60:30Z")]
    [InlineData("2024-05-01T10:20:60Z")]
    [InlineData("2024-05-01T10:20:30.Z")]
    [InlineData("2024-05-01T10:20:30,5Z")]
    [InlineData("2024-05-01T10:20:30+0200")]
    [InlineData("2024-05-01T10:20:30+02")]
    [InlineData("2024-05-01T10:20:30+24:00")]
    [InlineData("2024-05-01T10:20:30+02:60")]
    [InlineData("2024-05-01T10:20:30ZZ")]
    [InlineData("2024-05-01T10:20:30Z ")]
    [InlineData(" 2024-05-01T10:20:30Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+00:01")]
    [InlineData("9999-12-31T23:59:59-00:01")]
    [InlineData("２０２４-05-01T10:20:30Z")]
    public void Rejects_bad_text_naming_the_value(string text)
    {
        var e = Assert.Throws<JsonException>(() => Read(JsonSerializer.Serialize(text), KubeTime.ReadTime));
        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);

        var micro = Assert.Throws<JsonException>(() => Read(JsonSerializer.Serialize(text), KubeTime.ReadMicroTime));
        Assert.Contains($"'{text}'", micro.Message, StringComparison.Ordinal);
        Assert.Contains("micro time", micro.Message, StringComparison.Ordinal);

        Assert.False(KubeTime.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("1714558830", "Number")]
    [InlineData("null", "Null")]
    [InlineData("true", "True")]
    [InlineData("{}", "StartObject")]
    public void Rejects_non_string_tokens(string json, string mentioned)
    {
        var e = Assert.Throws<JsonException>(() => Read(json, KubeTime.ReadTime));
        Assert.Contains(mentioned, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_escaped_strings()
    {
        // "2024-05-01T10:20:30Z" with the T and Z escaped.
        DateTimeOffset value = Read("\"2024-05-01\\u005410:20:30\\u005A\"", KubeTime.ReadTime);

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero), value);
    }

    [Fact]
    public void Reads_long_escaped_strings()
    {
        string fraction = new('1', 200);
        DateTimeOffset value = Read($"\"2024-05-01T10:20:30.{fraction}\\u005A\"", KubeTime.ReadMicroTime);

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero).AddTicks(1111111), value);
    }

    // local time + offset (ticks and minutes), then expected Time and MicroTime text.
    [Theory]
    [InlineData("2024-05-01T10:20:30", 0L, 0, "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.000000Z")]
    [InlineData("2024-05-01T10:20:30", 1234567L, 0, "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.123456Z")]
    [InlineData("2024-05-01T10:20:30", 9999999L, 0, "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.999999Z")]
    [InlineData("2024-05-01T10:20:30", 10L, 0, "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.000001Z")]
    [InlineData("2024-05-01T10:20:30", 9L, 0, "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.000000Z")]
    [InlineData("2024-05-01T12:20:30", 5000000L, 120, "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.500000Z")]
    [InlineData("2024-12-31T20:00:00", 0L, -300, "2025-01-01T01:00:00Z", "2025-01-01T01:00:00.000000Z")]
    [InlineData("0001-01-01T00:00:00", 0L, 0, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z")]
    [InlineData("9999-12-31T23:59:59", 9999999L, 0, "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.999999Z")]
    public void Writes_utc_with_kubernetes_precision(string local, long extraTicks, int offsetMinutes, string time, string microTime)
    {
        var dateTime = DateTime.ParseExact(local, "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture).AddTicks(extraTicks);
        var value = new DateTimeOffset(dateTime, TimeSpan.FromMinutes(offsetMinutes));

        Assert.Equal($"\"{time}\"", Write(w => KubeTime.WriteTime(w, value)));
        Assert.Equal($"\"{microTime}\"", Write(w => KubeTime.WriteMicroTime(w, value)));
    }

    [Theory]
    [InlineData("2024-05-01T10:20:30Z", "2024-05-01T10:20:30Z")]
    [InlineData("2024-05-01T10:20:30.999Z", "2024-05-01T10:20:30Z")]
    [InlineData("2024-05-01T12:20:30+02:00", "2024-05-01T10:20:30Z")]
    [InlineData("2024-05-01T00:20:30+02:00", "2024-04-30T22:20:30Z")]
    public void Time_round_trips(string input, string expected)
    {
        DateTimeOffset value = Read($"\"{input}\"", KubeTime.ReadTime);

        string written = Write(w => KubeTime.WriteTime(w, value));

        Assert.Equal($"\"{expected}\"", written);
        Assert.Equal(written, Write(w => KubeTime.WriteTime(w, Read(written, KubeTime.ReadTime))));
    }

    [Theory]
    [InlineData("2024-05-01T10:20:30.123456Z", "2024-05-01T10:20:30.123456Z")]
    [InlineData("2024-05-01T10:20:30Z", "2024-05-01T10:20:30.000000Z")]
    [InlineData("2024-05-01T10:20:30.1Z", "2024-05-01T10:20:30.100000Z")]
    [InlineData("2024-05-01T10:20:30.1234567Z", "2024-05-01T10:20:30.123456Z")]
    [InlineData("2024-05-01T10:20:30.123456789Z", "2024-05-01T10:20:30.123456Z")]
    [InlineData("2024-05-01T12:20:30.654321+02:00", "2024-05-01T10:20:30.654321Z")]
    [InlineData("2024-05-01T10:20:30.000001-07:00", "2024-05-01T17:20:30.000001Z")]
    public void MicroTime_round_trips(string input, string expected)
    {
        DateTimeOffset value = Read($"\"{input}\"", KubeTime.ReadMicroTime);

        string written = Write(w => KubeTime.WriteMicroTime(w, value));

        Assert.Equal($"\"{expected}\"", written);
        Assert.Equal(written, Write(w => KubeTime.WriteMicroTime(w, Read(written, KubeTime.ReadMicroTime))));
    }

    [Fact]
    public void Converters_work_with_the_serializer()
    {
        var value = new DateTimeOffset(2024, 5, 1, 12, 20, 30, TimeSpan.FromHours(2)).AddTicks(1234567);
        var time = new JsonSerializerOptions { Converters = { KubeTimeJsonConverter.Instance } };
        var micro = new JsonSerializerOptions { Converters = { KubeMicroTimeJsonConverter.Instance } };

        Assert.Equal("\"2024-05-01T10:20:30Z\"", JsonSerializer.Serialize(value, time));
        Assert.Equal("\"2024-05-01T10:20:30.123456Z\"", JsonSerializer.Serialize(value, micro));

        DateTimeOffset back = JsonSerializer.Deserialize<DateTimeOffset>("\"2024-05-01T12:20:30.5+02:00\"", time);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 20, 30, 500, TimeSpan.Zero), back);
        Assert.Equal(TimeSpan.Zero, back.Offset);
        Assert.Equal(
            new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero).AddTicks(1234560),
            JsonSerializer.Deserialize<DateTimeOffset>("\"2024-05-01T10:20:30.123456Z\"", micro));
        Assert.Same(KubeTimeJsonConverter.Instance, KubeTimeJsonConverter.Instance);
        Assert.Same(KubeMicroTimeJsonConverter.Instance, KubeMicroTimeJsonConverter.Instance);
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

    [Fact]
    public void The_stored_form_of_generated_models_keeps_every_instant_and_tells_absent_apart()
    {
        Assert.Equal(0, KubeTime.ToStored(null));
        Assert.Null(KubeTime.FromStored(0));

        // Go's zero time and the last tick are instants like any other, not "absent".
        foreach (DateTimeOffset time in new[] { DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero).AddTicks(1234567) })
        {
            long stored = KubeTime.ToStored(time);
            Assert.NotEqual(0, stored);
            DateTimeOffset? back = KubeTime.FromStored(stored);
            Assert.Equal(time, back);
            Assert.Equal(TimeSpan.Zero, back!.Value.Offset);
        }

        // Another offset comes back as the same instant in UTC, which is how the readers return every time.
        var local = new DateTimeOffset(2024, 5, 1, 12, 20, 30, TimeSpan.FromHours(2));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero), KubeTime.FromStored(KubeTime.ToStored(local))!.Value);
        Assert.Equal(TimeSpan.Zero, KubeTime.FromStored(KubeTime.ToStored(local))!.Value.Offset);
    }
}
