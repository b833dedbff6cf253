using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;

namespace KubeGen.Runtime;

/// <summary>
/// A connection to one Kubernetes API server: the HTTP pipeline (HTTP/2 when offered, connection
/// pooling, custom CA trust that follows CA file rotation), the bearer token (re-read as it rotates),
/// retries the client-go way and optional client-side rate limiting. Generated clients send all their
/// requests through it. Thread-safe; create one per process and dispose it at the end.
/// </summary>
/// <remarks>
/// Every request goes through one send path: take a rate-limit token (when <see cref="KubeConnectionOptions.RateLimit"/>
/// is set), add the <c>Accept</c> and <c>User-Agent</c> headers, send through the handlers
/// (<see cref="KubeConnectionOptions.Handlers"/>, then the primary handler, which adds the <c>Authorization</c> header
/// once the server's certificate has been checked), and then: after a 401
/// with a token file, re-read the token and retry once; after a 429, or a 5xx with <c>Retry-After</c>,
/// wait and retry (up to <see cref="KubeConnectionOptions.MaxRetries"/>); after a connection failure
/// with no response, retry GET and HEAD only; otherwise a non-2xx status raises <see cref="KubeApiException"/>.
/// </remarks>
public sealed partial class KubeConnection : IDisposable, IAsyncDisposable
{
    private const string JsonAccept = "application/json";
    private const string TextAccept = "application/json, */*";

    // A small error body is read to the end before a retry so that an HTTP/1.1 connection can be reused.
    private const int MaxDrainBytes = 16 * 1024;

    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly KubePrimaryHandler? _primary;
    private readonly KubePrimaryHandler.TrustIdentity? _requiredTrust;
    private readonly BearerTokenSource _tokens;
    private readonly TokenBucketRateLimiter? _rateLimiter;
    private readonly TimeProvider _time;
    private readonly string _baseUrl;
    private readonly string _userAgent;
    private readonly TimeSpan _requestTimeout;
    private readonly int _maxRetries;
    private readonly long _maxResponseBytes;
    private readonly SpareBodyBuffer _bodyBuffer;
    private int _disposed;

    /// <summary>Bodies up to this size with a known length are read into one buffer (<see cref="ReadJsonAsync"/>); larger ones stream.</summary>
    private const long MaxOneBufferBytes = 1L << 30;

    /// <summary>Bodies up to this size read into a buffer from the shared pool; larger ones into the connection's spare buffer.</summary>
    private const long MaxPooledBytes = 1L << 20;

    /// <summary>Creates a connection from explicit options, with its own HTTP pipeline.</summary>
    /// <exception cref="ArgumentException">The server is not an absolute http or https URL, the timeout is not positive, <see cref="KubeConnectionOptions.MaxRetries"/> is negative, or a handler factory returned an unusable handler.</exception>
    /// <exception cref="InvalidOperationException">The certificate authority file cannot be loaded.</exception>
    public KubeConnection(KubeConnectionOptions options)
        : this(options, httpClient: null, timeProvider: null)
    {
    }

    /// <summary>
    /// Creates a connection that sends through <paramref name="httpClient"/>, for example one from
    /// <c>IHttpClientFactory</c> whose primary handler is <see cref="CreatePrimaryHandler(KubeConnectionOptions)"/>
    /// with the same options, and whose other handlers (logging, metrics) are yours. Authentication, the
    /// 401 token refresh, retries and rate limiting still happen here; the CA trust, and adding the token to the
    /// request once the server's certificate has passed it, happen in that primary handler. So with a token, or with
    /// a CA configured and an <c>https</c> server, a request that did not go through it (for example through a handler
    /// that accepts any certificate) carries no token and fails with <see cref="InvalidOperationException"/>.
    /// <see cref="KubeConnectionOptions.RequestTimeout"/>
    /// applies; the client's own <see cref="HttpClient.Timeout"/> does too (until response headers), so leave it
    /// at least as long. The caller keeps ownership of <paramref name="httpClient"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid, or set <see cref="KubeConnectionOptions.Handlers"/> (add handlers to the client's pipeline instead).</exception>
    public KubeConnection(KubeConnectionOptions options, HttpClient httpClient)
        : this(options, httpClient ?? throw new ArgumentNullException(nameof(httpClient)), timeProvider: null)
    {
    }

    internal KubeConnection(KubeConnectionOptions options, TimeProvider? timeProvider)
        : this(options, httpClient: null, timeProvider)
    {
    }

    private KubeConnection(KubeConnectionOptions options, HttpClient? httpClient, TimeProvider? timeProvider)
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

        if (options.MaxRetries < 0)
        {
            throw new ArgumentException($"KubeConnectionOptions.MaxRetries must be 0 or more, but it is {options.MaxRetries.ToString(CultureInfo.InvariantCulture)}.", nameof(options));
        }

        if (options.MaxResponseBytes <= 0)
        {
            throw new ArgumentException($"KubeConnectionOptions.MaxResponseBytes must be positive, but it is {options.MaxResponseBytes.ToString(CultureInfo.InvariantCulture)}.", nameof(options));
        }

        if (options.InsecureSkipTlsVerify && (options.CertificateAuthorityFile is not null || options.CertificateAuthorities is { Count: > 0 }))
        {
            throw new ArgumentException("KubeConnectionOptions.InsecureSkipTlsVerify cannot be combined with a certificate authority: trust the CA, or skip verification, not both.", nameof(options));
        }

        if (httpClient is not null && options.Handlers is { Count: > 0 })
        {
            throw new ArgumentException(
                "KubeConnectionOptions.Handlers is not used with a caller's HttpClient: add those handlers to the client's own pipeline (with IHttpClientFactory: AddHttpMessageHandler).",
                nameof(options));
        }

        Server = server;
        Namespace = string.IsNullOrWhiteSpace(options.Namespace) ? "default" : options.Namespace.Trim();
        _baseUrl = server.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _userAgent = string.IsNullOrWhiteSpace(options.UserAgent) ? KubeHttpHandlerFactory.DefaultUserAgent() : options.UserAgent;
        _requestTimeout = options.RequestTimeout;
        _maxRetries = options.MaxRetries;
        _maxResponseBytes = options.MaxResponseBytes;
        _time = timeProvider ?? TimeProvider.System;
        _bodyBuffer = new SpareBodyBuffer(_time);
        _tokens = new BearerTokenSource(options.Token, options.TokenFile, timeProvider, plugin: options.ExecPlugin);
        if (options.InsecureSkipTlsVerify && server.Scheme == Uri.UriSchemeHttps)
        {
            options.OnWarning?.Invoke(
                $"The connection to {server.GetLeftPart(UriPartial.Authority)}{(options.Origin is null ? string.Empty : " (" + options.Origin + ")")} does not verify the server's "
                + "certificate (insecure-skip-tls-verify): anyone on the network path can impersonate the API server and read the credentials.");
        }

        if (httpClient is null)
        {
            _primary = new KubePrimaryHandler(options, timeProvider);
            _client = new HttpClient(WithUserHandlers(_primary, options.Handlers), disposeHandler: true)
            {
                Timeout = Timeout.InfiniteTimeSpan, // applied per request, so that watches can run forever
            };
            _ownsClient = true;
        }
        else
        {
            _client = httpClient;
            var trust = KubePrimaryHandler.TrustIdentity.Of(options);
            _requiredTrust = server.Scheme == Uri.UriSchemeHttps && trust.IsCustom ? trust : null;
        }

        _rateLimiter = options.RateLimit?.CreateLimiter();
    }

    /// <summary>The primary handler this connection created, or null when it sends through a caller's client (for tests).</summary>
    internal KubePrimaryHandler? PrimaryHandler => _primary;

    /// <summary>The token source (for tests).</summary>
    internal BearerTokenSource Tokens => _tokens;

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
    /// Connects from wherever this process runs, in controller-runtime's order: the kubeconfig files of <c>KUBECONFIG</c> when
    /// it is set (merged: the first file to set a value wins); else in-cluster, exactly as <see cref="InCluster(InClusterOptions?)"/>,
    /// when the service-account environment and files are there; else <c>~/.kube/config</c>. A kubeconfig's current context (or
    /// <see cref="KubeConnectOptions.Context"/>) picks the cluster, the user (token, token file, client certificate or exec
    /// plugin) and the namespace (<see cref="Namespace"/>; <c>default</c> when the context has none).
    /// </summary>
    /// <exception cref="KubeconfigException">A kubeconfig was found but cannot be used; the message names the file and the field.</exception>
    /// <exception cref="InvalidOperationException">No source was found; the message names each place looked at.</exception>
    public static KubeConnection Connect(KubeConnectOptions? options = null)
        => new(KubeConnectionOptions.Discover(options));

    /// <summary>
    /// Creates the handler that actually talks to the API server for <paramref name="options"/>: a
    /// <see cref="SocketsHttpHandler"/> (HTTP/2 when offered, keep-alive pings, bounded connection
    /// lifetime, gzip/deflate) that trusts exactly the configured certificate authorities and follows
    /// CA file rotation. Use it as the primary handler of an <see cref="HttpClient"/> that you pass to
    /// <see cref="KubeConnection(KubeConnectionOptions, HttpClient)"/>, for example with
    /// <c>IHttpClientFactory</c>: <c>AddHttpClient("kube").ConfigurePrimaryHttpMessageHandler(() =&gt; KubeConnection.CreatePrimaryHandler(options))</c>.
    /// Whoever disposes the handler releases its certificates.
    /// </summary>
    /// <exception cref="InvalidOperationException">The certificate authority file cannot be loaded.</exception>
    public static HttpMessageHandler CreatePrimaryHandler(KubeConnectionOptions options)
        => new KubePrimaryHandler(options);

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
    /// <exception cref="KubeResponseTooLargeException">The response body is larger than <see cref="KubeConnectionOptions.MaxResponseBytes"/>.</exception>
    /// <exception cref="TimeoutException">The request took longer than <see cref="KubeConnectionOptions.RequestTimeout"/>.</exception>
    /// <exception cref="HttpRequestException">No response arrived (after the retries for GET and HEAD): the connection was refused or dropped, or the server's TLS certificate is not trusted (the message says why).</exception>
    public Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, HttpContent? content, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
        => SendAsync(method, pathAndQuery, content, responseType, JsonAccept, cancellationToken);

    /// <summary>
    /// <see cref="SendAsync{T}(HttpMethod, string, HttpContent?, JsonTypeInfo{T}, CancellationToken)"/> with another Accept header
    /// (the metadata-only client asks for <c>as=PartialObjectMetadataList</c>, with plain JSON as the fallback).
    /// </summary>
    internal async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, HttpContent? content, JsonTypeInfo<T> responseType, string accept, CancellationToken cancellationToken)
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
                using HttpResponseMessage response = await SendCoreAsync(method, pathAndQuery, content, accept, token).ConfigureAwait(false);
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
    /// <exception cref="KubeResponseTooLargeException">The response body is larger than <see cref="KubeConnectionOptions.MaxResponseBytes"/>.</exception>
    /// <exception cref="TimeoutException">The request took longer than <see cref="KubeConnectionOptions.RequestTimeout"/>.</exception>
    /// <exception cref="HttpRequestException">No response arrived (after the retries for GET and HEAD): the connection was refused or dropped, or the server's TLS certificate is not trusted (the message says why).</exception>
    public async Task<string> SendForStringAsync(HttpMethod method, string pathAndQuery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ValidatePath(pathAndQuery);

        using CancellationTokenSource? timeout = StartTimeout(cancellationToken);
        CancellationToken token = timeout?.Token ?? cancellationToken;
        try
        {
            using HttpResponseMessage response = await SendCoreAsync(method, pathAndQuery, content: null, TextAccept, token).ConfigureAwait(false);
            Stream body = await OpenBodyAsync(response, method, pathAndQuery, token).ConfigureAwait(false);
            using var reader = new StreamReader(body, EncodingOf(response.Content), detectEncodingFromByteOrderMarks: true);
            return await reader.ReadToEndAsync(token).ConfigureAwait(false);
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
    /// <see cref="KubeConnectionOptions.RequestTimeout"/> does not apply. Only the initial request is
    /// retried (429, 5xx with <c>Retry-After</c>, connection failures); never the stream once it has started.
    /// </summary>
    /// <exception cref="KubeApiException">The server refused the watch, or sent an <c>ERROR</c> event (410 Gone: relist).</exception>
    /// <exception cref="JsonException">The stream holds a malformed event or an unknown event type.</exception>
    /// <exception cref="HttpRequestException">The initial request got no response (after its retries), or the stream broke; a broken stream is never re-sent.</exception>
    public IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string pathAndQuery, JsonTypeInfo<T> objectType, CancellationToken cancellationToken)
    {
        ValidatePath(pathAndQuery);
        ArgumentNullException.ThrowIfNull(objectType);
        return WatchCoreAsync(pathAndQuery, objectType, JsonAccept, cancellationToken);
    }

    /// <summary><see cref="WatchAsync{T}(string, JsonTypeInfo{T}, CancellationToken)"/> with another Accept header (metadata-only watches).</summary>
    internal IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string pathAndQuery, JsonTypeInfo<T> objectType, string accept, CancellationToken cancellationToken)
    {
        ValidatePath(pathAndQuery);
        ArgumentNullException.ThrowIfNull(objectType);
        return WatchCoreAsync(pathAndQuery, objectType, accept, cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _rateLimiter?.Dispose();
            _bodyBuffer.Dispose();
            if (_ownsClient)
            {
                _client.Dispose(); // and with it the handlers: the user's, then the primary one with its certificates
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    private async IAsyncEnumerable<WatchEvent<T>> WatchCoreAsync<T>(
        string pathAndQuery, JsonTypeInfo<T> objectType, string accept, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendCoreAsync(HttpMethod.Get, pathAndQuery, content: null, accept, cancellationToken).ConfigureAwait(false);
        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new WatchStreamReader<T>(stream, objectType, redact: _tokens.Redact);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } watchEvent)
            {
                yield return watchEvent;
            }
        }
    }

    /// <summary>
    /// The one send path: rate limiting, authentication, the 401 retry with a re-read token, retries
    /// after 429/5xx with <c>Retry-After</c> and after connection failures of safe requests, and turning
    /// non-2xx responses into <see cref="KubeApiException"/>. Returns a 2xx response with its body unread.
    /// For a watch this is only the initial request: nothing is retried once its stream has started.
    /// </summary>
    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string pathAndQuery, HttpContent? content, string accept, CancellationToken cancellationToken, bool retryTooManyRequests = true)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var uri = new Uri(_baseUrl + pathAndQuery, UriKind.Absolute);

        if (content is not null && (_maxRetries > 0 || _tokens.CanRefresh) && content is not (ReadOnlyMemoryContent or ByteArrayContent))
        {
            // The body may have to be sent again (401, Retry-After); buffer it once so that it can be.
            await content.LoadIntoBufferAsync().ConfigureAwait(false);
        }

        if (_rateLimiter is not null)
        {
            // One token per API call, not per attempt.
            await AcquireRateLimitAsync(_rateLimiter, cancellationToken).ConfigureAwait(false);
        }

        string? token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        bool unauthorizedRetried = false;
        int retries = 0;
        int connectionFailureRetries = 0;
        while (true)
        {
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(method, uri, content, accept, token, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (
                retries < _maxRetries
                && connectionFailureRetries < RetryPolicy.MaxConnectionFailureRetries
                && RetryPolicy.IsSafeToRepeat(method)
                && RetryPolicy.IsConnectionFailure(ex)
                && !cancellationToken.IsCancellationRequested)
            {
                // Refused, reset or closed before any response (an API server restarting): safe to repeat for GET and HEAD only.
                retries++;
                connectionFailureRetries++;
                await Task.Delay(RetryPolicy.ConnectionFailureBackoff(connectionFailureRetries), _time, cancellationToken).ConfigureAwait(false);
                token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && _tokens.CanRefresh && !unauthorizedRetried)
            {
                // The token file may have been rotated since it was last read, or the exec plugin's credential revoked: retry once with the new token.
                string? fresh = await _tokens.RefreshAfterUnauthorizedAsync(token, cancellationToken).ConfigureAwait(false);
                if (fresh is not null)
                {
                    unauthorizedRetried = true;
                    response.Dispose();
                    token = fresh;
                    continue;
                }
            }

            if (!response.IsSuccessStatusCode
                && retries < _maxRetries
                && (retryTooManyRequests || response.StatusCode != HttpStatusCode.TooManyRequests)
                && RetryPolicy.RetryAfter(response, _time.GetUtcNow()) is { } wait)
            {
                // The server asked to come back later (API priority and fairness, a restarting server).
                retries++;
                await DiscardAsync(response, cancellationToken).ConfigureAwait(false);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
                continue;
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
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri uri, HttpContent? content, string accept, string? token, CancellationToken cancellationToken)
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
            // Not a header yet: the primary handler adds it once the server's certificate has been checked.
            request.Options.Set(BearerCredential.Key, new BearerCredential(token));
        }

        HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!_ownsClient && (_requiredTrust is not null || token is not null) && !SentThroughPrimaryHandler(request))
        {
            response.Dispose();
            throw new InvalidOperationException(
                "The HttpClient given to KubeConnection does not send through KubeConnection.CreatePrimaryHandler(options) created with the same "
                + "certificate authorities, so neither the CA trust of KubeConnectionOptions nor the bearer token was applied (the token is only "
                + "added there, once the server's certificate has been checked). Make that handler the client's primary handler "
                + "(with IHttpClientFactory: ConfigurePrimaryHttpMessageHandler(() => KubeConnection.CreatePrimaryHandler(options))).");
        }

        return response;
    }

    /// <summary>Whether the attempt went through a primary handler with this connection's CA trust (any, without a custom CA).</summary>
    private bool SentThroughPrimaryHandler(HttpRequestMessage request)
        => request.Options.TryGetValue(KubePrimaryHandler.SentBy, out KubePrimaryHandler.TrustIdentity? sentBy)
            && (_requiredTrust is null || _requiredTrust.Equals(sentBy));

    private static async Task AcquireRateLimitAsync(RateLimiter limiter, CancellationToken cancellationToken)
    {
        RateLimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException ex)
        {
            throw new ObjectDisposedException(nameof(KubeConnection), ex);
        }

        using (lease)
        {
            // The queue is unbounded, so the only refusal is a limiter disposed with the connection.
            if (!lease.IsAcquired)
            {
                throw new ObjectDisposedException(nameof(KubeConnection));
            }
        }
    }

    private static async Task DiscardAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            if (response.Content.Headers.ContentLength is not (> 0 and <= MaxDrainBytes))
            {
                return;
            }

            try
            {
                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    byte[] buffer = new byte[4096];
                    while (await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
                    {
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // The connection is not reused then; the retry opens another.
            }
        }
    }

    /// <summary>The charset of a text response, as <see cref="HttpContent.ReadAsStringAsync()"/> picks it: the Content-Type's, else UTF-8.</summary>
    private static Encoding EncodingOf(HttpContent content)
    {
        if (content.Headers.ContentType?.CharSet?.Trim('"') is { Length: > 0 } charset)
        {
            try
            {
                return Encoding.GetEncoding(charset);
            }
            catch (ArgumentException)
            {
                // An unknown charset: read as UTF-8.
            }
        }

        return Encoding.UTF8;
    }

    /// <summary>The response body, limited to <see cref="KubeConnectionOptions.MaxResponseBytes"/> after decompression.</summary>
    private async Task<Stream> OpenBodyAsync(HttpResponseMessage response, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > _maxResponseBytes)
        {
            throw new KubeResponseTooLargeException(method.Method, pathAndQuery, _maxResponseBytes);
        }

        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new SizeLimitedStream(body, _maxResponseBytes, method.Method, pathAndQuery);
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, HttpMethod method, string pathAndQuery, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        Stream body = await OpenBodyAsync(response, method, pathAndQuery, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is long length and > 0 and <= MaxOneBufferBytes)
        {
            // A body of known length (a list) is read into one buffer and parsed from memory: faster than the streaming reader,
            // which must hold a whole value that its converter cannot resume (for a list, the whole body) in ArrayPool buffers
            // it doubles as it goes, and the pool keeps them all after the call (hundreds of MB after one large unpaged list).
            // Small bodies (most calls) borrow a pooled buffer; a large one reuses the connection's spare buffer, which goes
            // back to the GC when no large body has come for a while (SpareBodyBuffer).
            bool pooled = length <= MaxPooledBytes;
            byte[] buffer = pooled ? ArrayPool<byte>.Shared.Rent((int)length) : _bodyBuffer.Rent((int)length);
            try
            {
                int read;
                await using (body.ConfigureAwait(false))
                {
                    read = await body.ReadAtLeastAsync(buffer.AsMemory(0, (int)length), (int)length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                }

                return Parse(buffer.AsSpan(0, read), response, method, pathAndQuery, responseType);
            }
            finally
            {
                if (pooled)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                else
                {
                    _bodyBuffer.Return(buffer);
                }
            }
        }

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

    private T Parse<T>(ReadOnlySpan<byte> json, HttpResponseMessage response, HttpMethod method, string pathAndQuery, JsonTypeInfo<T> responseType)
    {
        ReadOnlySpan<byte> start = json[..Math.Min(json.Length, ResponseErrors.MaxSnippetBytes + 4)];
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(json, responseType);
        }
        catch (JsonException ex)
        {
            throw ResponseErrors.CreateResponseException(response.StatusCode, method.Method, pathAndQuery, responseType.Type.Name, start, _tokens.Redact, ex);
        }

        return value ?? throw ResponseErrors.CreateResponseException(
            response.StatusCode, method.Method, pathAndQuery, responseType.Type.Name, start, _tokens.Redact, new JsonException("The response body is JSON null."));
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

    /// <summary>Chains the user's handlers (outermost first) in front of <paramref name="primary"/>.</summary>
    private static HttpMessageHandler WithUserHandlers(KubePrimaryHandler primary, IList<Func<DelegatingHandler>>? factories)
    {
        HttpMessageHandler pipeline = primary;
        if (factories is null)
        {
            return pipeline;
        }

        try
        {
            for (int i = factories.Count - 1; i >= 0; i--)
            {
                string name = $"KubeConnectionOptions.Handlers[{i.ToString(CultureInfo.InvariantCulture)}]";
                DelegatingHandler handler = factories[i]?.Invoke()
                    ?? throw new ArgumentException($"{name} is null or returned null.", "options");
                if (handler.InnerHandler is not null)
                {
                    throw new ArgumentException(
                        $"The handler from {name} ({handler.GetType().Name}) already has an InnerHandler; each factory must return a new handler.", "options");
                }

                handler.InnerHandler = pipeline;
                pipeline = handler;
            }

            return pipeline;
        }
        catch
        {
            pipeline.Dispose();
            throw;
        }
    }

    private static void ValidatePath(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        if (pathAndQuery.Length == 0 || pathAndQuery[0] != '/' || pathAndQuery.StartsWith("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The request path must start with a single '/', but it is '{pathAndQuery}'.", nameof(pathAndQuery));
        }
    }
}
