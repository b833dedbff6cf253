using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// Reads a Kubernetes watch stream: newline-delimited JSON objects
/// <c>{"type":"ADDED","object":{...}}</c>, one event at a time.
/// </summary>
/// <remarks>
/// Bytes are read into one pooled buffer that only grows to the size of the largest event (up to
/// <see cref="MaxEventBytes"/>), so memory does not grow with the length of the stream. Events may be
/// split across reads. <c>ERROR</c> events are thrown as <see cref="KubeApiException"/>; malformed
/// events and unknown types as <see cref="JsonException"/>.
/// </remarks>
internal sealed class WatchStreamReader<T> : IDisposable
{
    /// <summary>The default largest event accepted. The API server limits objects to a few MiB.</summary>
    public const int DefaultMaxEventBytes = 64 * 1024 * 1024;

    private const int InitialBufferBytes = 16 * 1024;

    private readonly Stream _stream;
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly int _maxDepth;
    private readonly Func<string, string> _redact;
    private byte[]? _buffer;
    private int _start;   // first byte of the current (incomplete) line
    private int _scanned; // bytes in [_start, _scanned) are known to contain no newline
    private int _end;     // end of the data read so far
    private bool _endOfStream;

    /// <param name="stream">The response body.</param>
    /// <param name="typeInfo">Reads the objects.</param>
    /// <param name="maxEventBytes">The largest event accepted.</param>
    /// <param name="redact">Applied to the texts of an ERROR event's Status (the connection's token redaction); none when null.</param>
    public WatchStreamReader(Stream stream, JsonTypeInfo<T> typeInfo, int maxEventBytes = DefaultMaxEventBytes, Func<string, string>? redact = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventBytes, 16);
        _stream = stream;
        _typeInfo = typeInfo;
        _redact = redact ?? (static text => text);
        MaxEventBytes = maxEventBytes;
        int optionsDepth = typeInfo.Options.MaxDepth == 0 ? 64 : typeInfo.Options.MaxDepth;
        _maxDepth = optionsDepth + 1;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferBytes, maxEventBytes));
    }

    /// <summary>The largest event (one line) accepted; a longer one raises <see cref="JsonException"/>.</summary>
    public int MaxEventBytes { get; }

    /// <summary>The size of the current buffer (for tests).</summary>
    internal int BufferSize => _buffer?.Length ?? 0;

    /// <summary>Reads all events until the stream ends cleanly.</summary>
    public async IAsyncEnumerable<WatchEvent<T>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } watchEvent)
        {
            yield return watchEvent;
        }
    }

    /// <summary>Reads the next event, or returns null when the stream has ended cleanly.</summary>
    public async ValueTask<WatchEvent<T>?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            byte[] buffer = _buffer ?? throw new ObjectDisposedException(nameof(WatchStreamReader<T>));

            int newline = buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int lineEnd = _scanned + newline;
                int lineStart = _start;
                _start = _scanned = lineEnd + 1;
                if (TryParseLine(buffer.AsSpan(lineStart, lineEnd - lineStart), out WatchEvent<T>? lineEvent))
                {
                    return lineEvent;
                }

                continue; // blank line
            }

            _scanned = _end;
            if (_endOfStream)
            {
                // The last event may lack its newline.
                int lineStart = _start;
                _start = _scanned = _end;
                if (TryParseLine(buffer.AsSpan(lineStart, _end - lineStart), out WatchEvent<T>? lastEvent))
                {
                    return lastEvent;
                }

                return null;
            }

            buffer = MakeRoom(buffer);
            int read = await _stream.ReadAsync(buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _endOfStream = true;
            }
            else
            {
                _end += read;
            }
        }
    }

    public void Dispose()
    {
        byte[]? buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses one line; false for a blank line.</summary>
    internal bool TryParseLine(ReadOnlySpan<byte> line, out WatchEvent<T>? watchEvent)
    {
        line = line.Trim(" \t\r\n"u8);
        if (line.IsEmpty)
        {
            watchEvent = null;
            return false;
        }

        watchEvent = ParseEvent(line);
        return true;
    }

    // Moves the incomplete line to the front, or grows the buffer when the line fills it.
    private byte[] MakeRoom(byte[] buffer)
    {
        int pending = _end - _start;
        if (_start > 0 && (pending == 0 || _end == buffer.Length || _start >= buffer.Length / 2))
        {
            buffer.AsSpan(_start, pending).CopyTo(buffer);
            _scanned -= _start;
            _end = pending;
            _start = 0;
        }

        if (_end < buffer.Length)
        {
            return buffer;
        }

        if (buffer.Length >= MaxEventBytes)
        {
            throw new JsonException(string.Create(
                CultureInfo.InvariantCulture,
                $"A watch event is longer than {MaxEventBytes} bytes without a line end; the stream is not a Kubernetes watch stream or the event is too large."));
        }

        int size = (int)Math.Min((long)buffer.Length * 2, MaxEventBytes);
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, _end).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        _buffer = larger;
        return larger;
    }

    private WatchEvent<T> ParseEvent(ReadOnlySpan<byte> line)
    {
        string? type = null;
        int objectStart = -1;
        int objectEnd = -1;

        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = _maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A watch event must be a JSON object, but it starts with {reader.TokenType}.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonException($"The \"type\" of a watch event must be a string, but it is {reader.TokenType}.");
                }

                type = reader.GetString();
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                objectStart = (int)reader.TokenStartIndex;
                reader.Skip();
                objectEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.Read())
        {
            throw new JsonException("A watch event line holds more than one JSON value.");
        }

        if (type is null)
        {
            throw new JsonException("A watch event has no \"type\".");
        }

        if (objectStart < 0)
        {
            throw new JsonException($"The watch event of type {Describe(type)} has no \"object\".");
        }

        ReadOnlySpan<byte> objectJson = line[objectStart..objectEnd];
        WatchEventType eventType;
        switch (type)
        {
            case "ADDED":
                eventType = WatchEventType.Added;
                break;
            case "MODIFIED":
                eventType = WatchEventType.Modified;
                break;
            case "DELETED":
                eventType = WatchEventType.Deleted;
                break;
            case "BOOKMARK":
                eventType = WatchEventType.Bookmark;
                break;
            case "ERROR":
                throw ResponseErrors.CreateWatchErrorException(objectJson, _redact);
            default:
                throw new JsonException($"Unknown watch event type {Describe(type)}; expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.");
        }

        T? value = JsonSerializer.Deserialize(objectJson, _typeInfo);
        if (value is null)
        {
            throw new JsonException($"The object of a {type} watch event is null.");
        }

        return new WatchEvent<T>(eventType, value);
    }

    private static string Describe(string type)
        => type.Length <= 32 ? $"\"{type}\"" : $"\"{type[..32]}...\"";
}
