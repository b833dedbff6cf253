namespace KubeGen.Webhooks;

/// <summary>
/// The resource a webhook handles: its API group, version, plural (what a rule names) and kind
/// (what a request's object is). The generated models carry the apiVersion and kind as constants:
/// <c>WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods")</c>.
/// </summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Version">The version.</param>
/// <param name="Plural">The resource name a rule matches (<c>pods</c>, <c>deployments</c>).</param>
/// <param name="Kind">The object's kind (<c>Pod</c>).</param>
/// <param name="Namespaced">Whether objects live in namespaces (the rule's <c>scope</c>).</param>
public sealed record WebhookResource(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    /// <summary>From an apiVersion (<c>v1</c>, <c>apps/v1</c>), a kind and the plural.</summary>
    public static WebhookResource For(string apiVersion, string kind, string plural, bool namespaced = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiVersion);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(plural);
        int slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? new WebhookResource("", apiVersion, plural, kind, namespaced)
            : new WebhookResource(apiVersion[..slash], apiVersion[(slash + 1)..], plural, kind, namespaced);
    }

    /// <summary>The apiVersion (<c>v1</c>, <c>apps/v1</c>).</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <inheritdoc />
    public override string ToString() => Group.Length == 0 ? $"{Version}, Kind={Kind}" : $"{Group}/{Version}, Kind={Kind}";
}
