using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeGen.Runtime;

/// <summary>
/// Reads and writes Kubernetes' time formats: <c>metav1.Time</c> (RFC 3339, whole seconds, UTC:
/// <c>2024-05-01T10:20:30Z</c>) and <c>metav1.MicroTime</c> (RFC 3339 with six fraction digits, UTC:
/// <c>2024-05-01T10:20:30.123456Z</c>).
/// </summary>
/// <remarks>
/// Reading accepts any RFC 3339 date-time: <c>T</c> or <c>t</c>, any number of fraction digits (kept to the
/// 100 ns tick, further digits are truncated), and <c>Z</c>, <c>z</c> or a numeric offset; the result is always
/// converted to UTC (offset zero). Writing truncates (never rounds) to seconds or microseconds, as Go's
/// formatting does.
/// </remarks>
public static class KubeTime
{
    private const int MaxTextLength = 128;
    private const int TimeLength = 20;       // 2024-05-01T10:20:30Z
    private const int MicroTimeLength = 27;  // 2024-05-01T10:20:30.123456Z

    /// <summary>
    /// How generated models keep a time: UTC ticks plus one, zero for none. A <c>long</c> field takes 8 bytes where a
    /// <c>DateTimeOffset?</c> takes 24, and objects in an informer cache hold several times each.
    /// </summary>
    /// <param name="value">The time (any offset; it is kept as the same instant in UTC), or null.</param>
    /// <returns>The stored form.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static long ToStored(DateTimeOffset? value) => value is { } time ? time.UtcTicks + 1 : 0;

    /// <summary>The time a generated model stored with <see cref="ToStored"/>, in UTC; null for none.</summary>
    /// <param name="stored">The stored form.</param>
    /// <returns>The time, or null.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static DateTimeOffset? FromStored(long stored) => stored == 0 ? null : new DateTimeOffset(stored - 1, TimeSpan.Zero);

    /// <summary>Reads a <c>metav1.Time</c> at the reader's current token.</summary>
    /// <param name="reader">A reader positioned on a string token.</param>
    /// <returns>The time, in UTC.</returns>
    /// <exception cref="JsonException">The token is not a string, or not an RFC 3339 date-time.</exception>
    public static DateTimeOffset ReadTime(ref Utf8JsonReader reader) => Read(ref reader, "time");

    /// <summary>Writes a <c>metav1.Time</c>: UTC, whole seconds (<c>2024-05-01T10:20:30Z</c>).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The time; fractional seconds are truncated.</param>
    public static void WriteTime(Utf8JsonWriter writer, DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> buffer = stackalloc byte[TimeLength];
        DateTime utc = value.UtcDateTime;
        WriteDateTime(buffer, utc);
        buffer[19] = (byte)'Z';
        writer.WriteStringValue(buffer);
    }

    /// <summary>Reads a <c>metav1.MicroTime</c> at the reader's current token.</summary>
    /// <param name="reader">A reader positioned on a string token.</param>
    /// <returns>The time, in UTC.</returns>
    /// <exception cref="JsonException">The token is not a string, or not an RFC 3339 date-time.</exception>
    public static DateTimeOffset ReadMicroTime(ref Utf8JsonReader reader) => Read(ref reader, "micro time");

    /// <summary>Writes a <c>metav1.MicroTime</c>: UTC, six fraction digits (<c>2024-05-01T10:20:30.123456Z</c>).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The time; digits beyond microseconds are truncated.</param>
    public static void WriteMicroTime(Utf8JsonWriter writer, DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> buffer = stackalloc byte[MicroTimeLength];
        DateTime utc = value.UtcDateTime;
        WriteDateTime(buffer, utc);
        buffer[19] = (byte)'.';
        WriteDigits(buffer.Slice(20, 6), (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10));
        buffer[26] = (byte)'Z';
        writer.WriteStringValue(buffer);
    }

    /// <summary>
    /// Writes a plain RFC 3339 date-time (a CRD's <c>format: date-time</c>, which the API server stores
    /// as sent) in UTC with only the fraction digits the value needs, so a value read with sub-second
    /// precision is written back without loss.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The time.</param>
    public static void WriteDateTime(Utf8JsonWriter writer, DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> buffer = stackalloc byte[28];
        DateTime utc = value.UtcDateTime;
        WriteDateTime(buffer, utc);
        int length = 19;
        int ticks = (int)(utc.Ticks % TimeSpan.TicksPerSecond);
        if (ticks != 0)
        {
            buffer[19] = (byte)'.';
            WriteDigits(buffer.Slice(20, 7), ticks);
            length = 27;
            while (buffer[length - 1] == (byte)'0')
            {
                length--;
            }
        }

        buffer[length++] = (byte)'Z';
        writer.WriteStringValue(buffer[..length]);
    }

    /// <summary>Parses an RFC 3339 date-time from UTF-8 text.</summary>
    /// <param name="utf8Text">The text.</param>
    /// <param name="value">The time, in UTC.</param>
    /// <returns><see langword="true"/> when the text is a valid RFC 3339 date-time.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, out DateTimeOffset value)
    {
        value = default;

        // yyyy-MM-ddTHH:mm:ss is 19 bytes; then an optional fraction and a zone of 1 or 6 bytes.
        if (utf8Text.Length < 20
            || !TryDigits(utf8Text, 0, 4, out int year)
            || utf8Text[4] != '-'
            || !TryDigits(utf8Text, 5, 2, out int month)
            || utf8Text[7] != '-'
            || !TryDigits(utf8Text, 8, 2, out int day)
            || (utf8Text[10] != 'T' && utf8Text[10] != 't')
            || !TryDigits(utf8Text, 11, 2, out int hour)
            || utf8Text[13] != ':'
            || !TryDigits(utf8Text, 14, 2, out int minute)
            || utf8Text[16] != ':'
            || !TryDigits(utf8Text, 17, 2, out int second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        int pos = 19;
        long fractionTicks = 0;
        if (utf8Text[pos] == '.')
        {
            pos++;
            int start = pos;
            long scale = TimeSpan.TicksPerSecond;
            while (pos < utf8Text.Length && IsDigit(utf8Text[pos]))
            {
                if (scale > 1)
                {
                    scale /= 10;
                    fractionTicks += (utf8Text[pos] - '0') * scale;
                }

                pos++;
            }

            if (pos == start)
            {
                return false;
            }
        }

        if (pos >= utf8Text.Length)
        {
            return false;
        }

        long offsetTicks;
        byte zone = utf8Text[pos];
        if (zone is (byte)'Z' or (byte)'z')
        {
            offsetTicks = 0;
            pos++;
        }
        else if (zone is (byte)'+' or (byte)'-')
        {
            if (utf8Text.Length - pos != 6
                || !TryDigits(utf8Text, pos + 1, 2, out int offsetHours)
                || utf8Text[pos + 3] != ':'
                || !TryDigits(utf8Text, pos + 4, 2, out int offsetMinutes)
                || offsetHours > 23
                || offsetMinutes > 59)
            {
                return false;
            }

            offsetTicks = ((offsetHours * 60L) + offsetMinutes) * TimeSpan.TicksPerMinute;
            if (zone == '-')
            {
                offsetTicks = -offsetTicks;
            }

            pos += 6;
        }
        else
        {
            return false;
        }

        if (pos != utf8Text.Length)
        {
            return false;
        }

        long localTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        long utcTicks = localTicks - offsetTicks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static DateTimeOffset Read(ref Utf8JsonReader reader, string kind)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A Kubernetes {kind} must be a JSON string, but the token was {reader.TokenType}.");
        }

        scoped ReadOnlySpan<byte> text;
        Span<byte> buffer = stackalloc byte[MaxTextLength];
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            text = reader.ValueSpan;
        }
        else
        {
            long length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            text = length <= MaxTextLength
                ? buffer[..reader.CopyString(buffer)]
                : Encoding.UTF8.GetBytes(reader.GetString()!);
        }

        if (!TryParse(text, out DateTimeOffset value))
        {
            throw Invalid(kind, Encoding.UTF8.GetString(text));
        }

        return value;
    }

    private static JsonException Invalid(string kind, string text) =>
        new($"'{text}' is not a valid Kubernetes {kind}: expected an RFC 3339 date-time such as 2024-05-01T10:20:30Z.");

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }

    private static void WriteDateTime(Span<byte> buffer, DateTime utc)
    {
        WriteDigits(buffer[..4], utc.Year);
        buffer[4] = (byte)'-';
        WriteDigits(buffer.Slice(5, 2), utc.Month);
        buffer[7] = (byte)'-';
        WriteDigits(buffer.Slice(8, 2), utc.Day);
        buffer[10] = (byte)'T';
        WriteDigits(buffer.Slice(11, 2), utc.Hour);
        buffer[13] = (byte)':';
        WriteDigits(buffer.Slice(14, 2), utc.Minute);
        buffer[16] = (byte)':';
        WriteDigits(buffer.Slice(17, 2), utc.Second);
    }

    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}

/// <summary>Reads and writes <see cref="DateTimeOffset"/> as a Kubernetes <c>metav1.Time</c> (see <see cref="KubeTime"/>).</summary>
public sealed class KubeTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>The shared instance.</summary>
    public static KubeTimeJsonConverter Instance { get; } = new();

    /// <inheritdoc/>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        KubeTime.ReadTime(ref reader);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        KubeTime.WriteTime(writer, value);
}

/// <summary>Reads and writes <see cref="DateTimeOffset"/> as a Kubernetes <c>metav1.MicroTime</c> (see <see cref="KubeTime"/>).</summary>
public sealed class KubeMicroTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>The shared instance.</summary>
    public static KubeMicroTimeJsonConverter Instance { get; } = new();

    /// <inheritdoc/>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        KubeTime.ReadMicroTime(ref reader);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        KubeTime.WriteMicroTime(writer, value);
}
