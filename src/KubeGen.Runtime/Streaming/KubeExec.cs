using System.Buffers;
using System.Text;
using KubeGen.Shared.Streaming;

namespace KubeGen.Runtime;

/// <summary>
/// <c>pods/exec</c> and <c>pods/attach</c> over WebSocket, with the <c>v5.channel.k8s.io</c> protocol (falling back to
/// <c>v4.channel.k8s.io</c> on servers before Kubernetes 1.30). The generated <c>ExecAsync</c>, <c>RunAsync</c> and
/// <c>AttachAsync</c> build the request's path and query and call these.
/// </summary>
public static class KubeExec
{
    /// <summary>Opens an interactive session (exec or attach, by the path).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="pathAndQuery">The <c>exec</c> or <c>attach</c> path with its query: <c>command</c>, <c>container</c>, <c>stdin</c>, <c>stdout</c>, <c>stderr</c>, <c>tty</c>.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="KubeApiException">The server refused: no such pod or container (404, 400), the pod is not running, the caller may not (403).</exception>
    public static async Task<ExecSession> StartAsync(KubeConnection connection, string pathAndQuery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var socket = await connection.ConnectWebSocketAsync(pathAndQuery, ChannelProtocol.ExecProtocols, cancellationToken).ConfigureAwait(false);
        return new ExecSession(socket);
    }

    /// <summary>
    /// Runs a command to its end and returns its output and exit code. A non-zero exit code is a result
    /// (<see cref="ExecResult.EnsureSuccess"/> makes it an exception). <paramref name="stdin"/>, when given, is written to the
    /// command's standard input, which is then closed (on v5; a v4 server cannot be told, so a command that reads to the end
    /// of its input would not end there). Output is collected up to <see cref="KubeConnectionOptions.MaxResponseBytes"/>.
    /// Cancelling ends the session.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="pathAndQuery">The <c>exec</c> path with its query (with <c>stdout</c> and <c>stderr</c>, and <c>stdin</c> when <paramref name="stdin"/> is given).</param>
    /// <param name="stdin">What to write to the command's standard input, as UTF-8; null for none.</param>
    /// <param name="cancellationToken">Ends the session.</param>
    /// <exception cref="KubeApiException">The server refused the session.</exception>
    /// <exception cref="KubeExecException">The connection ended before the server sent the exit status.</exception>
    /// <exception cref="KubeResponseTooLargeException">The output is larger than <see cref="KubeConnectionOptions.MaxResponseBytes"/>.</exception>
    public static async Task<ExecResult> RunAsync(KubeConnection connection, string pathAndQuery, string? stdin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ExecSession session = await StartAsync(connection, pathAndQuery, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            long limit = connection.MaxResponseBytes;
            Task<string> stdout = ReadAllAsync(session.Stdout, limit, pathAndQuery, cancellationToken);
            Task<string> stderr = ReadAllAsync(session.Stderr, limit, pathAndQuery, cancellationToken);
            if (stdin is not null)
            {
                await session.Stdin.WriteAsync(Encoding.UTF8.GetBytes(stdin), cancellationToken).ConfigureAwait(false);
                await session.CloseStdinAsync(cancellationToken).ConfigureAwait(false);
            }

            ExecExit exit = await session.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return new ExecResult(exit, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }

    private static async Task<string> ReadAllAsync(Stream output, long limit, string pathAndQuery, CancellationToken cancellationToken)
    {
        var collected = new ArrayBufferWriter<byte>();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (collected.WrittenCount + (long)read > limit)
                {
                    throw new KubeResponseTooLargeException("GET", pathAndQuery, limit);
                }

                collected.Write(buffer.AsSpan(0, read));
            }

            return Encoding.UTF8.GetString(collected.WrittenSpan);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
