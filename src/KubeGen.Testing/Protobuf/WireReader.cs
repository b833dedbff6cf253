namespace KubeGen.Testing.Protobuf;

/// <summary>A protobuf body the emulator cannot decode (malformed, truncated, or of a type it does not know).</summary>
internal sealed class ProtobufException(string message) : FormatException(message);

/// <summary>
/// Reads the protobuf wire format (varints, tags, length-delimited and fixed-width values) from a
/// slice of a buffer, refusing anything that runs past the slice.
/// </summary>
internal struct WireReader(ReadOnlyMemory<byte> data)
{
    private readonly ReadOnlyMemory<byte> _data = data;
    private int _pos;

    public readonly bool AtEnd => _pos >= _data.Length;

    public ulong ReadVarint()
    {
        ReadOnlySpan<byte> span = _data.Span;
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= span.Length)
            {
                throw new ProtobufException("proto: unexpected EOF");
            }

            byte b = span[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ProtobufException("proto: integer overflow");
    }

    /// <summary>A field tag: number and wire type.</summary>
    public (int Number, int WireType) ReadTag()
    {
        ulong tag = ReadVarint();
        int number = tag >> 3 is > 0 and <= 536_870_911 ? (int)(tag >> 3) : throw new ProtobufException($"proto: illegal tag {tag >> 3} (wire type {tag & 7})");
        return (number, (int)(tag & 7));
    }

    public ReadOnlyMemory<byte> ReadLengthDelimited()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _pos))
        {
            throw new ProtobufException("proto: unexpected EOF");
        }

        ReadOnlyMemory<byte> value = _data.Slice(_pos, (int)length);
        _pos += (int)length;
        return value;
    }

    public ulong ReadFixed64() => System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public uint ReadFixed32() => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>Skips a field of a number the message does not have, as Go's decoder does.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Take(8);
                break;
            case 2:
                ReadLengthDelimited();
                break;
            case 5:
                Take(4);
                break;
            default:
                throw new ProtobufException($"proto: illegal wireType {wireType}");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_data.Length - _pos < count)
        {
            throw new ProtobufException("proto: unexpected EOF");
        }

        ReadOnlySpan<byte> value = _data.Span.Slice(_pos, count);
        _pos += count;
        return value;
    }
}
