using System.Globalization;
using KubeGen.Runtime;
using CronJobPoller.Kube;
using CronJobPoller.Kube.OpsV1;

namespace CronJobPoller;

/// <summary>What one run did with one Backup.</summary>
internal sealed record BackupOutcome(string Name, string Source, string Action, string Snapshot);

/// <summary>
/// The job's work: a Backup is due when it has never run, when its last run is older than
/// <c>spec.intervalMinutes</c>, or when its spec changed since (<c>status.observedGeneration</c>
/// behind <c>metadata.generation</c>). A due Backup is "run" (this sample takes no real snapshot: it
/// names one) and its status records the run, keeping the last <c>spec.retain</c> snapshots. Status is
/// written through the status subresource with the resourceVersion that was read, so a Backup changed
/// meanwhile is a 409 Conflict: it is left for the next run rather than overwritten.
/// </summary>
internal sealed class BackupPoller(KubeClient kube, string ns, TimeProvider time)
{
    public async Task<RunSummary> RunAsync(string? selector, bool dryRun, CancellationToken cancellationToken)
    {
        BackupList backups = await kube.OpsV1.Backups.ListAsync(ns, new() { LabelSelector = selector }, cancellationToken);
        var outcomes = new List<BackupOutcome>();
        foreach (Backup backup in backups.Items.OrderBy(b => b.Metadata?.Name, StringComparer.Ordinal))
        {
            outcomes.Add(await PollAsync(backup, dryRun, cancellationToken));
        }

        return new RunSummary(ns, outcomes);
    }

    private async Task<BackupOutcome> PollAsync(Backup backup, bool dryRun, CancellationToken cancellationToken)
    {
        string name = backup.Metadata?.Name ?? "";
        BackupSpec spec = backup.Spec ?? new BackupSpec();
        BackupStatus status = backup.Status ?? new BackupStatus();
        DateTimeOffset now = time.GetUtcNow();
        if (spec.Suspend == true)
        {
            return new BackupOutcome(name, spec.Source, "suspended", status.LastSnapshot ?? "");
        }

        TimeSpan interval = TimeSpan.FromMinutes(spec.IntervalMinutes ?? 60);
        bool changed = status.ObservedGeneration != backup.Metadata?.Generation;
        if (!changed && status.LastRunTime is { } last && now - last < interval)
        {
            return new BackupOutcome(name, spec.Source, "up to date", status.LastSnapshot ?? "");
        }

        string snapshot = $"{spec.Source}-{now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        if (dryRun)
        {
            return new BackupOutcome(name, spec.Source, "due", snapshot);
        }

        List<string> kept = [.. status.Snapshots ?? [], snapshot];
        int retain = (int)Math.Max(1, spec.Retain ?? 3);
        backup.Status = new BackupStatus
        {
            Phase = "Succeeded",
            ObservedGeneration = backup.Metadata?.Generation,
            Runs = (status.Runs ?? 0) + 1,
            LastRunTime = now,
            LastSnapshot = snapshot,
            Snapshots = kept.Skip(Math.Max(0, kept.Count - retain)).ToList(),
        };
        try
        {
            await kube.OpsV1.Backups.ReplaceStatusAsync(ns, name, backup, cancellationToken: cancellationToken);
            return new BackupOutcome(name, spec.Source, "backed up", snapshot);
        }
        catch (KubeApiException ex) when (ex.IsConflict || ex.IsNotFound)
        {
            // Changed or deleted since the list: the next run sees the new state.
            return new BackupOutcome(name, spec.Source, ex.IsConflict ? "changed meanwhile, next run" : "deleted meanwhile", "");
        }
    }
}

/// <summary>The run's report: one line per Backup, kubectl-style columns, then the totals.</summary>
internal sealed record RunSummary(string Namespace, IReadOnlyList<BackupOutcome> Outcomes)
{
    public void Print(TextWriter output)
    {
        if (Outcomes.Count == 0)
        {
            output.WriteLine($"No backups found in {Namespace} namespace.");
            return;
        }

        string[] header = ["NAME", "SOURCE", "ACTION", "SNAPSHOT"];
        List<string[]> rows = [header, .. Outcomes.Select(o => new[] { o.Name, o.Source, o.Action, o.Snapshot })];
        int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length))];
        foreach (string[] row in rows)
        {
            output.WriteLine(string.Concat(row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i] + 3))).TrimEnd());
        }

        var counts = Outcomes.GroupBy(o => o.Action).Select(g => $"{g.Count()} {g.Key}");
        output.WriteLine($"{Outcomes.Count} backups in {Namespace}: {string.Join(", ", counts)}");
    }
}
