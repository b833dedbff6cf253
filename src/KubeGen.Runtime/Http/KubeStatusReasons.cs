using System.Net;

namespace KubeGen.Runtime;

/// <summary>The <c>metav1.StatusReason</c> values and the HTTP mapping client-go uses for bodies that are not a Status.</summary>
internal static class KubeStatusReasons
{
    public const string Unknown = "Unknown";
    public const string Unauthorized = "Unauthorized";
    public const string Forbidden = "Forbidden";
    public const string NotFound = "NotFound";
    public const string AlreadyExists = "AlreadyExists";
    public const string Conflict = "Conflict";
    public const string Gone = "Gone";
    public const string Expired = "Expired";
    public const string Invalid = "Invalid";
    public const string ServerTimeout = "ServerTimeout";
    public const string Timeout = "Timeout";
    public const string TooManyRequests = "TooManyRequests";
    public const string BadRequest = "BadRequest";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string NotAcceptable = "NotAcceptable";
    public const string RequestEntityTooLarge = "RequestEntityTooLarge";
    public const string UnsupportedMediaType = "UnsupportedMediaType";
    public const string InternalError = "InternalError";
    public const string ServiceUnavailable = "ServiceUnavailable";

    /// <summary>The reason for an HTTP status whose body is not a Status (after client-go's <c>NewGenericServerResponse</c>).</summary>
    public static string ForHttpStatus(int code, string method) => code switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        406 => NotAcceptable,
        409 => string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) ? AlreadyExists : Conflict,
        410 => Gone,
        413 => RequestEntityTooLarge,
        415 => UnsupportedMediaType,
        422 => Invalid,
        429 => TooManyRequests,
        503 => ServiceUnavailable,
        504 => Timeout,
        >= 500 => InternalError,
        _ => Unknown,
    };

    /// <summary>The standard HTTP reason phrase (HTTP/2 responses carry none).</summary>
    public static string PhraseFor(HttpStatusCode statusCode, string? responsePhrase)
    {
        if (!string.IsNullOrWhiteSpace(responsePhrase))
        {
            return responsePhrase;
        }

        return (int)statusCode switch
        {
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            406 => "Not Acceptable",
            408 => "Request Timeout",
            409 => "Conflict",
            410 => "Gone",
            413 => "Content Too Large",
            415 => "Unsupported Media Type",
            422 => "Unprocessable Content",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            501 => "Not Implemented",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            _ => "HTTP " + ((int)statusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
