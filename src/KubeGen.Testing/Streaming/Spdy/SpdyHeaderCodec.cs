using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using KubeGen.Shared.Streaming;

namespace KubeGen.Testing.Streaming.Spdy;

/// <summary>
/// SPDY/3 header blocks: name/value pairs, each length a big-endian 32-bit count, in one zlib stream per direction and
/// connection (flushed at each frame), compressed with <see cref="SpdyHeaderDictionary"/>.
/// </summary>
/// <remarks>
/// .NET's deflate has no preset dictionary. A preset dictionary is only history the first back-references may point
/// into, so the decoder feeds the inflater a stored (uncompressed) block holding the dictionary before the client's data,
/// and drops those bytes of output. The encoder needs no dictionary: it writes stored blocks, which any zlib reader takes,
/// each frame ending with an empty stored block as a sync flush does.
/// </remarks>
internal sealed class SpdyHeaderCodec : IDisposable
{
    private readonly FeedStream _compressed = new();
    private readonly DeflateStream _inflater;
    private bool _readHeader;
    private bool _wroteHeader;

    public SpdyHeaderCodec()
    {
        _inflater = new DeflateStream(_compressed, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>Reads one frame's header block.</summary>
    /// <exception cref="InvalidDataException">The block is not a valid header block for this connection.</exception>
    public Dictionary<string, List<string>> Decode(ReadOnlySpan<byte> block)
    {
        if (!_readHeader)
        {
            block = StartStream(block);
            _readHeader = true;
        }

        _compressed.Feed(block.ToArray());
        var headers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        uint pairs = ReadUInt32();
        for (uint i = 0; i < pairs; i++)
        {
            string name = Encoding.UTF8.GetString(ReadBytes(ReadUInt32()));
            string value = Encoding.UTF8.GetString(ReadBytes(ReadUInt32()));
            headers[name] = [.. value.Split('\0')];
        }

        return headers;
    }

    /// <summary>Writes one frame's header block.</summary>
    public byte[] Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var plain = new List<byte>();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(number, (uint)headers.Count);
        plain.AddRange(number);
        foreach ((string name, string value) in headers)
        {
            foreach (string part in new[] { name.ToLowerInvariant(), value })
            {
                byte[] text = Encoding.UTF8.GetBytes(part);
                BinaryPrimitives.WriteUInt32BigEndian(number, (uint)text.Length);
                plain.AddRange(number);
                plain.AddRange(text);
            }
        }

        var block = new List<byte>();
        if (!_wroteHeader)
        {
            // zlib header: deflate with a 32 KiB window, no dictionary, (CMF * 256 + FLG) % 31 == 0.
            block.AddRange([0x78, 0x01]);
            _wroteHeader = true;
        }

        block.AddRange(StoredBlock(plain.ToArray()));

        // And an empty one, as zlib's sync flush ends each frame: Go's inflater hands over the stored bytes only when it
        // reaches the next block, which must be in this frame (its reader stops at the frame's end).
        block.AddRange(StoredBlock([]));
        return [.. block];
    }

    public void Dispose() => _inflater.Dispose();

    /// <summary>Checks the zlib header of the client's stream and primes the inflater with the dictionary.</summary>
    private ReadOnlySpan<byte> StartStream(ReadOnlySpan<byte> block)
    {
        if (block.Length < 2 || (block[0] & 0x0F) != 8 || ((block[0] << 8) | block[1]) % 31 != 0)
        {
            throw new InvalidDataException("the header block does not start a zlib stream");
        }

        int skip = 2;
        if ((block[1] & 0x20) != 0)
        {
            if (block.Length < 6 || BinaryPrimitives.ReadUInt32BigEndian(block[2..]) != Adler32(SpdyHeaderDictionary.Bytes))
            {
                throw new InvalidDataException("the header block was compressed with another dictionary than SPDY/3's");
            }

            skip = 6;
            _compressed.Feed(StoredBlock(SpdyHeaderDictionary.Bytes));
            ReadBytes((uint)SpdyHeaderDictionary.Bytes.Length);
        }

        return block[skip..];
    }

    /// <summary>A non-final stored deflate block (starting on a byte boundary, as every block here does).</summary>
    private static byte[] StoredBlock(byte[] data)
    {
        byte[] block = new byte[5 + data.Length];
        block[0] = 0x00; // BFINAL 0, BTYPE 00 (stored), then padding to the byte boundary
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(1), (ushort)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(3), (ushort)~data.Length);
        data.CopyTo(block, 5);
        return block;
    }

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));

    private byte[] ReadBytes(uint count)
    {
        if (count > 1024 * 1024)
        {
            throw new InvalidDataException("a header is larger than 1 MiB");
        }

        byte[] bytes = new byte[count];
        int done = 0;
        while (done < bytes.Length)
        {
            int read = _inflater.Read(bytes, done, bytes.Length - done);
            if (read == 0)
            {
                throw new InvalidDataException("the header block ended early");
            }

            done += read;
        }

        return bytes;
    }

    private static uint Adler32(byte[] data)
    {
        uint a = 1;
        uint b = 0;
        foreach (byte x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }

    /// <summary>Compressed bytes handed to the inflater frame by frame; empty (not ended) between frames.</summary>
    private sealed class FeedStream : UnseekableStream
    {
        private readonly Queue<byte[]> _segments = new();
        private int _offset;

        public override bool CanRead => true;

        public override bool CanWrite => false;

        public void Feed(byte[] segment)
        {
            if (segment.Length > 0)
            {
                _segments.Enqueue(segment);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int done = 0;
            while (done < buffer.Length && _segments.TryPeek(out byte[]? segment))
            {
                int take = Math.Min(buffer.Length - done, segment.Length - _offset);
                segment.AsSpan(_offset, take).CopyTo(buffer[done..]);
                done += take;
                _offset += take;
                if (_offset == segment.Length)
                {
                    _segments.Dequeue();
                    _offset = 0;
                }
            }

            return done;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));
    }
}
