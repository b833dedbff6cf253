using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>A request failure carrying the <c>metav1.Status</c> kube-apiserver would send.</summary>
internal sealed class StatusException(int code, JsonObject status, int? retryAfterSeconds = null)
    : Exception(status["message"]?.GetValue<string>())
{
    public int Code { get; } = code;

    public JsonObject Status { get; } = status;

    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}

/// <summary>One field error of an Invalid status.</summary>
internal readonly record struct FieldCause(string Type, string Field, string Detail)
{
    /// <summary>The message part as kube-apiserver's field.Error prints it (without the field).</summary>
    public string Message => Type switch
    {
        "FieldValueRequired" => "Required value" + (Detail.Length > 0 ? ": " + Detail : ""),
        "FieldValueForbidden" => "Forbidden" + (Detail.Length > 0 ? ": " + Detail : ""),
        "FieldValueDuplicate" => "Duplicate value" + (Detail.Length > 0 ? ": " + Detail : ""),
        _ => Detail,
    };
}

/// <summary>Builds the Status objects of kube-apiserver's <c>k8s.io/apimachinery/pkg/api/errors</c>.</summary>
internal static class StatusErrors
{
    public const string ModifiedMessage = "the object has been modified; please apply your changes to the latest version and try again";

    public static JsonObject Status(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = details ?? new JsonObject(),
            ["code"] = code,
        };
        if (reason.Length == 0)
        {
            status.Remove("reason");
        }

        return status;
    }

    public static JsonObject Details(string? name, string group, string kind, string? uid = null)
    {
        var details = new JsonObject();
        if (!string.IsNullOrEmpty(name))
        {
            details["name"] = name;
        }

        if (group.Length > 0)
        {
            details["group"] = group;
        }

        if (kind.Length > 0)
        {
            details["kind"] = kind;
        }

        if (!string.IsNullOrEmpty(uid))
        {
            details["uid"] = uid;
        }

        return details;
    }

    private static string Qualified(string group, string plural) => group.Length == 0 ? plural : plural + "." + group;

    public static StatusException NotFound(string group, string plural, string name)
        => new(404, Status(404, "NotFound", $"{Qualified(group, plural)} \"{name}\" not found", Details(name, group, plural)));

    public static StatusException NotFound(ApiResource resource, string name) => NotFound(resource.Group, resource.Plural, name);

    public static StatusException NamespaceNotFound(string ns) => NotFound("", "namespaces", ns);

    public static StatusException AlreadyExists(ApiResource resource, string name)
        => new(409, Status(409, "AlreadyExists", $"{resource.QualifiedResource} \"{name}\" already exists", Details(name, resource.Group, resource.Plural)));

    public static StatusException Conflict(ApiResource resource, string name, string error)
        => new(409, Status(409, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedResource} \"{name}\": {error}", Details(name, resource.Group, resource.Plural)));

    public static StatusException Modified(ApiResource resource, string name) => Conflict(resource, name, ModifiedMessage);

    public static StatusException Forbidden(string group, string plural, string? name, string message)
    {
        string prefix = string.IsNullOrEmpty(name) ? Qualified(group, plural) : $"{Qualified(group, plural)} \"{name}\"";
        return new(403, Status(403, "Forbidden", $"{prefix} is forbidden: {message}", Details(name, group, plural)));
    }

    public static StatusException Unauthorized()
        => new(401, Status(401, "Unauthorized", "Unauthorized"));

    public static StatusException BadRequest(string message)
        => new(400, Status(400, "BadRequest", message));

    /// <summary>handlers.transformDecodeError's wording for a body of a known kind that does not decode.</summary>
    public static StatusException CannotBeHandled(ApiResource resource, string error)
        => BadRequest($"{resource.Kind} in version \"{resource.Version}\" cannot be handled as a {resource.Kind}: {error}");

    public static StatusException Invalid(ApiResource resource, string? name, params FieldCause[] causes)
        => Invalid(resource.Group, resource.Kind, name, causes);

    public static StatusException Invalid(string group, string kind, string? name, params FieldCause[] causes)
    {
        string qualifiedKind = group.Length == 0 ? kind : kind + "." + group;
        string body = causes.Length == 1
            ? $"{causes[0].Field}: {causes[0].Message}"
            : "[" + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}")) + "]";
        JsonObject details = Details(name, group, kind);
        var list = new JsonArray();
        foreach (FieldCause cause in causes)
        {
            list.Add(new JsonObject { ["reason"] = cause.Type, ["message"] = cause.Message, ["field"] = cause.Field });
        }

        details["causes"] = list;
        return new(422, Status(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {body}", details));
    }

    public static StatusException MethodNotSupported(string group, string plural, string action)
        => new(405, Status(405, "MethodNotAllowed", $"{action} is not supported on resources of kind \"{Qualified(group, plural)}\"", Details(null, group, plural)));

    public static StatusException MethodNotAllowed()
        => new(405, Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));

    public static StatusException UnsupportedMediaType(string contentType, IEnumerable<string> accepted)
        => new(415, Status(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}", Details(null, "", contentType.Length == 0 ? "" : contentType)));

    public static StatusException NotAcceptable(IEnumerable<string> accepted)
        => new(406, Status(406, "NotAcceptable", $"only the following media types are accepted: {string.Join(", ", accepted)}"));

    public static StatusException RequestEntityTooLarge(long limit)
        => new(413, Status(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}"));

    public static StatusException Expired(string message)
        => new(410, Status(410, "Expired", message));

    public static StatusException PathNotFound()
        => new(404, Status(404, "NotFound", "the server could not find the requested resource"));

    public static StatusException TooManyRequests(int retryAfterSeconds)
    {
        var details = new JsonObject { ["retryAfterSeconds"] = retryAfterSeconds };
        return new(429, Status(429, "TooManyRequests", "Too many requests, please try again later.", details), retryAfterSeconds);
    }

    public static StatusException InternalError(string message)
        => new(500, Status(500, "InternalError", $"Internal error occurred: {message}", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) }));

    public static StatusException ServiceUnavailable(string message)
        => new(503, Status(503, "ServiceUnavailable", message));

    public static StatusException Timeout(string message, int retryAfterSeconds = 0)
        => new(504, Status(504, "Timeout", message));

    /// <summary>storage.NewTooLargeResourceVersionError: a version newer than the server has seen.</summary>
    public static StatusException TooLargeResourceVersion(long wanted, long current)
    {
        var details = new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" }),
            ["retryAfterSeconds"] = 1,
        };
        return new(504, Status(504, "Timeout", $"Too large resource version: {wanted}, current: {current}", details), 1);
    }
}
