namespace KubeGen.Webhooks;

/// <summary>
/// What a handler decides: allow, or deny with an HTTP code, a reason and a message the client is
/// shown (kube-apiserver prefixes it with <c>admission webhook "name" denied the request: </c>).
/// Warnings travel either way and reach the client as <c>Warning</c> headers (kubectl prints them).
/// </summary>
public sealed class AdmissionDecision
{
    private AdmissionDecision(bool allowed, int code, string? reason, string? message, IReadOnlyList<string> warnings)
    {
        Allowed = allowed;
        Code = code;
        Reason = reason;
        Message = message;
        Warnings = warnings;
    }

    /// <summary>Whether the request is admitted.</summary>
    public bool Allowed { get; }

    /// <summary>The HTTP code the client gets for a denial (403 unless said otherwise); 200 when allowed.</summary>
    public int Code { get; }

    /// <summary>The machine-readable reason of a denial (<c>Forbidden</c>, <c>Invalid</c>, …).</summary>
    public string? Reason { get; }

    /// <summary>What the client is shown.</summary>
    public string? Message { get; }

    /// <summary>Warnings for the client.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Admits the request.</summary>
    public static AdmissionDecision Allow(params string[] warnings) => new(true, 200, null, null, warnings);

    /// <summary>Denies the request: 403 Forbidden unless another code and reason are given.</summary>
    public static AdmissionDecision Deny(string message, int code = 403, string reason = "Forbidden")
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        if (code is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A denial's code is an HTTP error code (400-599).");
        }

        return new(false, code, reason, message, []);
    }

    /// <summary>Denies the request as invalid: 422 Invalid, as kube-apiserver's own validation answers.</summary>
    public static AdmissionDecision Invalid(string message) => Deny(message, 422, "Invalid");

    /// <summary>The same decision with more warnings.</summary>
    public AdmissionDecision WithWarnings(params string[] warnings)
        => new(Allowed, Code, Reason, Message, [.. Warnings, .. warnings]);
}
