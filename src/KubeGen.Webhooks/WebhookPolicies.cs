namespace KubeGen.Webhooks;

/// <summary>Whether the webhook mutates or only validates.</summary>
public enum WebhookKind
{
    /// <summary>A <c>ValidatingWebhookConfiguration</c> entry: allows or denies, never changes the object.</summary>
    Validating,

    /// <summary>A <c>MutatingWebhookConfiguration</c> entry: may change the object (JSON Patch).</summary>
    Mutating,
}

/// <summary>What the API server does when the webhook cannot be reached, times out or answers garbage.</summary>
public enum FailurePolicy
{
    /// <summary>The request fails (the default, and the safe choice for policy).</summary>
    Fail,

    /// <summary>The request goes on as if the webhook had allowed it.</summary>
    Ignore,
}

/// <summary>Whether requests for other versions of the same resource are sent too, converted.</summary>
public enum MatchPolicy
{
    /// <summary>Also other versions and groups of the resource (<c>extensions/v1beta1</c> deployments …), converted to the registered version (the default).</summary>
    Equivalent,

    /// <summary>Only requests that match a rule exactly.</summary>
    Exact,
}

/// <summary>The webhook's side effects (admissionregistration/v1 accepts only these two).</summary>
public enum SideEffects
{
    /// <summary>No side effects at all.</summary>
    None,

    /// <summary>Side effects only when <c>dryRun</c> is false: the handler checks <see cref="AdmissionContext{T}.DryRun"/>.</summary>
    NoneOnDryRun,
}

/// <summary>Whether a mutating webhook is called again when a later webhook changed the object.</summary>
public enum ReinvocationPolicy
{
    /// <summary>Called once (the default).</summary>
    Never,

    /// <summary>Called again, at most once, if later mutations changed the object.</summary>
    IfNeeded,
}

/// <summary>One <c>matchExpressions</c> entry of a label selector.</summary>
/// <param name="Key">The label key.</param>
/// <param name="Operator"><c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</param>
/// <param name="Values">The values, for <c>In</c> and <c>NotIn</c>.</param>
public sealed record LabelSelectorRequirement(string Key, string Operator, params string[] Values);

/// <summary>A label selector (<c>namespaceSelector</c>, <c>objectSelector</c>).</summary>
public sealed class WebhookLabelSelector
{
    /// <summary>Labels that must be present with these values.</summary>
    public IDictionary<string, string> MatchLabels { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Further requirements.</summary>
    public IList<LabelSelectorRequirement> MatchExpressions { get; } = [];

    /// <summary>Whether the selector selects everything.</summary>
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;
}
