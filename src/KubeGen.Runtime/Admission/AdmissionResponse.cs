using System.Text.Json.Serialization;

namespace KubeGen.Runtime.Admission;

/// <summary>The <c>response</c> of an AdmissionReview: the webhook's decision.</summary>
public sealed class AdmissionResponse
{
    /// <summary>The patch type kube-apiserver accepts: RFC 6902 JSON Patch.</summary>
    public const string JsonPatchType = "JSONPatch";

    /// <summary>The request's <see cref="AdmissionRequest.Uid"/>.</summary>
    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    /// <summary>Whether the request is admitted.</summary>
    [JsonPropertyName("allowed")]
    public bool Allowed { get; set; }

    /// <summary>Why not (or, rarely, why): code, reason and message shown to the client.</summary>
    [JsonPropertyName("status")]
    public AdmissionStatus? Status { get; set; }

    /// <summary>A mutating webhook's RFC 6902 JSON Patch (base64 on the wire), applied to the object.</summary>
    [JsonPropertyName("patch")]
    public byte[]? Patch { get; set; }

    /// <summary><see cref="JsonPatchType"/> when <see cref="Patch"/> is set.</summary>
    [JsonPropertyName("patchType")]
    public string? PatchType { get; set; }

    /// <summary>Annotations added to the audit event.</summary>
    [JsonPropertyName("auditAnnotations")]
    public IDictionary<string, string>? AuditAnnotations { get; set; }

    /// <summary>Warnings returned to the client (as <c>Warning</c> headers); keep each under 120 characters.</summary>
    [JsonPropertyName("warnings")]
    public IList<string>? Warnings { get; set; }
}

/// <summary>The <c>metav1.Status</c> of an admission response.</summary>
public sealed class AdmissionStatus
{
    /// <summary><c>Success</c> or <c>Failure</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; set; }

    /// <summary>What the client is shown.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>A machine-readable reason (<c>Forbidden</c>, <c>Invalid</c>, …).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>The HTTP status code the API server answers the client with (403 when 0).</summary>
    [JsonPropertyName("code")]
    public int Code { get; set; }
}
