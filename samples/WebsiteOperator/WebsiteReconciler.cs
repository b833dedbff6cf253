using KubeGen.Runtime;
using KubeGen.Samples;
using WebsiteOperator.Kube;
using WebsiteOperator.Kube.CoreV1;
using WebsiteOperator.Kube.DemoV1;
using WebsiteOperator.Kube.MetaV1;

namespace WebsiteOperator;

/// <summary>
/// Reconciles one Website (the key), level-based, from the caches' current state. The loop an operator author copies:
/// <list type="number">
/// <item>a finalizer on the Website (<see cref="Finalizers.ReconcileAsync{T}"/>), so that a deletion waits for the cleanup
/// that no garbage collector does: the site's entry in the shared <see cref="Registry"/>;</item>
/// <item>the owned child, <c>&lt;name&gt;-content</c>, server-side applied when missing or stale (garbage-collected with the
/// Website through its controller owner reference);</item>
/// <item>the <c>Ready</c> condition with the generation it describes, written through the status subresource only when
/// something changed;</item>
/// <item>an Event on the Website for each thing done.</item>
/// </list>
/// </summary>
internal sealed class WebsiteReconciler(
    KubeClient kube,
    string ns,
    ResourceCache<Website, WebsiteList> websites,
    ResourceCache<ConfigMap, ConfigMapList> contents,
    Registry registry,
    EventRecorder events,
    TimeProvider time) : IReconciler
{
    /// <summary>The operator's finalizer on the Websites it publishes.</summary>
    public const string Finalizer = "demo.kubegen.dev/registry-cleanup";

    /// <summary>The condition this operator owns in status.conditions.</summary>
    public const string ReadyCondition = "Ready";

    /// <summary>Children applied and statuses written that the caches may not show yet.</summary>
    private readonly RecentWrites _written = new();

    /// <summary>The Websites client as the controller helpers see it (finalizer patches).</summary>
    private IKubeObjectClient<Website> Websites => kube.DemoV1.Websites;

    /// <summary>The children cache saw a child deleted: apply it again when its Website still wants it.</summary>
    public void Forget(ConfigMap content) => _written.Forget(ns + "/" + content.Metadata?.Name);

    public Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        // Null when gone from the cache (deleted after the finalizer came off; the garbage collector removes the child):
        // then there is nothing left to do. A deleted Website that still has the finalizer gets the cleanup.
        Website? website = websites.Get(ns, request.Name);
        if (website is not null && !Content.Child.NameFits(request.Name))
        {
            OperatorLog.Action($"skipped {request}: the name is too long for a '-content' ConfigMap");
            return Task.FromResult(ReconcileResult.Done);
        }

        return Finalizers.ReconcileAsync(Websites, website, Finalizer, PublishAsync, UnpublishAsync, cancellationToken);
    }

    /// <summary>Makes the world match the Website: its content, its registry entry, its status.</summary>
    private async Task<ReconcileResult> PublishAsync(Website website, CancellationToken cancellationToken)
    {
        ObjectMeta meta = website.Metadata!;
        string key = ns + "/" + meta.Name;
        ConfigMap desired = Content.Desired(website);
        string contentName = desired.Metadata!.Name!;
        string contentKey = ns + "/" + contentName;
        ConfigMap? observed = contents.Get(ns, contentName);
        bool stale = observed is null ? !_written.Has(contentKey, meta.Uid, meta.Generation) : !Content.IsUpToDate(observed, desired);
        if (stale)
        {
            // Server-side apply: no read-modify-write and so no conflict to retry; it creates the child when missing, sets
            // exactly the fields in `desired` and removes those this manager set before and no longer sets. force (the
            // default): the child is this operator's, so a field someone else took over (kubectl edit) is taken back.
            try
            {
                await kube.CoreV1.ConfigMaps.ApplyAsync(ns, desired, new ApplyOptions(Content.FieldManager), cancellationToken);
            }
            catch (KubeApiException ex)
            {
                OperatorLog.ApiError("apply", contentKey, ex);
                events.Record(website, KubeEventType.Warning, "PublishFailed", "Apply", $"{contentName}: {ex.Status.Reason}");
                throw; // retried with backoff (a 403 or 422 is reported once and not retried)
            }

            _written.Record(contentKey, meta.Uid, meta.Generation);
            OperatorLog.Action((observed is null ? "published " : "updated ") + contentKey);
            events.Record(website, KubeEventType.Normal, observed is null ? "Published" : "Updated", "Apply", $"{contentName}: generation {meta.Generation}");
        }

        if (await registry.RegisterAsync(meta.Name!, contentName, cancellationToken))
        {
            OperatorLog.Action($"registered {key}");
        }

        await WriteStatusAsync(website, contentName, cancellationToken);
        return ReconcileResult.Done;
    }

    /// <summary>The cleanup outside the Website's ownership; the finalizer comes off once it has returned.</summary>
    private async Task<ReconcileResult> UnpublishAsync(Website website, CancellationToken cancellationToken)
    {
        string name = website.Metadata!.Name!;
        await registry.UnregisterAsync(name, cancellationToken);
        _written.Forget(ns + "/" + Content.Child.NameFor(name));
        _written.Forget(StatusKey(name));
        OperatorLog.Action($"unregistered {ns}/{name}");
        events.Record(website, KubeEventType.Normal, "Unregistered", "Cleanup", $"removed {name} from {Registry.Name}");
        return ReconcileResult.Done;
    }

    /// <summary>
    /// Ready=True for this generation, through the status subresource. The apply configuration is a new Website that
    /// carries only the status fields this manager owns; Conditions.Set keeps lastTransitionTime when the status stays.
    /// </summary>
    private async Task WriteStatusAsync(Website website, string contentName, CancellationToken cancellationToken)
    {
        ObjectMeta meta = website.Metadata!;
        long? generation = meta.Generation;
        WebsiteStatus? current = website.Status;
        List<WebsiteStatusConditionsItem> conditions = [];
        if (Conditions.Find(current?.Conditions, ReadyCondition) is { } ready)
        {
            // A copy: the cached object is shared and must never change.
            conditions.Add(new WebsiteStatusConditionsItem
            {
                Type = ready.Type,
                Status = ready.Status,
                Reason = ready.Reason,
                Message = ready.Message,
                ObservedGeneration = ready.ObservedGeneration,
                LastTransitionTime = ready.LastTransitionTime,
            });
        }

        string message = $"{contentName} serves generation {generation} on {website.Spec?.Replicas ?? 1} replica(s)";
        bool changed = Conditions.Set(conditions, ReadyCondition, Conditions.True, "Published", message, generation, time.GetUtcNow());
        bool shown = !changed && current is not null && current.ObservedGeneration == generation && current.ConfigMapName == contentName;
        if (shown || _written.Has(StatusKey(meta.Name), meta.Uid, generation))
        {
            return; // up to date, or written and not yet in the cache
        }

        bool becameReady = !Conditions.IsTrue(current?.Conditions, ReadyCondition);
        await kube.DemoV1.Websites.ApplyStatusAsync(
            ns,
            new Website
            {
                ApiVersion = Website.KubeApiVersion,
                Kind = Website.KubeKind,
                Metadata = new ObjectMeta { Name = meta.Name, Namespace = ns },
                Status = new WebsiteStatus { ObservedGeneration = generation, ConfigMapName = contentName, Conditions = conditions },
            },
            new ApplyOptions(Content.FieldManager),
            cancellationToken);
        _written.Record(StatusKey(meta.Name), meta.Uid, generation);
        OperatorLog.Action($"ready {ns}/{meta.Name} generation {generation}");
        if (becameReady)
        {
            events.Record(website, KubeEventType.Normal, "Ready", "Reconcile", message);
        }
    }

    /// <summary>The status's entry in <see cref="_written"/> (children are keyed by their own name).</summary>
    private string StatusKey(string? name) => ns + "/" + name + "/status";
}
