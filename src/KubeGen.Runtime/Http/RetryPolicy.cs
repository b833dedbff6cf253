using System.Net;
using System.Net.Sockets;

namespace KubeGen.Runtime;

/// <summary>
/// When an attempt is repeated, after client-go's <c>rest.Request</c>: a 429, or a 5xx with a
/// <c>Retry-After</c> header, is retried after the wait the server asked for; a connection that failed
/// before any response is retried only for requests that are safe to repeat. Everything else surfaces.
/// </summary>
internal static class RetryPolicy
{
    /// <summary>The longest single wait a <c>Retry-After</c> header can ask for.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    /// <summary>The wait after a 429 that has no (valid) <c>Retry-After</c> header.</summary>
    public static readonly TimeSpan DefaultTooManyRequestsWait = TimeSpan.FromSeconds(1);

    /// <summary>How many times a connection failure is retried (within <see cref="KubeConnectionOptions.MaxRetries"/>).</summary>
    public const int MaxConnectionFailureRetries = 3;

    private static readonly TimeSpan FirstConnectionFailureBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>The wait before retrying <paramref name="response"/>, or null when it must not be retried.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        int code = (int)response.StatusCode;
        if (code != (int)HttpStatusCode.TooManyRequests && code < 500)
        {
            return null;
        }

        TimeSpan? wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };

        if (wait is null)
        {
            // Only a 5xx that says when to come back is retried; a 429 always is.
            return code == (int)HttpStatusCode.TooManyRequests ? DefaultTooManyRequestsWait : null;
        }

        return wait.Value < TimeSpan.Zero ? TimeSpan.Zero : wait.Value > MaxRetryAfter ? MaxRetryAfter : wait.Value;
    }

    /// <summary>
    /// Whether a request may be sent again after its connection failed: the server may have acted on it
    /// already, so only methods that are safe to repeat are (client-go retries only GET).
    /// </summary>
    public static bool IsSafeToRepeat(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Head;

    /// <summary>Whether the exception is a connection failure with no response (refused, reset, closed early, HTTP/2 stream reset).</summary>
    public static bool IsConnectionFailure(HttpRequestException exception)
        => exception.StatusCode is null
            && exception.HttpRequestError switch
            {
                HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError => true,
                HttpRequestError.Unknown => exception.InnerException is IOException or SocketException,
                _ => false,
            };

    /// <summary>The wait before connection failure retry <paramref name="retry"/> (1-based): 0.25 s, 0.5 s, 1 s.</summary>
    public static TimeSpan ConnectionFailureBackoff(int retry)
        => FirstConnectionFailureBackoff * Math.Pow(2, Math.Clamp(retry - 1, 0, 8));
}
