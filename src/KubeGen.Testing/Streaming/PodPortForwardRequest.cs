using System.Net;
using System.Net.Sockets;

namespace KubeGen.Testing;

/// <summary>
/// Plays what listens on a pod's port for <c>pods/portforward</c> in the emulator: one call per forwarded connection, with
/// the connection as a duplex stream. Returning closes the pod's side; throwing sends the exception's message on the
/// port's error channel, as the kubelet reports a port nothing listens on.
/// </summary>
public delegate Task PodPortForwardHandler(PodPortForwardRequest request, CancellationToken cancellationToken);

/// <summary>One forwarded connection, as the emulator's handler sees it.</summary>
public sealed class PodPortForwardRequest
{
    internal PodPortForwardRequest()
    {
    }

    /// <summary>The pod's namespace.</summary>
    public string Namespace { get; internal init; } = "";

    /// <summary>The pod's name.</summary>
    public string Pod { get; internal init; } = "";

    /// <summary>The pod's port the client asked for.</summary>
    public int Port { get; internal init; }

    /// <summary>The connection: read what the client sends (ends when it closes its side), write what the pod answers.</summary>
    public Stream Connection { get; internal init; } = Stream.Null;
}

/// <summary>Ready-made port-forward handlers.</summary>
public static class PodPortForwardHandlers
{
    /// <summary>Forwards every connection to a real TCP endpoint (a test's HTTP server on loopback, say), as if it listened in the pod.</summary>
    public static PodPortForwardHandler ToEndPoint(IPEndPoint target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return async (request, cancellationToken) =>
        {
            using var client = new TcpClient(target.AddressFamily);
            try
            {
                await client.ConnectAsync(target, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new IOException($"failed to connect to localhost:{request.Port} inside namespace \"{request.Namespace}\": {e.Message}", e);
            }

            NetworkStream stream = client.GetStream();
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task up = CopyAsync(request.Connection, stream, shutdownAfter: client.Client, done.Token);
            Task down = request.Connection.CanWrite ? CopyAsync(stream, request.Connection, shutdownAfter: null, done.Token) : Task.CompletedTask;
            await down;
            await done.CancelAsync();
            try
            {
                await up;
            }
            catch (OperationCanceledException)
            {
            }
        };
    }

    private static async Task CopyAsync(Stream from, Stream to, Socket? shutdownAfter, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        // The client closed its side: pass the half-close on, so the server sees the end of the request.
        shutdownAfter?.Shutdown(SocketShutdown.Send);
    }
}
