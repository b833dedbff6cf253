using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// A connection to one Kubernetes API server: one HTTP handler (HTTP/2 when offered, connection
/// pooling, custom CA trust) and the bearer token. Generated clients send all their requests through it.
/// Thread-safe; create one per process and dispose it at the end.
/// </summary>
public sealed class KubeConnection : IDisposable, IAsyncDisposable
{
    private const string JsonAccept = "application/json";
    private const string TextAccept = "application/json, */*";

    private readonly HttpClient _client;
    private readonly CertificateAuthorityTrust? _trust;
    private readonly BearerTokenSource _tokens;
    private readonly string _baseUrl;
    private readonly string _userAgent;
    private readonly TimeSpan _requestTimeout;
    private int _disposed;

    /// <summary>Creates a connection from explicit options.</summary>
    /// <exception cref="ArgumentException">The server is not an absolute http or https URL, or the timeout is not positive.</exception>
    /// <exception cref="InvalidOperationException">The certificate authority file cannot be loaded.</exception>
    public KubeConnection(KubeConnectionOptions options)
        : this(options, timeProvider: null)
    {
    }

    internal KubeConnection(KubeConnectionOptions options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        Uri server = options.Server ?? throw new ArgumentException("KubeConnectionOptions.Server is required.", nameof(options));
        if (!server.IsAbsoluteUri || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"KubeConnectionOptions.Server must be an absolute https:// or http:// URL, but it is '{server}'.", nameof(options));
        }

        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("KubeConnectionOptions.RequestTimeout must be positive or Timeout.InfiniteTimeSpan.", nameof(options));
        }

        Server = server;
        Namespace = string.IsNullOrWhiteSpace(options.Namespace) ? "default" : options.Namespace.Trim();
        _baseUrl = server.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _userAgent = string.IsNullOrWhiteSpace(options.UserAgent) ? KubeHttpHandlerFactory.DefaultUserAgent() : options.UserAgent;
        _requestTimeout = options.RequestTimeout;
        _tokens = new BearerTokenSource(options.Token, options.TokenFile, timeProvider);
        _trust = CertificateAuthorityTrust.FromOptions(options);
        _client = new HttpClient(KubeHttpHandlerFactory.Create(_trust), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // applied per request, so that watches can run forever
        };
    }

    /// <summary>The API server.</summary>
    public Uri Server { get; }

    /// <summary>The default namespace: the configured one, in a pod its own namespace, else <c>default</c>.</summary>
    public string Namespace { get; }

    /// <summary>
    /// Connects from inside a pod: the API server from <c>KUBERNETES_SERVICE_HOST</c> and
    /// <c>KUBERNETES_SERVICE_PORT</c>, and the service account's <c>token</c> (re-read as it rotates),
    /// <c>ca.crt</c> (the only trusted root) and <c>namespace</c> from the service-account directory.
    /// </summary>
    /// <exception cref="InvalidOperationException">Something is missing; the message names each missing piece.</exception>
    public static KubeConnection InCluster(InClusterOptions? options = null)
        => new(InClusterConfig.CreateOptions(options, Environment.GetEnvironmentVariable));

    /// <summary>
    /// Sends a request and reads the JSON response as <typeparamref name="T"/>. The connection
    /// disposes <paramref name="content"/>.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="pathAndQuery">The path and query, starting with '/', for example from <see cref="KubeUrlBuilder"/>.</param>
    /// <param name="content">The request body, or null.</param>
    /// <param name="responseType">Metadata to read the response with.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="KubeApiException">The server answered with a non-2xx status.</exception>
    /// <exception cref="KubeResponseException">The 2xx response is not valid JSON for <typeparamref name="T"/>.</exception>
    /// <exception cref="TimeoutException">The request took longer than <see cref="KubeConnectionOptions.RequestTimeout"/>.</exception>
    public async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, HttpContent? content, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(method);
            ValidatePath(pathAndQuery);
            ArgumentNullException.ThrowIfNull(responseType);

            using CancellationTokenSource? timeout = StartTimeout(cancellationToken);
            CancellationToken token = timeout?.Token ?? cancellationToken;
            try
            {
                using HttpResponseMessage response = await SendCoreAsync(method, pathAndQuery, content, JsonAccept, token).ConfigureAwait(false);
                return await ReadJsonAsync(response, method, pathAndQuery, responseType, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (IsTimeout(timeout, cancellationToken))
            {
                throw CreateTimeoutException(method, pathAndQuery, ex);
            }
            catch (OperationCanceledException ex) when (IsCallerCancellation(ex, cancellationToken))
            {
                throw new TaskCanceledException(ex.Message, ex, cancellationToken);
            }
        }
        finally
        {
            content?.Dispose();
        }
    }

    /// <summary>Sends a request without a body and returns the response body as text (for example <c>pods/log</c>).</summary>
    /// <exception cref="KubeApiException">The server answered with a non-2xx status.</exception>
    /// <exception cref="TimeoutException">The request took longer than <see cref="KubeConnectionOptions.RequestTimeout"/>.</exception>
    public async Task<string> SendForStringAsync(HttpMethod method, string pathAndQuery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ValidatePath(pathAndQuery);

        using CancellationTokenSource? timeout = StartTimeout(cancellationToken);
        CancellationToken token = timeout?.Token ?? cancellationToken;
        try
        {
            using HttpResponseMessage response = await SendCoreAsync(method, pathAndQuery, content: null, TextAccept, token).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (IsTimeout(timeout, cancellationToken))
        {
            throw CreateTimeoutException(method, pathAndQuery, ex);
        }
        catch (OperationCanceledException ex) when (IsCallerCancellation(ex, cancellationToken))
        {
            throw new TaskCanceledException(ex.Message, ex, cancellationToken);
        }
    }

    /// <summary>
    /// Starts a watch (<paramref name="pathAndQuery"/> includes <c>watch=true</c>) and yields its events
    /// until the server ends the stream or <paramref name="cancellationToken"/> is cancelled.
    /// <see cref="KubeConnectionOptions.RequestTimeout"/> does not apply.
    /// </summary>
    /// <exception cref="KubeApiException">The server refused the watch, or sent an <c>ERROR</c> event (410 Gone: relist).</exception>
    /// <exception cref="JsonException">The stream holds a malformed event or an unknown event type.</exception>
    public IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string pathAndQuery, JsonTypeInfo<T> objectType, CancellationToken cancellationToken)
    {
        ValidatePath(pathAndQuery);
        ArgumentNullException.ThrowIfNull(objectType);
        return WatchCoreAsync(pathAndQuery, objectType, cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _client.Dispose();
            _trust?.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    private async IAsyncEnumerable<WatchEvent<T>> WatchCoreAsync<T>(
        string pathAndQuery, JsonTypeInfo<T> objectType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendCoreAsync(HttpMethod.Get, pathAndQuery, content: null, JsonAccept, cancellationToken).ConfigureAwait(false);
        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new WatchStreamReader<T>(stream, objectType);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } watchEvent)
            {
                yield return watchEvent;
            }
        }
    }

    /// <summary>
    /// The one send path: authentication, the 401 retry with a re-read token, and turning non-2xx
    /// responses into <see cref="KubeApiException"/>. Returns a 2xx response with its body unread.
    /// </summary>
    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string pathAndQuery, HttpContent? content, string accept, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var uri = new Uri(_baseUrl + pathAndQuery, UriKind.Absolute);
        string? token = _tokens.GetToken();

        if (content is not null && _tokens.CanRefresh && content is not (ReadOnlyMemoryContent or ByteArrayContent))
        {
            // The body may have to be sent twice (401 retry); buffer streams so they can be.
            await content.LoadIntoBufferAsync().ConfigureAwait(false);
        }

        HttpResponseMessage response = await SendOnceAsync(method, uri, content, accept, token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && _tokens.CanRefresh)
        {
            // The token file may have been rotated since it was last read: retry once with the new token.
            string? fresh = _tokens.RefreshAfterUnauthorized(token);
            if (fresh is not null)
            {
                response.Dispose();
                response = await SendOnceAsync(method, uri, content, accept, fresh, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ResponseErrors.CreateApiExceptionAsync(response, method.Method, pathAndQuery, _tokens.Redact, cancellationToken).ConfigureAwait(false);
            }
        }

        return response;
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri uri, HttpContent? content, string accept, string? token, CancellationToken cancellationToken)
    {
        // Not disposed: disposing a request only disposes its content, which the caller owns (and may resend).
        var request = new HttpRequestMessage(method, uri)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        return _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, HttpMethod method, string pathAndQuery, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        // A few bytes more than the snippet, so that the snippet can end at a character boundary.
        var capture = new PrefixCapturingStream(body, ResponseErrors.MaxSnippetBytes + 4);
        await using (capture.ConfigureAwait(false))
        {
            T? value;
            try
            {
                value = await JsonSerializer.DeserializeAsync(capture, responseType, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw ResponseErrors.CreateResponseException(
                    response.StatusCode, method.Method, pathAndQuery, responseType.Type.Name, capture.Captured, _tokens.Redact, ex);
            }

            if (value is null)
            {
                throw ResponseErrors.CreateResponseException(
                    response.StatusCode, method.Method, pathAndQuery, responseType.Type.Name, capture.Captured, _tokens.Redact,
                    new JsonException("The response body is JSON null."));
            }

            return value;
        }
    }

    private CancellationTokenSource? StartTimeout(CancellationToken cancellationToken)
    {
        if (_requestTimeout == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        return timeout;
    }

    private static bool IsTimeout(CancellationTokenSource? timeout, CancellationToken cancellationToken)
        => timeout is not null && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested;

    // Reports the caller's own token (not the internal linked one) so that callers can recognise their cancellation.
    private static bool IsCallerCancellation(OperationCanceledException exception, CancellationToken cancellationToken)
        => cancellationToken.IsCancellationRequested && exception.CancellationToken != cancellationToken;

    private TimeoutException CreateTimeoutException(HttpMethod method, string pathAndQuery, Exception inner)
        => new(
            string.Create(CultureInfo.InvariantCulture, $"{method.Method} {pathAndQuery} did not complete within {_requestTimeout.TotalSeconds:0.###} s (KubeConnectionOptions.RequestTimeout)."),
            inner);

    private static void ValidatePath(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        if (pathAndQuery.Length == 0 || pathAndQuery[0] != '/' || pathAndQuery.StartsWith("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The request path must start with a single '/', but it is '{pathAndQuery}'.", nameof(pathAndQuery));
        }
    }
}
