using System.Net;
using System.Net.Sockets;

namespace KubeGen.Runtime;

/// <summary>
/// A local TCP listener that forwards each connection it accepts to a port of a pod (<c>kubectl port-forward</c>): every
/// connection gets its own <c>pods/portforward</c> WebSocket, so several run at once, each closing with its pod side.
/// Dispose it to stop listening and close every forwarded connection.
/// </summary>
public sealed class PortForwarder : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<Stream>> _open;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly HashSet<Task> _connections = [];
    private readonly object _gate = new();
    private int _disposed;

    private PortForwarder(Func<CancellationToken, Task<Stream>> open, TcpListener listener)
    {
        _open = open;
        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    /// <summary>Where the listener accepts connections (the port the system chose when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>How many connections are being forwarded right now.</summary>
    public int ActiveConnections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>The last error of a forwarded connection (the pod refused the port, the API server refused the request), if any.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Raised when a forwarded connection fails; the listener goes on accepting.</summary>
    public event Action<Exception>? ConnectionFailed;

    /// <summary>Starts listening on <paramref name="localEndPoint"/> and forwards each connection through a stream <paramref name="open"/> returns.</summary>
    internal static PortForwarder Start(Func<CancellationToken, Task<Stream>> open, IPEndPoint localEndPoint)
    {
        var listener = new TcpListener(localEndPoint);
        listener.Start();
        return new PortForwarder(open, listener);
    }

    /// <summary>Stops listening and closes every forwarded connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        Task[] open;
        lock (_gate)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open).ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && _stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                Report(ex);
                continue;
            }

            lock (_gate)
            {
                Task forwarding = ForwardAsync(client);
                _connections.Add(forwarding);
                _ = forwarding.ContinueWith(
                    (done, self) => ((PortForwarder)self!).Forget(done), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private void Forget(Task done)
    {
        lock (_gate)
        {
            _connections.Remove(done);
        }
    }

    /// <summary>Copies both ways until the pod's side ends (or the local side goes away), then closes both.</summary>
    private async Task ForwardAsync(Socket client)
    {
        await Task.Yield();
        var local = new NetworkStream(client, ownsSocket: true);
        await using (local.ConfigureAwait(false))
        {
            Stream remote;
            try
            {
                remote = await _open(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                Report(ex);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await using (remote.ConfigureAwait(false))
            {
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                Task toPod = CopyAsync(local, remote, done.Token);
                Task fromPod = CopyAsync(remote, local, done.Token);

                // The protocol cannot pass on a half-close: when the local side stops sending, keep taking the pod's answer
                // until the pod closes (or the local side goes away entirely, which fails the copy to it).
                Task first = await Task.WhenAny(toPod, fromPod).ConfigureAwait(false);
                if (first == toPod && toPod.IsCompletedSuccessfully)
                {
                    await Task.WhenAny(fromPod).ConfigureAwait(false);
                }

                await done.CancelAsync().ConfigureAwait(false);
                foreach (Task copy in new[] { toPod, fromPod })
                {
                    try
                    {
                        await copy.ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException && _stop.IsCancellationRequested)
                    {
                    }
                    catch (OperationCanceledException)
                    {
                        // Cancelled because the other direction ended.
                    }
                    catch (IOException ex)
                    {
                        Report(ex);
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                }
            }
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    private void Report(Exception error)
    {
        LastError = error;
        ConnectionFailed?.Invoke(error);
    }
}
