using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace KubeGen.Runtime;

/// <summary>
/// Reads <c>pods/log</c> as lines while the server writes them (with <c>follow=true</c>, until the container ends or the
/// caller stops). Only the line being read is held in memory, never the log, and a line longer than the limit comes back
/// in pieces rather than growing a buffer without end.
/// </summary>
public static class KubeLogs
{
    /// <summary>The longest line returned whole (1 MiB); a longer one is returned in pieces of at most this many bytes.</summary>
    public const int DefaultMaxLineBytes = 1024 * 1024;

    private const int ReadSize = 16 * 1024;

    /// <summary>
    /// Sends the log request (a GET of <paramref name="pathAndQuery"/>) when the enumeration starts and yields each line
    /// without its line break. Stopping the enumeration, or cancelling <paramref name="cancellationToken"/>, ends the request.
    /// </summary>
    /// <exception cref="KubeApiException">The server refused the request (no such pod or container, a container that has not started).</exception>
    public static async IAsyncEnumerable<string> ReadLinesAsync(KubeConnection connection, string pathAndQuery, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Stream stream = await connection.OpenStreamAsync(pathAndQuery, cancellationToken).ConfigureAwait(false);
        await foreach (string line in ReadLinesAsync(stream, DefaultMaxLineBytes, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>
    /// Splits a UTF-8 log stream into lines as they arrive, without the line break (<c>\n</c> or <c>\r\n</c>); a last line
    /// without a break is returned too. The enumeration owns <paramref name="stream"/>: it is disposed when the enumeration
    /// ends, and at once when <paramref name="cancellationToken"/> is cancelled, so a read that waits for the server stops.
    /// </summary>
    /// <param name="stream">The log, for example from <see cref="KubeConnection.OpenStreamAsync"/>.</param>
    /// <param name="maxLineBytes">The longest line returned whole; a longer one is returned in pieces of at most this many bytes (cut at a character boundary).</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async IAsyncEnumerable<string> ReadLinesAsync(Stream stream, int maxLineBytes = DefaultMaxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 4);
        await using (stream.ConfigureAwait(false))
        {
            // A read blocked on a quiet followed log may not watch the token; disposing the stream ends it.
            using CancellationTokenRegistration stop = cancellationToken.Register(static s => ((Stream)s!).Dispose(), stream);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxLineBytes, ReadSize) + ReadSize);
            try
            {
                int start = 0;
                int end = 0;
                while (true)
                {
                    int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                    if (newline >= 0)
                    {
                        yield return Decode(buffer, start, newline - start, trimCarriageReturn: true);
                        start = newline + 1;
                        continue;
                    }

                    if (end - start > maxLineBytes)
                    {
                        int piece = CharacterBoundary(buffer, start, maxLineBytes);
                        yield return Decode(buffer, start, piece, trimCarriageReturn: false);
                        start += piece;
                        continue;
                    }

                    (buffer, start, end) = MakeRoom(buffer, start, end, maxLineBytes);
                    int read = await ReadAsync(stream, buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        if (end > start)
                        {
                            yield return Decode(buffer, start, end - start, trimCarriageReturn: true);
                        }

                        yield break;
                    }

                    end += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async ValueTask<int> ReadAsync(Stream stream, Memory<byte> into, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(into, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is ObjectDisposedException or IOException or HttpRequestException)
        {
            // The registration disposed the stream under the read: report the cancellation, not the broken read.
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Moves the unread bytes to the front, and grows the buffer when a line needs more room (up to the limit and one read).</summary>
    private static (byte[] Buffer, int Start, int End) MakeRoom(byte[] buffer, int start, int end, int maxLineBytes)
    {
        int pending = end - start;
        byte[] target = buffer;
        if (pending + ReadSize > buffer.Length)
        {
            target = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, Math.Min(maxLineBytes, pending * 2) + ReadSize));
        }

        if (start > 0 || !ReferenceEquals(target, buffer))
        {
            Buffer.BlockCopy(buffer, start, target, 0, pending);
        }

        if (!ReferenceEquals(target, buffer))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (target, 0, pending);
    }

    /// <summary>At most <paramref name="length"/> bytes, shortened so that no UTF-8 sequence is cut.</summary>
    private static int CharacterBoundary(byte[] buffer, int start, int length)
    {
        int cut = length;
        // Step back over continuation bytes (10xxxxxx) to the lead byte, and cut before it.
        for (int back = 0; back < 3 && (buffer[start + cut] & 0xC0) == 0x80; back++)
        {
            cut--;
        }

        return cut > 0 ? cut : length;
    }

    private static string Decode(byte[] buffer, int start, int length, bool trimCarriageReturn)
    {
        if (trimCarriageReturn && length > 0 && buffer[start + length - 1] == (byte)'\r')
        {
            length--;
        }

        return Encoding.UTF8.GetString(buffer, start, length);
    }
}
