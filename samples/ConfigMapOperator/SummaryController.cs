using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using ConfigMapOperator.Kube;
using ConfigMapOperator.Kube.CoreV1;
using ConfigMapOperator.Kube.MetaV1;
using KubeGen.Runtime;

namespace ConfigMapOperator;

/// <summary>
/// The reconcile loop, run only while this replica holds the Lease. Two informer caches feed one
/// work queue: the source ConfigMaps (the label selector) and the operator's own summaries (its
/// managed-by label, mapped back to their owner). Each key is reconciled level-based, from the
/// caches' current state, so a missed or repeated event costs nothing, and the operator heals
/// summaries that someone edits or deletes.
/// </summary>
internal sealed class SummaryController(KubeClient kube, string ns, string selector)
{
    /// <summary>
    /// Summaries written during this leadership term and not deleted since: the summaries cache may
    /// not show a write yet, and the log should still say "updated", not "created". The worker adds,
    /// the summaries cache's delete handler removes (before it queues the owner).
    /// </summary>
    private readonly ConcurrentDictionary<string, bool> _written = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // A new term starts from fresh caches: nothing from an earlier term is trusted.
        await using ResourceCache<ConfigMap, ConfigMapList> sources = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = selector });
        await using ResourceCache<ConfigMap, ConfigMapList> summaries = kube.CoreV1.ConfigMaps.CreateCache(
            ns, new() { LabelSelector = Summary.ManagedByLabel + "=" + Summary.ManagedByValue });
        _written.Clear();

        // Handlers run on the caches' loops: they only queue keys.
        var queue = new WorkQueue();
        sources.OnAdded += source => queue.Add(KeyOf(source));
        sources.OnUpdated += (_, source) => queue.Add(KeyOf(source));
        sources.OnDeleted += source => queue.Add(KeyOf(source)); // deleted, or no longer labelled
        summaries.OnAdded += summary => QueueOwner(queue, summary);
        summaries.OnUpdated += (_, summary) => QueueOwner(queue, summary);
        summaries.OnDeleted += summary =>
        {
            _written.TryRemove(KeyOf(summary), out _);
            QueueOwner(queue, summary);
        };
        sources.OnError += ex => OperatorLog.Error($"error cache sources: {ex.Message}");
        summaries.OnError += ex => OperatorLog.Error($"error cache summaries: {ex.Message}");

        Task sourcesLoop = sources.StartAsync(cancellationToken);
        Task summariesLoop = summaries.StartAsync(cancellationToken);
        Task synced = Task.WhenAll(sources.WaitForSyncAsync(cancellationToken), summaries.WaitForSyncAsync(cancellationToken));
        if (await Task.WhenAny(synced, sourcesLoop, summariesLoop) != synced)
        {
            await ThrowStoppedAsync(sourcesLoop, summariesLoop, cancellationToken);
        }

        await synced;
        OperatorLog.Action(string.Create(CultureInfo.InvariantCulture, $"synced {sources.Count} sources, {summaries.Count} summaries"));

        using var stopWorker = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task worker = WorkAsync(queue, sources, summaries, stopWorker.Token);
        try
        {
            await Task.WhenAny(worker, sourcesLoop, summariesLoop);
            if (worker.IsCompleted)
            {
                await worker; // cancellation, or the worker's failure
            }

            await ThrowStoppedAsync(sourcesLoop, summariesLoop, cancellationToken);
        }
        finally
        {
            // No write may start after the term ends, nor read a disposed cache.
            await stopWorker.CancelAsync();
            await worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>A cache loop ends only when cancelled or on an error it cannot retry (such as 403): then the term cannot go on.</summary>
    private static async Task ThrowStoppedAsync(Task sourcesLoop, Task summariesLoop, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await (sourcesLoop.IsCompleted ? sourcesLoop : summariesLoop);
        throw new InvalidOperationException("A ConfigMap cache stopped.");
    }

    private async Task WorkAsync(WorkQueue queue, ResourceCache<ConfigMap, ConfigMapList> sources, ResourceCache<ConfigMap, ConfigMapList> summaries, CancellationToken cancellationToken)
    {
        while (true)
        {
            string key = await queue.TakeAsync(cancellationToken);
            try
            {
                await ReconcileAsync(key, sources, summaries, cancellationToken);
                queue.Forget(key);
            }
            catch (KubeApiException ex) when (IsRetryable(ex))
            {
                queue.Retry(key, cancellationToken);
            }
            catch (KubeApiException)
            {
                // Logged; retrying would fail the same way (403, 422): the next change of the source or summary brings it back.
                queue.Forget(key);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException && !cancellationToken.IsCancellationRequested)
            {
                OperatorLog.Error($"error {key}: {ex.Message}");
                queue.Retry(key, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Makes the summary of the source <paramref name="key"/> match the source: apply it when it is
    /// missing or stale, nothing when it is up to date, delete it when the source is gone or no
    /// longer selected. Logs one line per write.
    /// </summary>
    private async Task ReconcileAsync(string key, ResourceCache<ConfigMap, ConfigMapList> sources, ResourceCache<ConfigMap, ConfigMapList> summaries, CancellationToken cancellationToken)
    {
        int slash = key.IndexOf('/', StringComparison.Ordinal);
        string name = key[(slash + 1)..];
        if (!Summary.NameFits(name))
        {
            OperatorLog.Action($"skipped {key}: the name is too long for a '-summary' ConfigMap");
            return;
        }

        string summaryName = Summary.NameFor(name);
        string summaryKey = ns + "/" + summaryName;
        ConfigMap? source = sources.Get(ns, name);
        ConfigMap? observed = summaries.Get(ns, summaryName);
        OwnerReference? owner = observed is null ? null : Summary.ControllerOf(observed);
        bool ownedBySourceName = owner is { Kind: ConfigMap.KubeKind, Name: var ownerName } && ownerName == name;
        if (observed is not null && !ownedBySourceName)
        {
            // Carries the managed-by label but another object controls it: not ours to change.
            OperatorLog.Action(owner is null
                ? $"skipped {summaryKey}: it has no controller"
                : $"skipped {summaryKey}: controlled by {owner.Kind}/{owner.Name}");
            return;
        }

        if (source is null)
        {
            if (observed is not null)
            {
                await DeleteAsync(summaryKey, summaryName, observed, cancellationToken);
            }

            return;
        }

        ConfigMap desired = Summary.Desired(source);
        if (observed is not null && Summary.IsUpToDate(observed, desired))
        {
            return;
        }

        // Server-side apply: no read-modify-write and so no resourceVersion conflicts to retry; it
        // creates the summary when missing, sets exactly the fields in `desired` and removes those
        // this manager set before and no longer sets. force: the summary is this operator's, so a
        // field someone else took over (kubectl edit) is taken back.
        try
        {
            await kube.CoreV1.ConfigMaps.PatchAsync(ns, summaryName, KubePatch.Apply(desired, ConfigMap.JsonTypeInfo), new() { FieldManager = Summary.FieldManager, Force = true }, cancellationToken: cancellationToken);
        }
        catch (KubeApiException ex)
        {
            OperatorLog.ApiError("apply", summaryKey, ex);
            throw;
        }

        bool created = observed is null && !_written.ContainsKey(summaryKey);
        _written[summaryKey] = true;
        OperatorLog.Action((created ? "created " : "updated ") + summaryKey);
    }

    private async Task DeleteAsync(string summaryKey, string summaryName, ConfigMap observed, CancellationToken cancellationToken)
    {
        try
        {
            // The uid precondition: never delete a newer summary of the same name than the one judged.
            await kube.CoreV1.ConfigMaps.DeleteAsync(
                ns,
                summaryName,
                new DeleteOptions { Preconditions = new Preconditions { Uid = observed.Metadata?.Uid } },
                cancellationToken: cancellationToken);
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

    /// <summary>Conflicts (a stale uid precondition), throttling and server errors pass; other 4xx wait for the next change.</summary>
    private static bool IsRetryable(KubeApiException ex)
        => ex.IsConflict || ex.IsTooManyRequests || (int)ex.StatusCode >= (int)HttpStatusCode.InternalServerError;

    private static string KeyOf(ConfigMap configMap)
        => (configMap.Metadata?.Namespace ?? string.Empty) + "/" + (configMap.Metadata?.Name ?? string.Empty);

    private static void QueueOwner(WorkQueue queue, ConfigMap summary)
    {
        if (Summary.ControllerOf(summary) is { Kind: ConfigMap.KubeKind } owner)
        {
            queue.Add((summary.Metadata?.Namespace ?? string.Empty) + "/" + owner.Name);
        }
    }
}
