using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KubeGen.Runtime;

/// <summary>
/// A tiny HTTP/1.1 endpoint for kubelet probes and Prometheus, for operators without ASP.NET Core: <c>/healthz</c> (liveness),
/// <c>/readyz</c> (readiness) and, when given metrics, <c>/metrics</c>. Each connection gets one answer and is closed; a
/// request head larger than 8 KiB or slower than 5 s is dropped. Opt-in: nothing listens unless started.
/// </summary>
public sealed class HealthServer : IAsyncDisposable
{
    private const int MaxRequestBytes = 8 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly Func<bool> _live;
    private readonly Func<bool> _ready;
    private readonly PrometheusMetrics? _metrics;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private HealthServer(Socket socket, Func<bool> live, Func<bool> ready, PrometheusMetrics? metrics)
    {
        _socket = socket;
        _live = live;
        _ready = ready;
        _metrics = metrics;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port it listens on (the one asked for, or the one the system picked for 0).</summary>
    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>Starts listening.</summary>
    /// <param name="endPoint">Where (<c>new IPEndPoint(IPAddress.Any, 8081)</c> in a pod).</param>
    /// <param name="live">Liveness: false makes the kubelet restart the container (<see cref="ControllerManager.IsRunning"/>).</param>
    /// <param name="ready">Readiness (<see cref="ControllerManager.IsReady"/>).</param>
    /// <param name="metrics">Served at <c>/metrics</c> when given.</param>
    public static HealthServer Start(IPEndPoint endPoint, Func<bool> live, Func<bool> ready, PrometheusMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(ready);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(16);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new HealthServer(socket, live, ready, metrics);
    }

    /// <summary>Stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(Socket client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            timeout.CancelAfter(RequestTimeout);
            try
            {
                string? path = await ReadPathAsync(client, timeout.Token).ConfigureAwait(false);
                (int status, string contentType, string body) = path switch
                {
                    null => (400, "text/plain", "bad request\n"),
                    "/healthz" or "/livez" => Probe(_live()),
                    "/readyz" => Probe(_ready()),
                    "/metrics" when _metrics is not null => (200, "text/plain; version=0.0.4; charset=utf-8", _metrics.Render()),
                    _ => (404, "text/plain", "not found\n"),
                };
                byte[] content = Encoding.UTF8.GetBytes(body);
                string head = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n";
                await client.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                await client.SendAsync(content, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // A slow or vanished prober: nothing to answer.
            }
        }
    }

    /// <summary>The path of a GET, read up to the end of the request head; null for anything else.</summary>
    private static async Task<string?> ReadPathAsync(Socket client, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MaxRequestBytes];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await client.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
            if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        string head = Encoding.ASCII.GetString(buffer, 0, read);
        int lineEnd = head.IndexOf("\r\n", StringComparison.Ordinal);
        string[] parts = (lineEnd < 0 ? head : head[..lineEnd]).Split(' ');
        if (parts.Length != 3 || parts[0] != "GET" || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return null;
        }

        int query = parts[1].IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? parts[1] : parts[1][..query];
    }

    private static (int, string, string) Probe(bool ok) => ok ? (200, "text/plain", "ok\n") : (503, "text/plain", "not ready\n");

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Service Unavailable",
    };
}
