using System.Text;
using KubeGen.Runtime;

namespace KubeGen.Runtime.Tests.Streaming;

/// <summary>The log line reader over a stream: line breaks, a last line without one, and lines longer than the bound.</summary>
public sealed class KubeLogsTests
{
    private static async Task<List<string>> LinesAsync(string text, int maxLineBytes = KubeLogs.DefaultMaxLineBytes, int chunk = 3)
    {
        var lines = new List<string>();
        await foreach (string line in KubeLogs.ReadLinesAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), chunk), maxLineBytes, TestContext.Current.CancellationToken))
        {
            lines.Add(line);
        }

        return lines;
    }

    [Fact]
    public async Task Lines_break_at_LF_and_CRLF_and_the_last_line_needs_no_break()
    {
        Assert.Equal(["one", "two", "", "three"], await LinesAsync("one\ntwo\r\n\nthree"));
        Assert.Equal(["one"], await LinesAsync("one\n"));
        Assert.Empty(await LinesAsync(""));
    }

    [Fact]
    public async Task A_line_longer_than_the_bound_comes_in_pieces_cut_between_characters()
    {
        // "é" is two bytes in UTF-8: a cut after 5 bytes would split one, so the piece stops before it.
        List<string> lines = await LinesAsync("abcdé-fghij\nk\n", maxLineBytes: 5, chunk: 2);

        Assert.Equal("abcdé-fghij", string.Concat(lines.Take(lines.Count - 1)));
        Assert.Equal("k", lines[^1]);
        Assert.All(lines, line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 5, $"'{line}' is longer than the bound"));
        Assert.DoesNotContain(lines, line => line.Contains('\uFFFD', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_the_enumeration_disposes_the_stream()
    {
        var stream = new TrickleStream("a\nb\nc\n"u8.ToArray(), 1);
        await foreach (string line in KubeLogs.ReadLinesAsync(stream, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal("a", line);
            break;
        }

        Assert.True(stream.Disposed);
    }

    /// <summary>Hands out at most a few bytes per read, as a network stream does, so lines cross reads.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
