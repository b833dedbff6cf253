using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeGen.Runtime;

/// <summary>
/// Reads and writes <see cref="IntOrString"/> as Kubernetes does: a JSON number (a 32-bit integer) or a JSON string.
/// </summary>
public sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    /// <summary>The shared instance.</summary>
    public static IntOrStringJsonConverter Instance { get; } = new();

    /// <summary>Reads an <see cref="IntOrString"/> at the reader's current token.</summary>
    /// <param name="reader">A reader positioned on a number or string token.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="JsonException">The token is not a 32-bit integer nor a string.</exception>
    public static IntOrString ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new IntOrString(reader.GetString()!);
            case JsonTokenType.Number:
                if (reader.TryGetInt32(out int number))
                {
                    return new IntOrString(number);
                }

                throw new JsonException(
                    $"An IntOrString number must be a 32-bit integer, but the JSON number was {JsonText.RawToken(ref reader)}.");
            default:
                throw new JsonException(
                    $"An IntOrString must be a JSON number (32-bit integer) or a JSON string, but the token was {reader.TokenType}.");
        }
    }

    /// <summary>Writes an <see cref="IntOrString"/> as a JSON number or a JSON string.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    public static void WriteValue(Utf8JsonWriter writer, IntOrString value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.StringValue is { } text)
        {
            writer.WriteStringValue(text);
        }
        else
        {
            writer.WriteNumberValue(value.IntValue);
        }
    }

    /// <inheritdoc/>
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadValue(ref reader);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options) =>
        WriteValue(writer, value);
}

/// <summary>Helpers shared by the value-type converters.</summary>
internal static class JsonText
{
    /// <summary>Returns the raw UTF-8 text of the current token (numbers are never escaped).</summary>
    internal static string RawToken(ref Utf8JsonReader reader) =>
        reader.HasValueSequence
            ? System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence))
            : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
}
