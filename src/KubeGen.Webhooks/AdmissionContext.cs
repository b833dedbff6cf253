using KubeGen.Runtime.Admission;

namespace KubeGen.Webhooks;

/// <summary>
/// One admission request as a handler sees it: the typed new and old objects, the operation, who
/// asks, whether it is a dry run, and a place for warnings. A mutating handler edits
/// <see cref="Object"/> in place; the server answers with the JSON Patch of the difference.
/// </summary>
/// <typeparam name="T">The object's type: a generated model (<c>Pod</c>) or <c>JsonObject</c> for kinds the app did not select.</typeparam>
public sealed class AdmissionContext<T>
    where T : class
{
    private readonly List<string> _warnings = [];

    internal AdmissionContext(WebhookRegistration webhook, AdmissionRequest request, T? obj, T? oldObject, CancellationToken cancellationToken)
    {
        Webhook = webhook;
        Request = request;
        Object = obj;
        OldObject = oldObject;
        CancellationToken = cancellationToken;
    }

    /// <summary>The webhook being called.</summary>
    public WebhookRegistration Webhook { get; }

    /// <summary>The request as sent, with the raw objects.</summary>
    public AdmissionRequest Request { get; }

    /// <summary>The operation.</summary>
    public AdmissionOperations Operation => AdmissionOperationNames.Parse(Request.Operation);

    /// <summary>The new object: null for DELETE (and for CONNECT).</summary>
    public T? Object { get; }

    /// <summary>The existing object, for UPDATE and DELETE.</summary>
    public T? OldObject { get; }

    /// <summary>
    /// True when nothing will be stored (<c>dryRun=All</c>, <c>kubectl --dry-run=server</c>): a
    /// webhook registered with <see cref="SideEffects.NoneOnDryRun"/> must not act on the world then.
    /// </summary>
    public bool DryRun => Request.DryRun == true;

    /// <summary>The object's name (empty on a create with <c>generateName</c>).</summary>
    public string Name => Request.Name ?? "";

    /// <summary>The namespace (empty for cluster-scoped objects).</summary>
    public string Namespace => Request.Namespace ?? "";

    /// <summary>The subresource written (<c>status</c>, <c>scale</c>), or empty.</summary>
    public string SubResource => Request.SubResource ?? "";

    /// <summary>Who asked.</summary>
    public AdmissionUserInfo User => Request.UserInfo ?? new AdmissionUserInfo();

    /// <summary>Cancelled when the handler's time is up (see <see cref="WebhookRegistration.HandlerTimeout"/>) or the server stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Warnings added so far.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Adds a warning for the client (kubectl prints <c>Warning: …</c>), whatever the decision.</summary>
    public void Warn(string warning)
    {
        ArgumentException.ThrowIfNullOrEmpty(warning);
        _warnings.Add(warning);
    }
}
