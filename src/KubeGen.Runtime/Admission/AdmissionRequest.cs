using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeGen.Runtime.Admission;

/// <summary>The <c>request</c> of an AdmissionReview: what is being done to which object, by whom.</summary>
public sealed class AdmissionRequest
{
    /// <summary>Identifies this call; the response must carry the same value.</summary>
    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    /// <summary>The kind of <see cref="Object"/> (after conversion to the version the webhook registered for).</summary>
    [JsonPropertyName("kind")]
    public GroupVersionKind? Kind { get; set; }

    /// <summary>The resource being accessed (e.g. <c>apps/v1 deployments</c>).</summary>
    [JsonPropertyName("resource")]
    public GroupVersionResource? Resource { get; set; }

    /// <summary>The subresource (<c>status</c>, <c>scale</c>), if any.</summary>
    [JsonPropertyName("subResource")]
    public string? SubResource { get; set; }

    /// <summary>The kind the client sent, before any conversion (differs from <see cref="Kind"/> under <c>matchPolicy: Equivalent</c>).</summary>
    [JsonPropertyName("requestKind")]
    public GroupVersionKind? RequestKind { get; set; }

    /// <summary>The resource the client addressed, before any conversion.</summary>
    [JsonPropertyName("requestResource")]
    public GroupVersionResource? RequestResource { get; set; }

    /// <summary>The subresource the client addressed.</summary>
    [JsonPropertyName("requestSubResource")]
    public string? RequestSubResource { get; set; }

    /// <summary>The object's name; empty on a create that uses <c>generateName</c>.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The namespace, for namespaced resources.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary><c>CREATE</c>, <c>UPDATE</c>, <c>DELETE</c> or <c>CONNECT</c>.</summary>
    [JsonPropertyName("operation")]
    public string? Operation { get; set; }

    /// <summary>Who asked.</summary>
    [JsonPropertyName("userInfo")]
    public AdmissionUserInfo? UserInfo { get; set; }

    /// <summary>The new object (absent for DELETE), as raw JSON.</summary>
    [JsonPropertyName("object")]
    public JsonElement? Object { get; set; }

    /// <summary>The existing object, for UPDATE and DELETE, as raw JSON.</summary>
    [JsonPropertyName("oldObject")]
    public JsonElement? OldObject { get; set; }

    /// <summary>True when nothing will be stored (<c>dryRun=All</c>): the webhook must not have side effects then.</summary>
    [JsonPropertyName("dryRun")]
    public bool? DryRun { get; set; }

    /// <summary>The operation's options (<c>CreateOptions</c>, <c>UpdateOptions</c>, <c>DeleteOptions</c>), as raw JSON.</summary>
    [JsonPropertyName("options")]
    public JsonElement? Options { get; set; }
}

/// <summary>An API group, version and kind (<c>apps</c>, <c>v1</c>, <c>Deployment</c>); the core group is empty.</summary>
public sealed class GroupVersionKind
{
    /// <summary>The API group; empty for the core group.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    /// <summary>The version.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary>The kind.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <inheritdoc />
    public override string ToString() => string.IsNullOrEmpty(Group) ? $"{Version}, Kind={Kind}" : $"{Group}/{Version}, Kind={Kind}";
}

/// <summary>An API group, version and resource (<c>apps</c>, <c>v1</c>, <c>deployments</c>); the core group is empty.</summary>
public sealed class GroupVersionResource
{
    /// <summary>The API group; empty for the core group.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    /// <summary>The version.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary>The resource (plural, lower case).</summary>
    [JsonPropertyName("resource")]
    public string? Resource { get; set; }
}

/// <summary>The requesting user, as the API server authenticated it.</summary>
public sealed class AdmissionUserInfo
{
    /// <summary>The user name.</summary>
    [JsonPropertyName("username")]
    public string? Username { get; set; }

    /// <summary>A unique value for the user across time.</summary>
    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    /// <summary>The user's groups.</summary>
    [JsonPropertyName("groups")]
    public IList<string>? Groups { get; set; }

    /// <summary>Further information the authenticator provided.</summary>
    [JsonPropertyName("extra")]
    public IDictionary<string, IList<string>>? Extra { get; set; }
}
