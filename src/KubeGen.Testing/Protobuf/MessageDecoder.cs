using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Protobuf;

/// <summary>
/// Turns a protobuf message into the JSON object Go's encoder writes for the same Go struct, so the
/// emulator stores exactly what a JSON client would have sent: a zero scalar is left out unless the
/// Go field is a pointer or has no <c>omitempty</c>; a nested struct is written when it is on the
/// wire (Go's protobuf encoder writes every non-pointer struct, and Go's JSON encoder never omits
/// one), except zero <c>omitzero</c> ones; inline structs lend their fields to the parent; and the
/// types with their own JSON form are written in it (<c>Time</c>, <c>MicroTime</c>,
/// <c>IntOrString</c>, <c>Quantity</c>, <c>FieldsV1</c>, <c>ExtraValue</c>).
/// </summary>
internal sealed class MessageDecoder(MessageTable table)
{
    /// <summary>Nesting deeper than any Kubernetes object needs; deeper bodies are refused rather than followed.</summary>
    private const int MaxDepth = 100;

    /// <exception cref="ProtobufException">Malformed or truncated data, or a wire type the field cannot have.</exception>
    public JsonObject Decode(ProtoMessage message, ReadOnlyMemory<byte> data) => Message(message, data, 0);

    private JsonObject Message(ProtoMessage message, ReadOnlyMemory<byte> data, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProtobufException("proto: message nested too deeply");
        }

        var values = new Dictionary<int, JsonNode?>();
        var lists = new Dictionary<int, JsonArray>();
        var maps = new Dictionary<int, JsonObject>();
        var reader = new WireReader(data);
        while (!reader.AtEnd)
        {
            (int number, int wireType) = reader.ReadTag();
            if (!message.ByNumber.TryGetValue(number, out ProtoField? field))
            {
                reader.Skip(wireType);
                continue;
            }

            if (field.MapKey is ProtoType keyType)
            {
                (string key, JsonNode? value) = MapEntry(field, keyType, Expect(ref reader, wireType, 2, field, message).ReadLengthDelimited(), depth);
                (maps.TryGetValue(number, out JsonObject? map) ? map : maps[number] = [])[key] = value;
            }
            else if (field.Repeated)
            {
                JsonArray list = lists.TryGetValue(number, out JsonArray? l) ? l : lists[number] = [];
                if (wireType == 2 && field.Type is not (ProtoType.String or ProtoType.Bytes or ProtoType.Message))
                {
                    // A packed run of numbers.
                    var packed = new WireReader(reader.ReadLengthDelimited());
                    while (!packed.AtEnd)
                    {
                        list.Add(Value(ref packed, field.Type, null, depth));
                    }
                }
                else
                {
                    list.Add(Value(ref Expect(ref reader, wireType, WireTypeOf(field.Type), field, message), field.Type, field.MessageName, depth));
                }
            }
            else
            {
                values[number] = Value(ref Expect(ref reader, wireType, WireTypeOf(field.Type), field, message), field.Type, field.MessageName, depth);
            }
        }

        var result = new JsonObject();
        foreach (ProtoField field in message.Fields)
        {
            if (field.Inline)
            {
                if (values.GetValueOrDefault(field.Number) is JsonObject inline)
                {
                    foreach (KeyValuePair<string, JsonNode?> entry in inline.ToList())
                    {
                        inline.Remove(entry.Key);
                        result[entry.Key] = entry.Value;
                    }
                }
            }
            else if (lists.TryGetValue(field.Number, out JsonArray? list))
            {
                result[field.JsonName] = list;
            }
            else if (maps.TryGetValue(field.Number, out JsonObject? map))
            {
                result[field.JsonName] = map;
            }
            else if (values.TryGetValue(field.Number, out JsonNode? value))
            {
                if (field.Type == ProtoType.Message ? !(field.OmitZero && value is null) : field.Pointer || field.Keep || !IsZero(value))
                {
                    result[field.JsonName] = value;
                }
            }
            else if (field.Keep && !field.Pointer && !field.Repeated && field.MapKey is null && field.Type != ProtoType.Message)
            {
                // Not on the wire (a non-Go encoder may leave zeros out): Go's zero value.
                result[field.JsonName] = Zero(field.Type);
            }
        }

        return result;
    }

    private (string Key, JsonNode? Value) MapEntry(ProtoField field, ProtoType keyType, ReadOnlyMemory<byte> entry, int depth)
    {
        JsonNode? key = null;
        JsonNode? value = field.Type == ProtoType.Message ? Special(field.MessageName!, new JsonObject()) : Zero(field.Type);
        var reader = new WireReader(entry);
        while (!reader.AtEnd)
        {
            (int number, int wireType) = reader.ReadTag();
            switch (number)
            {
                case 1:
                    key = Value(ref Expect(ref reader, wireType, WireTypeOf(keyType), field, null), keyType, null, depth);
                    break;
                case 2:
                    value = Value(ref Expect(ref reader, wireType, WireTypeOf(field.Type), field, null), field.Type, field.MessageName, depth);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return (key is JsonValue k && k.TryGetValue(out string? s) ? s : key?.ToJsonString() ?? "", value);
    }

    private JsonNode? Value(ref WireReader reader, ProtoType type, string? messageName, int depth) => type switch
    {
        ProtoType.String => Utf8(reader.ReadLengthDelimited()),
        ProtoType.Bytes => Convert.ToBase64String(reader.ReadLengthDelimited().Span),
        ProtoType.Bool => reader.ReadVarint() != 0,
        ProtoType.Int32 => (int)reader.ReadVarint(),
        ProtoType.Int64 => (long)reader.ReadVarint(),
        ProtoType.UInt32 => (uint)reader.ReadVarint(),
        ProtoType.UInt64 => reader.ReadVarint(),
        ProtoType.Double => BitConverter.UInt64BitsToDouble(reader.ReadFixed64()),
        ProtoType.Float => BitConverter.UInt32BitsToSingle(reader.ReadFixed32()),
        _ => Special(messageName!, Message(table[messageName!], reader.ReadLengthDelimited(), depth + 1)),
    };

    /// <summary>The JSON form of the messages whose Go types marshal themselves; other messages as decoded.</summary>
    private static JsonNode? Special(string messageName, JsonObject decoded)
    {
        switch (messageName)
        {
            case "meta.v1.Time" or "meta.v1.MicroTime":
                // An empty message is the zero time, which Go writes as null.
                if (decoded.Count == 0)
                {
                    return null;
                }

                long seconds = decoded["seconds"] is JsonNode s ? s.GetValue<long>() : 0;
                int nanos = decoded["nanos"] is JsonNode n ? n.GetValue<int>() : 0;
                if (seconds is < -62135596800 or > 253402300799 || nanos is < 0 or > 999_999_999)
                {
                    throw new ProtobufException($"proto: time out of range: {seconds}s {nanos}ns");
                }

                DateTime time = DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(nanos / 100);
                return time.ToString(messageName == "meta.v1.Time" ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            case "intstr.IntOrString":
                return decoded["type"] is JsonValue t && t.GetValue<long>() == 1 ? decoded["strVal"]?.GetValue<string>() ?? "" : decoded["intVal"]?.GetValue<int>() ?? 0;
            case "resource.Quantity":
                return decoded["string"]?.GetValue<string>() is { Length: > 0 } quantity ? quantity : "0";
            case "meta.v1.FieldsV1":
                return decoded["Raw"] is JsonValue raw ? ParseRawJson(raw.GetValue<string>()) : null;
            case "authorization.v1.ExtraValue":
                return decoded["items"]?.DeepClone() ?? new JsonArray();
            default:
                return decoded;
        }
    }

    private static JsonNode? ParseRawJson(string base64)
    {
        try
        {
            return JsonNode.Parse(Convert.FromBase64String(base64));
        }
        catch (JsonException e)
        {
            throw new ProtobufException($"proto: FieldsV1 is not JSON: {e.Message}");
        }
    }

    /// <summary>Go's proto2 strings take any bytes; its JSON encoder writes invalid UTF-8 as U+FFFD, as this does.</summary>
    private static string Utf8(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static int WireTypeOf(ProtoType type) => type switch
    {
        ProtoType.String or ProtoType.Bytes or ProtoType.Message => 2,
        ProtoType.Double => 1,
        ProtoType.Float => 5,
        _ => 0,
    };

    private static ref WireReader Expect(ref WireReader reader, int actual, int expected, ProtoField field, ProtoMessage? message)
    {
        if (actual != expected)
        {
            throw new ProtobufException($"proto: wrong wireType = {actual} for field {field.JsonName}{(message is null ? "" : " of " + message.Name)}");
        }

        return ref reader;
    }

    private static bool IsZero(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v when v.TryGetValue(out string? s) => s.Length == 0,
        JsonValue v when v.TryGetValue(out bool b) => !b,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString() is "0" or "-0",
        _ => false,
    };

    private static JsonNode? Zero(ProtoType type) => type switch
    {
        ProtoType.String or ProtoType.Bytes => "",
        ProtoType.Bool => false,
        _ => 0,
    };
}
