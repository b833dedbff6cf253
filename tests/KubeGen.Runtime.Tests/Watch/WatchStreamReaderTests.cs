using System.Net;
using System.Text;
using System.Text.Json;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Watch;

public sealed class WatchStreamReaderTests
{
    private const string Added = """{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"1"},"value":"x"}}""";
    private const string Modified = """{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"2"},"value":"y\n}"}}""";
    private const string Deleted = """{"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"3"}}}""";
    private const string Bookmark = """{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"10"}}}""";
    private const string Gone = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}""";

    private static async Task<List<(WatchEventType Type, string? Name, string? ResourceVersion, string? Value)>> ReadAllAsync(Stream stream, int maxEventBytes = WatchStreamReader<TestObject>.DefaultMaxEventBytes)
    {
        using CancellationTokenSource timeout = TestSupport.Timeout();
        using var reader = new WatchStreamReader<TestObject>(stream, TestJsonContext.Default.TestObject, maxEventBytes);
        var events = new List<(WatchEventType, string?, string?, string?)>();
        await foreach (WatchEvent<TestObject> e in reader.ReadAllAsync(timeout.Token))
        {
            events.Add((e.Type, e.Object.Metadata?.Name, e.Object.Metadata?.ResourceVersion, e.Object.Value));
        }

        return events;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public async Task Events_split_across_reads_are_reassembled(int readSize)
    {
        string stream = Added + "\n" + Modified + "\n" + Bookmark + "\n" + Deleted + "\n";

        var events = await ReadAllAsync(new TrickleStream(stream, readSize));

        Assert.Equal(
            [
                (WatchEventType.Added, "a", "1", "x"),
                (WatchEventType.Modified, "a", "2", "y\n}"),
                (WatchEventType.Bookmark, null, "10", null),
                (WatchEventType.Deleted, "a", "3", null),
            ],
            events);
    }

    [Fact]
    public async Task Object_may_come_before_type_and_unknown_fields_are_ignored()
    {
        string line = """{"object":{"metadata":{"name":"b","resourceVersion":"4"}},"extra":[1,{"type":"DELETED"}],"type":"MODIFIED"}""";

        var events = await ReadAllAsync(new TrickleStream(line + "\n", 3));

        Assert.Equal([(WatchEventType.Modified, "b", "4", null)], events);
    }

    [Fact]
    public async Task Blank_lines_crlf_and_a_last_event_without_newline_are_accepted()
    {
        string stream = "\n" + Added + "\r\n\r\n  \n" + Deleted;

        var events = await ReadAllAsync(new TrickleStream(stream, 5));

        Assert.Equal([(WatchEventType.Added, "a", "1", "x"), (WatchEventType.Deleted, "a", "3", null)], events);
    }

    [Fact]
    public async Task An_empty_stream_ends_without_events()
    {
        Assert.Empty(await ReadAllAsync(new MemoryStream()));
    }

    [Fact]
    public async Task An_error_event_throws_KubeApiException_with_its_status_after_the_earlier_events()
    {
        using CancellationTokenSource timeout = TestSupport.Timeout();
        using var reader = new WatchStreamReader<TestObject>(new TrickleStream(Added + "\n" + Gone + "\n" + Deleted + "\n", 4), TestJsonContext.Default.TestObject);

        WatchEvent<TestObject>? first = await reader.ReadAsync(timeout.Token);
        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(async () => await reader.ReadAsync(timeout.Token));

        Assert.Equal(WatchEventType.Added, first?.Type);
        Assert.Equal(HttpStatusCode.Gone, error.StatusCode);
        Assert.Equal(410, error.Status.Code);
        Assert.Equal("Expired", error.Status.Reason);
        Assert.True(error.IsGone);
        Assert.Equal("too old resource version: 1 (5) (410 Expired)", error.Message);
    }

    [Fact]
    public async Task An_error_event_without_a_status_is_still_a_KubeApiException()
    {
        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => ReadAllAsync(new TrickleStream("""{"type":"ERROR","object":{"kind":"Pod"}}""" + "\n", 100)));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("InternalError", error.Status.Reason);
    }

    [Theory]
    [InlineData("""{"type":"SYNC","object":{}}""", "Unknown watch event type \"SYNC\"; expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.")]
    [InlineData("""{"object":{}}""", "A watch event has no \"type\".")]
    [InlineData("""{"type":"ADDED"}""", "The watch event of type \"ADDED\" has no \"object\".")]
    [InlineData("""{"type":"ADDED","object":null}""", "The object of a ADDED watch event is null.")]
    [InlineData("""{"type":7,"object":{}}""", "The \"type\" of a watch event must be a string, but it is Number.")]
    [InlineData("""["ADDED",{}]""", "A watch event must be a JSON object, but it starts with StartArray.")]
    [InlineData("""{"type":"ADDED","object":{}} {"type":"ADDED","object":{}}""", null)]
    public async Task Malformed_events_throw_JsonException(string line, string? message)
    {
        JsonException error = await Assert.ThrowsAnyAsync<JsonException>(() => ReadAllAsync(new TrickleStream(Added + "\n" + line + "\n", 9)));

        if (message is not null)
        {
            Assert.Equal(message, error.Message);
        }
    }

    [Theory]
    [InlineData("""{"type":"ADDED","object":{"metadata":""")]
    [InlineData("""{"type":"ADDED","object":{"metadata":{"name":"x"}}""")]
    [InlineData("<html>oops</html>")]
    [InlineData("""{"type":"ADDED","object":{"metadata":{"name":5}}}""")]
    public async Task Truncated_or_invalid_json_throws_JsonException_instead_of_hanging(string tail)
    {
        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAllAsync(new TrickleStream(Added + "\n" + tail, 6)));
    }

    [Fact]
    public async Task Memory_does_not_grow_with_the_length_of_the_stream()
    {
        const int Count = 20_000;
        var stream = new GeneratedEventStream(Count);
        using CancellationTokenSource timeout = TestSupport.Timeout(60);
        using var reader = new WatchStreamReader<TestObject>(stream, TestJsonContext.Default.TestObject);
        int initialBuffer = reader.BufferSize;

        int seen = 0;
        await foreach (WatchEvent<TestObject> e in reader.ReadAllAsync(timeout.Token))
        {
            Assert.Equal((seen + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Object.Metadata?.ResourceVersion);
            seen++;
        }

        Assert.Equal(Count, seen);
        Assert.True(stream.BytesProduced > 10 * initialBuffer, $"{stream.BytesProduced} bytes");
        Assert.Equal(initialBuffer, reader.BufferSize);
    }

    [Fact]
    public async Task A_large_event_grows_the_buffer_once()
    {
        string big = new('v', 300_000);
        string line = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"big\"},\"value\":\"" + big + "\"}}";

        var events = await ReadAllAsync(new TrickleStream(line + "\n" + Deleted + "\n", 8192));

        Assert.Equal(2, events.Count);
        Assert.Equal(big, events[0].Value);
        Assert.Equal(WatchEventType.Deleted, events[1].Type);
    }

    [Fact]
    public async Task An_event_longer_than_the_limit_throws_instead_of_buffering_forever()
    {
        string line = "{\"type\":\"ADDED\",\"object\":{\"value\":\"" + new string('v', 5000) + "\"}}";

        JsonException error = await Assert.ThrowsAnyAsync<JsonException>(() => ReadAllAsync(new TrickleStream(line + "\n", 1000), maxEventBytes: 4096));

        Assert.Equal("A watch event is longer than 4096 bytes without a line end; the stream is not a Kubernetes watch stream or the event is too large.", error.Message);
    }

    [Fact]
    public async Task Cancellation_stops_a_read_that_waits_for_data()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        using var reader = new WatchStreamReader<TestObject>(new NeverEndingStream(), TestJsonContext.Default.TestObject);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(cancel.Token));

        Assert.True(cancel.IsCancellationRequested);
    }

    /// <summary>Returns the text at most <c>readSize</c> bytes per read.</summary>
    private sealed class TrickleStream(string text, int readSize) : MemoryStream(Encoding.UTF8.GetBytes(text))
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, readSize)]);
    }

    /// <summary>Produces <c>count</c> events on the fly, in odd-sized reads, without holding the stream in memory.</summary>
    private sealed class GeneratedEventStream(int count) : Stream
    {
        private byte[] _current = [];
        private int _offset;
        private int _next = 1;

        public long BytesProduced { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_offset == _current.Length)
            {
                if (_next > count)
                {
                    return 0;
                }

                _current = Encoding.UTF8.GetBytes(
                    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"resourceVersion\":\"" + _next.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    + "\"},\"value\":\"" + new string('z', _next % 300) + "\"}}\n");
                _offset = 0;
                _next++;
            }

            int n = Math.Min(Math.Min(buffer.Length, _current.Length - _offset), 1 + (_next * 37 % 500));
            _current.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            BytesProduced += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class NeverEndingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
