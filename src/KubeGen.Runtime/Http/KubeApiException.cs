using System.Net;

namespace KubeGen.Runtime;

/// <summary>
/// The Kubernetes API server (or a proxy in front of it) answered with an error: a non-2xx
/// response, or an <c>ERROR</c> event in a watch stream.
/// </summary>
public sealed class KubeApiException : Exception
{
    /// <summary>Creates the exception for a Status returned by the API server.</summary>
    /// <param name="status">The parsed or synthesized Status.</param>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="responseBodySnippet">The start of a response body that was not a Status.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public KubeApiException(KubeStatus status, HttpStatusCode statusCode, string? responseBodySnippet = null, Exception? innerException = null)
        : base(FormatMessage(status, statusCode), innerException)
    {
        ArgumentNullException.ThrowIfNull(status);
        Status = status;
        StatusCode = statusCode;
        ResponseBodySnippet = responseBodySnippet;
    }

    /// <summary>Creates the exception for a Status, using <see cref="KubeStatus.Code"/> as the HTTP status.</summary>
    public KubeApiException(KubeStatus status)
        : this(status ?? throw new ArgumentNullException(nameof(status)), (HttpStatusCode)status.Code)
    {
    }

    /// <summary>
    /// The Status returned by the server, or one synthesized from the HTTP response when its body
    /// was not a Status (then <see cref="ResponseBodySnippet"/> holds the start of the body).
    /// </summary>
    public KubeStatus Status { get; }

    /// <summary>The HTTP status code (for a watch <c>ERROR</c> event, the code of its Status).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The first (at most 1 KiB) of a response body that was not a Status; otherwise null.</summary>
    public string? ResponseBodySnippet { get; }

    /// <summary>
    /// The RBAC permission the failed request needed (verb, API group, resource, namespace), derived
    /// from its method and path; null when the request was not a resource request or is unknown
    /// (e.g. an exception created from a Status alone). For a 403 the message names it.
    /// </summary>
    public RbacPermission? RequiredPermission { get; init; }

    /// <inheritdoc/>
    /// <remarks>For a 403 with a known <see cref="RequiredPermission"/>, the message ends with the permission to grant.</remarks>
    public override string Message => IsForbidden && RequiredPermission is { } permission
        ? $"{base.Message}. Missing RBAC permission: {permission}{(permission.Namespace is null ? "" : "; add it to the rules of the caller's Role")}."
        : base.Message;

    /// <summary>The object does not exist (404 / <c>NotFound</c>).</summary>
    public bool IsNotFound => HasReasonOrCode(KubeStatusReasons.NotFound, 404);

    /// <summary>The write conflicted with a newer version of the object (409, not <c>AlreadyExists</c>).</summary>
    public bool IsConflict => string.Equals(Status.Reason, KubeStatusReasons.Conflict, StringComparison.Ordinal)
        || (Code == 409 && !string.Equals(Status.Reason, KubeStatusReasons.AlreadyExists, StringComparison.Ordinal));

    /// <summary>A create failed because the object already exists (409 with reason <c>AlreadyExists</c>).</summary>
    public bool IsAlreadyExists => Code == 409 && string.Equals(Status.Reason, KubeStatusReasons.AlreadyExists, StringComparison.Ordinal);

    /// <summary>The caller is not allowed to do this (403 / <c>Forbidden</c>).</summary>
    public bool IsForbidden => HasReasonOrCode(KubeStatusReasons.Forbidden, 403);

    /// <summary>The credentials were missing or rejected (401 / <c>Unauthorized</c>).</summary>
    public bool IsUnauthorized => HasReasonOrCode(KubeStatusReasons.Unauthorized, 401);

    /// <summary>The requested resource version is gone (410, reason <c>Gone</c> or <c>Expired</c>); a watch must relist.</summary>
    public bool IsGone => HasReasonOrCode(KubeStatusReasons.Gone, 410)
        || string.Equals(Status.Reason, KubeStatusReasons.Expired, StringComparison.Ordinal);

    /// <summary>The object failed validation (422 / <c>Invalid</c>); see <see cref="KubeStatusDetails.Causes"/>.</summary>
    public bool IsInvalid => HasReasonOrCode(KubeStatusReasons.Invalid, 422);

    /// <summary>The server asks the client to slow down (429 / <c>TooManyRequests</c>).</summary>
    public bool IsTooManyRequests => HasReasonOrCode(KubeStatusReasons.TooManyRequests, 429);

    private int Code => Status.Code != 0 ? Status.Code : (int)StatusCode;

    private bool HasReasonOrCode(string reason, int code)
        => Code == code || string.Equals(Status.Reason, reason, StringComparison.Ordinal);

    private static string FormatMessage(KubeStatus? status, HttpStatusCode statusCode)
    {
        if (status is null)
        {
            return "The Kubernetes API returned an error.";
        }

        int code = status.Code != 0 ? status.Code : (int)statusCode;
        string reason = string.IsNullOrEmpty(status.Reason) ? KubeStatusReasons.ForHttpStatus(code, string.Empty) : status.Reason;
        string message = string.IsNullOrWhiteSpace(status.Message) ? "The Kubernetes API returned an error" : status.Message;
        return $"{message} ({code.ToString(System.Globalization.CultureInfo.InvariantCulture)} {reason})";
    }
}
