using System.Text;

namespace KubeGen.Testing.Tests.Infrastructure;

/// <summary>
/// Writes protobuf the way Go's generated marshallers do, for tests that send protobuf bodies. It is
/// written independently of the emulator's decoder: field numbers in tests come from Kubernetes'
/// generated.proto files, not from the emulator's table.
/// </summary>
public sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    public ProtoWriter Varint(int field, long value)
    {
        Tag(field, 0);
        Raw((ulong)value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        Raw((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>A <c>map&lt;string,string&gt;</c> entry.</summary>
    public ProtoWriter Entry(int field, string key, string value) => Message(field, e => e.String(1, key).String(2, value));

    public ProtoWriter Tag(int field, int wireType)
    {
        Raw(((ulong)field << 3) | (uint)wireType);
        return this;
    }

    public ProtoWriter Raw(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.WriteByte((byte)value);
        return this;
    }

    /// <summary>
    /// A whole request body: <c>k8s\0</c> + <c>runtime.Unknown</c> (typeMeta = 1 {apiVersion = 1,
    /// kind = 2}, raw = 2, contentEncoding = 3, contentType = 4; apimachinery pkg/runtime/generated.proto).
    /// </summary>
    public static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        var unknown = new ProtoWriter()
            .Message(1, t => t.String(1, apiVersion).String(2, kind))
            .Bytes(2, raw)
            .String(3, "")
            .String(4, "");
        return [.. "k8s\0"u8, .. unknown.ToArray()];
    }
}
