using System.Net;
using System.Net.WebSockets;

namespace KubeGen.Runtime;

/// <summary>
/// The streaming calls of a connection: a response body read as it arrives (<c>pods/log</c> with <c>follow</c>),
/// a WebSocket (<c>pods/exec</c>, <c>pods/attach</c>, <c>pods/portforward</c>) and an eviction whose 429 is an answer,
/// not an error. They share the connection's pipeline: the same rate limit, handlers, TLS trust, client certificate,
/// proxy and token, which only the primary handler turns into a header.
/// </summary>
public sealed partial class KubeConnection
{
    /// <summary>The WebSocket keep-alive: unsolicited pongs keep idle sessions open through proxies and load balancers.</summary>
    private static readonly TimeSpan WebSocketKeepAlive = TimeSpan.FromSeconds(30);

    /// <summary>The most a call reads of a response (<see cref="KubeConnectionOptions.MaxResponseBytes"/>); exec output is bounded by it too.</summary>
    internal long MaxResponseBytes => _maxResponseBytes;

    /// <summary>
    /// Sends a GET and returns its body as a stream that yields bytes as the server sends them: nothing is buffered
    /// beyond what the caller has not read yet, so a followed log can run for days. <see cref="KubeConnectionOptions.RequestTimeout"/>
    /// covers the request until the response headers arrive; reading the body has no time limit. Disposing the stream ends
    /// the request (the connection, or the HTTP/2 stream, is reset), and so does cancelling a read.
    /// </summary>
    /// <param name="pathAndQuery">The path and query, starting with '/', for example from <see cref="KubeUrlBuilder"/>.</param>
    /// <param name="cancellationToken">Cancels the request until the headers have arrived; pass a token to each read after that.</param>
    /// <exception cref="KubeApiException">The server answered with a non-2xx status.</exception>
    /// <exception cref="TimeoutException">The headers did not arrive within <see cref="KubeConnectionOptions.RequestTimeout"/>.</exception>
    /// <exception cref="HttpRequestException">No response arrived (after the retries for GET).</exception>
    public async Task<Stream> OpenStreamAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        ValidatePath(pathAndQuery);
        using CancellationTokenSource? timeout = StartTimeout(cancellationToken);
        CancellationToken token = timeout?.Token ?? cancellationToken;
        HttpResponseMessage? response = null;
        try
        {
            response = await SendCoreAsync(HttpMethod.Get, pathAndQuery, content: null, TextAccept, token).ConfigureAwait(false);
            Stream body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            return new ResponseBodyStream(response, body);
        }
        catch (OperationCanceledException ex) when (IsTimeout(timeout, cancellationToken))
        {
            response?.Dispose();
            throw CreateTimeoutException(HttpMethod.Get, pathAndQuery, ex);
        }
        catch (OperationCanceledException ex) when (IsCallerCancellation(ex, cancellationToken))
        {
            response?.Dispose();
            throw new TaskCanceledException(ex.Message, ex, cancellationToken);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a WebSocket to the API server (an HTTP/1.1 upgrade of a GET), offering <paramref name="subprotocols"/> in order
    /// of preference, through this connection's pipeline: rate limit, handlers, TLS trust, client certificate, proxy, and the
    /// bearer token (re-read and retried once after a 401, like every other call). A refusal (403 for a missing
    /// <c>pods/exec</c> permission, 404 for a missing pod, 400 for a container the pod does not have) raises
    /// <see cref="KubeApiException"/> with the server's Status, as any call does.
    /// </summary>
    /// <param name="pathAndQuery">The path and query, starting with '/'.</param>
    /// <param name="subprotocols">The subprotocols to offer, most preferred first (for example <c>v5.channel.k8s.io</c>, <c>v4.channel.k8s.io</c>).</param>
    /// <param name="cancellationToken">Cancels the handshake; <see cref="KubeConnectionOptions.RequestTimeout"/> limits it too.</param>
    /// <returns>The open socket; <see cref="WebSocket.SubProtocol"/> is the one the server chose.</returns>
    /// <exception cref="KubeApiException">The server refused the upgrade with an error status.</exception>
    /// <exception cref="WebSocketException">The server did not switch protocols, or chose none of <paramref name="subprotocols"/>.</exception>
    /// <exception cref="TimeoutException">The handshake took longer than <see cref="KubeConnectionOptions.RequestTimeout"/>.</exception>
    public async Task<WebSocket> ConnectWebSocketAsync(string pathAndQuery, IReadOnlyList<string> subprotocols, CancellationToken cancellationToken)
    {
        ValidatePath(pathAndQuery);
        ArgumentNullException.ThrowIfNull(subprotocols);
        if (subprotocols.Count == 0)
        {
            throw new ArgumentException("At least one subprotocol is required.", nameof(subprotocols));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using CancellationTokenSource? timeout = StartTimeout(cancellationToken);
        CancellationToken token = timeout?.Token ?? cancellationToken;
        try
        {
            if (_rateLimiter is not null)
            {
                await AcquireRateLimitAsync(_rateLimiter, token).ConfigureAwait(false);
            }

            Uri uri = WebSocketUri(pathAndQuery);
            string? bearer = await _tokens.GetTokenAsync(token).ConfigureAwait(false);
            bool unauthorizedRetried = false;
            while (true)
            {
                var invoker = new WebSocketUpgradeInvoker(this, pathAndQuery, bearer);
                var socket = new ClientWebSocket();
                socket.Options.HttpVersion = HttpVersion.Version11;
                socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                socket.Options.KeepAliveInterval = WebSocketKeepAlive;
                socket.Options.CollectHttpResponseDetails = true;
                socket.Options.SetRequestHeader("User-Agent", _userAgent);
                foreach (string subprotocol in subprotocols)
                {
                    socket.Options.AddSubProtocol(subprotocol);
                }

                try
                {
                    await socket.ConnectAsync(uri, invoker, token).ConfigureAwait(false);
                }
                catch (WebSocketException) when (invoker.Refusal is { } refusal)
                {
                    socket.Dispose();
                    if (refusal.IsUnauthorized && _tokens.CanRefresh && !unauthorizedRetried
                        && await _tokens.RefreshAfterUnauthorizedAsync(bearer, token).ConfigureAwait(false) is { } fresh)
                    {
                        unauthorizedRetried = true;
                        bearer = fresh;
                        continue;
                    }

                    throw refusal;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                if (socket.SubProtocol is not { } chosen || !subprotocols.Contains(chosen, StringComparer.Ordinal))
                {
                    socket.Abort();
                    socket.Dispose();
                    throw new WebSocketException(
                        WebSocketError.UnsupportedProtocol,
                        $"GET {pathAndQuery}: the API server accepted the WebSocket but none of the subprotocols {string.Join(", ", subprotocols)}.");
                }

                return socket;
            }
        }
        catch (OperationCanceledException ex) when (IsTimeout(timeout, cancellationToken))
        {
            throw CreateTimeoutException(HttpMethod.Get, pathAndQuery, ex);
        }
        catch (OperationCanceledException ex) when (IsCallerCancellation(ex, cancellationToken))
        {
            throw new TaskCanceledException(ex.Message, ex, cancellationToken);
        }
    }

    /// <summary>
    /// Posts an eviction (<c>pods/eviction</c>). A 429 is the API server saying "not now" (a PodDisruptionBudget allows no
    /// disruption, or is still being processed): it comes back as an <see cref="EvictionResult"/> at once, never retried
    /// here, so the caller decides when to ask again (kubectl drain asks every 5 seconds). Other errors raise
    /// <see cref="KubeApiException"/>. The connection disposes <paramref name="body"/>.
    /// </summary>
    /// <exception cref="KubeApiException">The server answered with a non-2xx status other than 429 (404: no such pod).</exception>
    public async Task<EvictionResult> EvictAsync(string pathAndQuery, HttpContent body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            ValidatePath(pathAndQuery);
            using CancellationTokenSource? timeout = StartTimeout(cancellationToken);
            CancellationToken token = timeout?.Token ?? cancellationToken;
            try
            {
                using HttpResponseMessage response = await SendCoreAsync(HttpMethod.Post, pathAndQuery, body, JsonAccept, token, retryTooManyRequests: false).ConfigureAwait(false);
                return EvictionResult.Evicted;
            }
            catch (KubeApiException ex) when (ex.IsTooManyRequests)
            {
                return EvictionResult.Refused(ex.Status);
            }
            catch (OperationCanceledException ex) when (IsTimeout(timeout, cancellationToken))
            {
                throw CreateTimeoutException(HttpMethod.Post, pathAndQuery, ex);
            }
            catch (OperationCanceledException ex) when (IsCallerCancellation(ex, cancellationToken))
            {
                throw new TaskCanceledException(ex.Message, ex, cancellationToken);
            }
        }
        finally
        {
            body.Dispose();
        }
    }

    /// <summary>The API server URL of a path, as <c>wss://</c> (or <c>ws://</c> behind <c>kubectl proxy</c>).</summary>
    private Uri WebSocketUri(string pathAndQuery)
    {
        var http = new Uri(_baseUrl + pathAndQuery, UriKind.Absolute);
        var builder = new UriBuilder(http) { Scheme = http.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" };
        return builder.Uri;
    }

    /// <summary>
    /// What <see cref="ClientWebSocket"/> sends its upgrade request through: this connection's client, with the attempt's
    /// bearer credential in the request's options (the primary handler adds the header once the server's certificate has
    /// passed). A refusal's body is read here, before the socket disposes the response, so that it becomes a
    /// <see cref="KubeApiException"/> with the server's Status instead of a bare "expected 101".
    /// </summary>
    private sealed class WebSocketUpgradeInvoker(KubeConnection connection, string pathAndQuery, string? bearer)
        : HttpMessageInvoker(UnusedHandler.Instance, disposeHandler: false)
    {
        /// <summary>The error the server answered the upgrade with, if it did.</summary>
        public KubeApiException? Refusal { get; private set; }

        public override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (bearer is not null)
            {
                request.Options.Set(BearerCredential.Key, new BearerCredential(bearer));
            }

            HttpResponseMessage response = await connection._client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!connection._ownsClient && (connection._requiredTrust is not null || bearer is not null) && !connection.SentThroughPrimaryHandler(request))
            {
                response.Dispose();
                throw new InvalidOperationException(
                    "The HttpClient given to KubeConnection does not send through KubeConnection.CreatePrimaryHandler(options), so the WebSocket "
                    + "would have been opened without the connection's CA trust and bearer token.");
            }

            if ((int)response.StatusCode >= 400)
            {
                Refusal = await ResponseErrors.CreateApiExceptionAsync(response, "GET", pathAndQuery, connection._tokens.Redact, cancellationToken).ConfigureAwait(false);
            }

            return response;
        }
    }

    /// <summary>The handler <see cref="HttpMessageInvoker"/> requires; <see cref="WebSocketUpgradeInvoker"/> never calls it.</summary>
    private sealed class UnusedHandler : HttpMessageHandler
    {
        public static readonly UnusedHandler Instance = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException("Not used: requests go through the connection's client.");
    }
}
