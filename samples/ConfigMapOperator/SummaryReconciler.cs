using System.Collections.Concurrent;
using ConfigMapOperator.Kube;
using ConfigMapOperator.Kube.CoreV1;
using ConfigMapOperator.Kube.MetaV1;
using KubeGen.Runtime;
using KubeGen.Samples;

namespace ConfigMapOperator;

/// <summary>
/// Reconciles one source ConfigMap (the key) level-based, from the caches' current state: its summary is applied when missing
/// or stale, left alone when up to date, deleted when the source is gone or no longer selected. A finalizer on the source
/// (<see cref="Finalizer"/>) makes a deletion wait until the summary has been removed by the operator itself (standing in for
/// cleanup outside Kubernetes, which no garbage collector would do), and an Event on the source records each write.
/// </summary>
internal sealed class SummaryReconciler(
    KubeClient kube,
    string ns,
    ResourceCache<ConfigMap, ConfigMapList> sources,
    ResourceCache<ConfigMap, ConfigMapList> summaries,
    EventRecorder events) : IReconciler
{
    /// <summary>The operator's finalizer on the sources it summarizes.</summary>
    public const string Finalizer = "kubegen.dev/summary-cleanup";

    /// <summary>The ConfigMaps client as the controller helpers see it (finalizers, reads).</summary>
    private IKubeObjectClient<ConfigMap> ConfigMaps => kube.CoreV1.ConfigMaps;

    /// <summary>
    /// The content (the summary's sha256) this replica last applied to each summary, until it sees the summary deleted. The
    /// source's events (the finalizer patch, say) come through another watch than the summary's, so a reconcile can run
    /// before the cache shows the last apply and apply the same content again: that changes nothing this replica wrote, and
    /// is neither logged nor recorded as an Event ("updated" means the summary's content changed, as the README says). It
    /// also makes the log say "updated", not "created", before the cache shows a write.
    /// </summary>
    private readonly ConcurrentDictionary<string, string?> _applied = new(StringComparer.Ordinal);

    /// <summary>The summaries cache saw a summary deleted.</summary>
    public void Forget(ConfigMap summary) => _applied.TryRemove(ns + "/" + summary.Metadata?.Name, out _);

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        string name = request.Name;
        if (!Summary.NameFits(name))
        {
            OperatorLog.Action($"skipped {request}: the name is too long for a '-summary' ConfigMap");
            return ReconcileResult.Done;
        }

        string summaryName = Summary.NameFor(name);
        string summaryKey = ns + "/" + summaryName;
        ConfigMap? source = sources.Get(ns, name);
        ConfigMap? observed = summaries.Get(ns, summaryName);
        OwnerReference? owner = observed is null ? null : Summary.ControllerOf(observed);
        bool ownedBySource = owner is { Kind: ConfigMap.KubeKind, Name: var ownerName } && ownerName == name;
        if (observed is not null && !ownedBySource)
        {
            // Carries the managed-by label but another object controls it: not ours to change.
            OperatorLog.Action(owner is null ? $"skipped {summaryKey}: it has no controller" : $"skipped {summaryKey}: controlled by {owner.Kind}/{owner.Name}");
            return ReconcileResult.Done;
        }

        if (source is null)
        {
            // Deleted, or no longer selected: the summary goes, and so does the finalizer on a source that lost the label.
            await DeleteSummaryAsync(summaryKey, summaryName, observed, cancellationToken);
            await ReleaseUnselectedAsync(name, cancellationToken);
            return ReconcileResult.Done;
        }

        return await Finalizers.ReconcileAsync(
            ConfigMaps,
            source,
            Finalizer,
            apply: (current, ct) => ApplySummaryAsync(current, summaryKey, summaryName, observed, ct),
            cleanup: async (current, ct) =>
            {
                await DeleteSummaryAsync(summaryKey, summaryName, observed, ct);
                events.Record(current, KubeEventType.Normal, "SummaryRemoved", "Cleanup", $"removed {summaryName} before the source goes");
                return ReconcileResult.Done;
            },
            cancellationToken);
    }

    private async Task<ReconcileResult> ApplySummaryAsync(ConfigMap source, string summaryKey, string summaryName, ConfigMap? observed, CancellationToken cancellationToken)
    {
        ConfigMap desired = Summary.Desired(source);
        if (observed is not null && Summary.IsUpToDate(observed, desired))
        {
            return ReconcileResult.Done;
        }

        ConfigMap written;

        // Server-side apply: no read-modify-write and so no conflicts to retry; it creates the summary when missing, sets
        // exactly the fields in `desired` and removes those this manager set before and no longer sets. force: the summary
        // is this operator's, so a field someone else took over (kubectl edit) is taken back.
        try
        {
            written = await kube.CoreV1.ConfigMaps.ApplyAsync(ns, desired, new ApplyOptions(Summary.FieldManager), cancellationToken);
        }
        catch (KubeApiException ex)
        {
            OperatorLog.ApiError("apply", summaryKey, ex);
            events.Record(source, KubeEventType.Warning, "SummaryFailed", "Apply", $"{summaryName}: {ex.Status.Reason}");
            throw;
        }

        string? content = written.Data is { } data && data.TryGetValue("sha256", out string? sha) ? sha : null;
        bool applied = _applied.TryGetValue(summaryKey, out string? before);
        _applied[summaryKey] = content;
        if (applied && content is not null && content == before)
        {
            return ReconcileResult.Done; // the same content again: the cache had not caught up with the last apply
        }

        bool created = observed is null && !applied;
        OperatorLog.Action((created ? "created " : "updated ") + summaryKey);
        events.Record(source, KubeEventType.Normal, created ? "SummaryCreated" : "SummaryUpdated", "Apply", $"{summaryName}: {desired.Data!["keys"]} keys, {desired.Data["bytes"]} bytes");
        return ReconcileResult.Done;
    }

    private async Task DeleteSummaryAsync(string summaryKey, string summaryName, ConfigMap? observed, CancellationToken cancellationToken)
    {
        if (observed is null)
        {
            return;
        }

        try
        {
            // The uid precondition: never delete a newer summary of the same name than the one judged.
            await kube.CoreV1.ConfigMaps.DeleteAsync(ns, summaryName, new DeleteOptions { Preconditions = new Preconditions { Uid = observed.Metadata?.Uid } }, cancellationToken: cancellationToken);
            OperatorLog.Action("deleted " + summaryKey);
        }
        catch (KubeApiException ex) when (ex.IsNotFound)
        {
            // Already gone: the garbage collector removed it with its source.
        }
        catch (KubeApiException ex)
        {
            OperatorLog.ApiError("delete", summaryKey, ex);
            throw;
        }
        finally
        {
            _applied.TryRemove(summaryKey, out _);
        }
    }

    /// <summary>A source that lost the label is no longer in the cache; if it still carries the finalizer, the finalizer goes.</summary>
    private async Task ReleaseUnselectedAsync(string name, CancellationToken cancellationToken)
    {
        ConfigMap current;
        try
        {
            current = await ConfigMaps.GetAsync(ns, name, cancellationToken);
        }
        catch (KubeApiException ex) when (ex.IsNotFound)
        {
            return;
        }

        if (Finalizers.Contains(current, Finalizer))
        {
            await Finalizers.RemoveAsync(ConfigMaps, current, Finalizer, cancellationToken);
        }
    }
}
