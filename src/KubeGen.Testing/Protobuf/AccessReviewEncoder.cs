using System.Text;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Protobuf;

/// <summary>
/// The one protobuf answer the emulator writes: the <c>authorization.k8s.io/v1
/// SelfSubjectAccessReview</c> that kubectl's typed client (<c>kubectl auth can-i</c>) asks for first
/// in <c>Accept</c>. Wire format: the <c>k8s\0</c> magic, then a <c>runtime.Unknown</c> (typeMeta = 1,
/// raw = 2) whose raw bytes are the message (metadata = 1, spec = 2, status = 3; spec:
/// resourceAttributes = 1, nonResourceAttributes = 2; resourceAttributes: namespace = 1, verb = 2,
/// group = 3, version = 4, resource = 5, subresource = 6, name = 7; status: allowed = 1, reason = 2),
/// the numbers of <c>messages.txt</c>.
/// </summary>
internal static class AccessReviewEncoder
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    /// <summary>Encodes the answered review (spec echoed, status.allowed and reason set).</summary>
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
        WriteBytes(status, 2, Encoding.UTF8.GetBytes(review["status"]?["reason"]?.GetValue<string>() ?? ""));

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
