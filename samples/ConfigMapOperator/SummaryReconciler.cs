using System.Collections.Concurrent;
using ConfigMapOperator.Kube;
using ConfigMapOperator.Kube.CoreV1;
using ConfigMapOperator.Kube.MetaV1;
using KubeGen.Runtime;

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

    private readonly KubeObjectClient<ConfigMap> _configMaps = new(
        (n, name, ct) => kube.CoreV1.ConfigMaps.GetAsync(n!, name, cancellationToken: ct),
        (n, name, patch, apply, ct) => kube.CoreV1.ConfigMaps.PatchAsync(n!, name, patch, new() { FieldManager = apply?.FieldManager, Force = apply?.Force }, ct));

    /// <summary>Summaries written while this replica works and not deleted since, so that the log says "updated", not "created", before the cache shows a write.</summary>
    private readonly ConcurrentDictionary<string, bool> _written = new(StringComparer.Ordinal);

    /// <summary>The summaries cache saw a summary deleted.</summary>
    public void Forget(ConfigMap summary) => _written.TryRemove(ns + "/" + summary.Metadata?.Name, out _);

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
            _configMaps,
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

        // Server-side apply: no read-modify-write and so no conflicts to retry; it creates the summary when missing, sets
        // exactly the fields in `desired` and removes those this manager set before and no longer sets. force: the summary
        // is this operator's, so a field someone else took over (kubectl edit) is taken back.
        try
        {
            await _configMaps.ApplyAsync(ns, summaryName, KubePatch.Apply(desired, ConfigMap.JsonTypeInfo), new ApplyOptions(Summary.FieldManager), cancellationToken);
        }
        catch (KubeApiException ex)
        {
            OperatorLog.ApiError("apply", summaryKey, ex);
            events.Record(source, KubeEventType.Warning, "SummaryFailed", "Apply", $"{summaryName}: {ex.Status.Reason}");
            throw;
        }

        bool created = observed is null && !_written.ContainsKey(summaryKey);
        _written[summaryKey] = true;
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
            _written.TryRemove(summaryKey, out _);
        }
    }

    /// <summary>A source that lost the label is no longer in the cache; if it still carries the finalizer, the finalizer goes.</summary>
    private async Task ReleaseUnselectedAsync(string name, CancellationToken cancellationToken)
    {
        ConfigMap current;
        try
        {
            current = await _configMaps.GetAsync(ns, name, cancellationToken);
        }
        catch (KubeApiException ex) when (ex.IsNotFound)
        {
            return;
        }

        if (Finalizers.Contains(current, Finalizer))
        {
            await Finalizers.RemoveAsync(_configMaps, current, Finalizer, cancellationToken);
        }
    }
}
