using System.Net;

namespace KubeGen.Runtime;

/// <summary>
/// A successful (2xx) response could not be read as the expected type, for example because its
/// body is not valid JSON. The inner exception is the <see cref="System.Text.Json.JsonException"/>.
/// </summary>
public sealed class KubeResponseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="method">The request method.</param>
    /// <param name="pathAndQuery">The request path and query.</param>
    /// <param name="responseBodySnippet">The first (at most 1 KiB) of the response body.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The parse error.</param>
    public KubeResponseException(HttpStatusCode statusCode, string method, string pathAndQuery, string? responseBodySnippet, string message, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Method = method;
        PathAndQuery = pathAndQuery;
        ResponseBodySnippet = responseBodySnippet;
    }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The request method, for example <c>GET</c>.</summary>
    public string Method { get; }

    /// <summary>The request path and query.</summary>
    public string PathAndQuery { get; }

    /// <summary>The first (at most 1 KiB) of the response body.</summary>
    public string? ResponseBodySnippet { get; }
}
