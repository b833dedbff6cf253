using System.Text;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Http;

/// <summary>
/// The one protobuf body the emulator understands: <c>authorization.k8s.io/v1
/// SelfSubjectAccessReview</c>, which kubectl's typed client (<c>kubectl auth can-i</c>) sends as
/// <c>application/vnd.kubernetes.protobuf</c>. Wire format: the <c>k8s\0</c> magic, then a
/// <c>runtime.Unknown</c> (typeMeta = 1, raw = 2) whose raw bytes are the message
/// (metadata = 1, spec = 2, status = 3; spec: resourceAttributes = 1, nonResourceAttributes = 2;
/// resourceAttributes: namespace = 1, verb = 2, group = 3, version = 4, resource = 5,
/// subresource = 6, name = 7; status: allowed = 1, reason = 2).
/// </summary>
internal static class ProtobufAccessReview
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    /// <summary>Decodes the review into its JSON form.</summary>
    /// <exception cref="FormatException">Not a protobuf SelfSubjectAccessReview.</exception>
    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new FormatException("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        }

        byte[]? raw = null;
        string? kind = null;
        foreach ((int field, ReadOnlyMemory<byte> value) in Fields(body.AsMemory(Magic.Length)))
        {
            if (field == 1)
            {
                foreach ((int f, ReadOnlyMemory<byte> v) in Fields(value))
                {
                    if (f == 2)
                    {
                        kind = Encoding.UTF8.GetString(v.Span);
                    }
                }
            }
            else if (field == 2)
            {
                raw = value.ToArray();
            }
        }

        if (kind is not null and not "SelfSubjectAccessReview" || raw is null)
        {
            throw new FormatException($"protobuf bodies are supported only for SelfSubjectAccessReview (got {kind ?? "nothing"})");
        }

        var spec = new JsonObject();
        foreach ((int field, ReadOnlyMemory<byte> value) in Fields(raw))
        {
            if (field != 2)
            {
                continue;
            }

            foreach ((int f, ReadOnlyMemory<byte> v) in Fields(value))
            {
                if (f == 1)
                {
                    var attributes = new JsonObject();
                    string[] names = ["", "namespace", "verb", "group", "version", "resource", "subresource", "name"];
                    foreach ((int a, ReadOnlyMemory<byte> av) in Fields(v))
                    {
                        if (a >= 1 && a < names.Length)
                        {
                            attributes[names[a]] = Encoding.UTF8.GetString(av.Span);
                        }
                    }

                    spec["resourceAttributes"] = attributes;
                }
                else if (f == 2)
                {
                    var attributes = new JsonObject();
                    foreach ((int a, ReadOnlyMemory<byte> av) in Fields(v))
                    {
                        if (a is 1 or 2)
                        {
                            attributes[a == 1 ? "path" : "verb"] = Encoding.UTF8.GetString(av.Span);
                        }
                    }

                    spec["nonResourceAttributes"] = attributes;
                }
            }
        }

        return new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SelfSubjectAccessReview", ["spec"] = spec };
    }

    /// <summary>Encodes the answered review (spec echoed, status.allowed set).</summary>
    public static byte[] Encode(JsonObject review)
    {
        var spec = new MemoryStream();
        if (review["spec"]?["resourceAttributes"] is JsonObject resource)
        {
            var attributes = new MemoryStream();
            string[] names = ["", "namespace", "verb", "group", "version", "resource", "subresource", "name"];
            for (int i = 1; i < names.Length; i++)
            {
                if (resource[names[i]]?.GetValue<string>() is string s)
                {
                    WriteBytes(attributes, i, Encoding.UTF8.GetBytes(s));
                }
            }

            WriteBytes(spec, 1, attributes.ToArray());
        }

        if (review["spec"]?["nonResourceAttributes"] is JsonObject nonResource)
        {
            var attributes = new MemoryStream();
            if (nonResource["path"]?.GetValue<string>() is string path)
            {
                WriteBytes(attributes, 1, Encoding.UTF8.GetBytes(path));
            }

            if (nonResource["verb"]?.GetValue<string>() is string verb)
            {
                WriteBytes(attributes, 2, Encoding.UTF8.GetBytes(verb));
            }

            WriteBytes(spec, 2, attributes.ToArray());
        }

        var status = new MemoryStream();
        bool allowed = review["status"]?["allowed"]?.GetValue<bool>() == true;
        WriteTag(status, 1, 0);
        status.WriteByte(allowed ? (byte)1 : (byte)0);
        WriteBytes(status, 2, []);

        var message = new MemoryStream();
        WriteBytes(message, 1, []);
        WriteBytes(message, 2, spec.ToArray());
        WriteBytes(message, 3, status.ToArray());

        var typeMeta = new MemoryStream();
        WriteBytes(typeMeta, 1, "authorization.k8s.io/v1"u8.ToArray());
        WriteBytes(typeMeta, 2, "SelfSubjectAccessReview"u8.ToArray());

        var unknown = new MemoryStream();
        unknown.Write(Magic);
        WriteBytes(unknown, 1, typeMeta.ToArray());
        WriteBytes(unknown, 2, message.ToArray());
        WriteBytes(unknown, 3, []);
        WriteBytes(unknown, 4, []);
        return unknown.ToArray();
    }

    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> data)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            ulong tag = ReadVarint(data.Span, ref pos);
            int field = (int)(tag >> 3);
            int wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    ReadVarint(data.Span, ref pos);
                    yield return (field, ReadOnlyMemory<byte>.Empty);
                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    int length = checked((int)ReadVarint(data.Span, ref pos));
                    if (length < 0 || pos + length > data.Length)
                    {
                        throw new FormatException("truncated protobuf message");
                    }

                    yield return (field, data.Slice(pos, length));
                    pos += length;
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw new FormatException($"unsupported protobuf wire type {wire}");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new FormatException("truncated protobuf varint");
            }

            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new FormatException("protobuf varint too long");
    }

    private static void WriteTag(Stream stream, int field, int wire) => WriteVarint(stream, ((ulong)field << 3) | (uint)wire);

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    private static void WriteBytes(Stream stream, int field, byte[] value)
    {
        WriteTag(stream, field, 2);
        WriteVarint(stream, (ulong)value.Length);
        stream.Write(value);
    }
}
