using System.Net;
using KubeGen.Shared.Streaming;

namespace KubeGen.Runtime;

/// <summary>
/// <c>pods/portforward</c> over WebSocket (<c>v4.channel.k8s.io</c>): a stream to one port of a pod, or a local listener
/// that forwards each connection it accepts. The generated <c>ConnectPortAsync</c> and <c>PortForwardAsync</c> build the
/// path (with <c>ports=N</c>) and call these.
/// </summary>
public static class KubePortForward
{
    /// <summary>
    /// Opens one connection to a port of a pod as a stream: what is written reaches the pod's port, what the pod sends is
    /// read. Reading returns 0 when the pod's side closes; an error the kubelet reports (nothing listens there) is an
    /// <see cref="IOException"/>. Disposing the stream closes the connection.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="pathAndQuery">The <c>portforward</c> path with <c>ports=</c><paramref name="port"/>.</param>
    /// <param name="port">The pod's port.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="KubeApiException">The server refused (no such pod, the pod is not running, the caller may not).</exception>
    public static async Task<Stream> ConnectAsync(KubeConnection connection, string pathAndQuery, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        var socket = await connection.ConnectWebSocketAsync(pathAndQuery, ChannelProtocol.PortForwardProtocols, cancellationToken).ConfigureAwait(false);
        return new PortForwardStream(socket, port);
    }

    /// <summary>
    /// Listens on <paramref name="localEndPoint"/> (by default 127.0.0.1 on a port the system picks: see
    /// <see cref="PortForwarder.LocalEndPoint"/>) and forwards each accepted connection to the pod's port through a
    /// WebSocket of its own.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The local address is in use or not available.</exception>
    public static Task<PortForwarder> ListenAsync(KubeConnection connection, string pathAndQuery, int port, IPEndPoint? localEndPoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        cancellationToken.ThrowIfCancellationRequested();
        PortForwarder forwarder = PortForwarder.Start(
            ct => ConnectAsync(connection, pathAndQuery, port, ct),
            localEndPoint ?? new IPEndPoint(IPAddress.Loopback, 0));
        return Task.FromResult(forwarder);
    }
}
