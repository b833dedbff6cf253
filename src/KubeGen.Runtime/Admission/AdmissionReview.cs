using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime.Admission;

/// <summary>
/// <c>admission.k8s.io/v1</c> AdmissionReview: what kube-apiserver POSTs to an admission webhook
/// (with <see cref="Request"/>) and what the webhook answers (with <see cref="Response"/>). The
/// OpenAPI spec does not describe it, so the runtime carries it, with source-generated JSON metadata.
/// </summary>
public sealed class AdmissionReview
{
    /// <summary>The only apiVersion this type reads and writes.</summary>
    public const string V1 = "admission.k8s.io/v1";

    /// <summary>The kind, <c>AdmissionReview</c>.</summary>
    public const string ReviewKind = "AdmissionReview";

    /// <summary><c>admission.k8s.io/v1</c>.</summary>
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; } = V1;

    /// <summary><c>AdmissionReview</c>.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; } = ReviewKind;

    /// <summary>The request (set by the API server).</summary>
    [JsonPropertyName("request")]
    public AdmissionRequest? Request { get; set; }

    /// <summary>The response (set by the webhook).</summary>
    [JsonPropertyName("response")]
    public AdmissionResponse? Response { get; set; }

    /// <summary>Reflection-free JSON metadata, for <c>JsonSerializer</c> in Native AOT apps.</summary>
    public static JsonTypeInfo<AdmissionReview> JsonTypeInfo => AdmissionJsonContext.Default.AdmissionReview;
}
