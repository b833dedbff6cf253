namespace KubeGen.Webhooks;

/// <summary>
/// One webhook: its name, what it is called for, and how the API server treats it. It becomes one
/// entry of the generated <c>ValidatingWebhookConfiguration</c> or <c>MutatingWebhookConfiguration</c>
/// and one POST endpoint of the server.
/// </summary>
public sealed class WebhookRegistration
{
    internal WebhookRegistration(string name, WebhookKind kind, WebhookResource resource)
    {
        Name = name;
        Kind = kind;
        Resource = resource;
        Path = "/" + (kind == WebhookKind.Mutating ? "mutate" : "validate") + "/" + name;
    }

    /// <summary>The webhook's name, a fully qualified DNS-style name (<c>require-labels.example.com</c>); denials name it.</summary>
    public string Name { get; }

    /// <summary>Validating or mutating.</summary>
    public WebhookKind Kind { get; }

    /// <summary>The resource the handler is written for.</summary>
    public WebhookResource Resource { get; }

    /// <summary>The URL path the server answers on (<c>/validate/&lt;name&gt;</c> or <c>/mutate/&lt;name&gt;</c>).</summary>
    public string Path { get; set; }

    /// <summary>The operations (default create and update).</summary>
    public AdmissionOperations Operations { get; set; } = AdmissionOperations.CreateOrUpdate;

    /// <summary>Subresources the rule adds besides the resource itself (<c>status</c>, <c>scale</c>); the handler sees their requests too.</summary>
    public IList<string> Subresources { get; } = [];

    /// <summary>What happens when the webhook cannot answer (default <see cref="FailurePolicy.Fail"/>).</summary>
    public FailurePolicy FailurePolicy { get; set; } = FailurePolicy.Fail;

    /// <summary>Default <see cref="MatchPolicy.Equivalent"/>.</summary>
    public MatchPolicy MatchPolicy { get; set; } = MatchPolicy.Equivalent;

    /// <summary>Default <see cref="SideEffects.None"/>.</summary>
    public SideEffects SideEffects { get; set; } = SideEffects.None;

    /// <summary>Mutating webhooks only; default <see cref="ReinvocationPolicy.Never"/>.</summary>
    public ReinvocationPolicy ReinvocationPolicy { get; set; } = ReinvocationPolicy.Never;

    /// <summary>How long the API server waits, 1 to 30 seconds (default 10, as kube-apiserver's).</summary>
    public int TimeoutSeconds
    {
        get;
        set => field = value is >= 1 and <= 30 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "timeoutSeconds must be between 1 and 30.");
    } = 10;

    /// <summary>
    /// How long the handler may take before the server answers for it: by default 80 % of
    /// <see cref="TimeoutSeconds"/> (or of the API server's <c>?timeout=</c>, when shorter), so the
    /// answer, a denial naming this webhook under <see cref="FailurePolicy.Fail"/>, arrives before the API server gives up.
    /// </summary>
    public TimeSpan? HandlerTimeout { get; set; }

    /// <summary>Which namespaces' objects are sent (empty: all).</summary>
    public WebhookLabelSelector NamespaceSelector { get; } = new();

    /// <summary>Which objects are sent, by their labels (empty: all).</summary>
    public WebhookLabelSelector ObjectSelector { get; } = new();

    /// <summary>The time the handler gets for a request whose API server waits <paramref name="apiServerTimeout"/> (null: <see cref="TimeoutSeconds"/>).</summary>
    internal TimeSpan Deadline(TimeSpan? apiServerTimeout)
    {
        if (HandlerTimeout is TimeSpan explicitTimeout)
        {
            return explicitTimeout;
        }

        TimeSpan budget = TimeSpan.FromSeconds(TimeoutSeconds);
        if (apiServerTimeout is TimeSpan given && given > TimeSpan.Zero && given < budget)
        {
            budget = given;
        }

        return budget * 0.8;
    }
}
