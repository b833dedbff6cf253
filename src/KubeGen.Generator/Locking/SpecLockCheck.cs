using System;
using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Diagnostics;
using KubeGen.Generator.Model;
using KubeGen.Generator.OpenApi;

namespace KubeGen.Generator.Locking;

/// <summary>
/// Builds the lock as it would be written now, and compares it with the committed one: every change of a
/// cluster's selected surface is a warning (KGEN0025: an operation, options property, type or field added,
/// removed or retyped), a spec whose text changed while its surface did not is an Info (KGEN0026), so that
/// upgrading a cluster is a reviewed diff rather than a surprise.
/// </summary>
internal static class SpecLockCheck
{
    /// <summary>At most this many KGEN0025 per build; the last one says how many more there are.</summary>
    public const int MaxReportedChanges = 100;

    public static SpecLockOutcome Run(SpecLockInput input)
    {
        var current = Current(input);
        var diagnostics = new List<DiagnosticInfo>();
        if (input.LockPath is { } lockPath && input.LockText is { } lockText)
        {
            var locked = SpecLockFile.Read(lockText, out var errorLine, out var problem);
            if (locked is null)
            {
                diagnostics.Add(DiagnosticInfo.CreateAt(KubeGenDiagnostics.SpecLockUnreadable, lockPath, errorLine - 1, 0, lockPath, errorLine.ToString(System.Globalization.CultureInfo.InvariantCulture), problem!));
            }
            else
            {
                Compare(lockPath, locked, current, diagnostics);
            }
        }

        return new SpecLockOutcome(SpecLockFile.Write(current), diagnostics.ToImmutableEquatableArray());
    }

    private static List<LockedClient> Current(SpecLockInput input)
    {
        var catalogs = input.Catalogs.ToDictionary(c => c.Path, StringComparer.Ordinal);
        return input.Clients
            .Select(client => new LockedClient(
                client.Name,
                client.Surfaces.Select(surface => new LockedCluster(
                    ClusterName(surface.Cluster),
                    surface.SpecPaths.Select(path => catalogs.TryGetValue(path, out var catalog)
                        ? new LockedSpec(RelativePath(input.ProjectDirectory, path), surface.ServerVersion ?? catalog.ServerVersion ?? "unknown", catalog.Sha256)
                        : new LockedSpec(RelativePath(input.ProjectDirectory, path), "unknown", "unreadable")).ToImmutableEquatableArray(),
                    surface.Lines)).ToImmutableEquatableArray()))
            .ToList();
    }

    private static void Compare(string lockPath, List<LockedClient> locked, List<LockedClient> current, List<DiagnosticInfo> diagnostics)
    {
        var changes = 0;
        var dropped = 0;
        foreach (var client in current)
        {
            var lockedClient = locked.FirstOrDefault(c => c.Name == client.Name);
            foreach (var cluster in client.Clusters)
            {
                var lockedCluster = lockedClient?.Clusters.FirstOrDefault(c => c.Name == cluster.Name);
                if (lockedCluster is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.SpecLockChanged, lockPath, Display(client, cluster), "the lock has no entry for it"));
                    continue;
                }

                var from = string.Join(", ", lockedCluster.Specs.Select(s => s.Version));
                var to = string.Join(", ", cluster.Specs.Select(s => s.Version));
                var surfaceChanges = Diff(lockedCluster.Lines, cluster.Lines);
                foreach (var change in surfaceChanges)
                {
                    if (changes++ < MaxReportedChanges)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.SurfaceChanged, lockPath, Display(client, cluster), from == to ? from : from + " → " + to, change));
                    }
                    else
                    {
                        dropped++;
                    }
                }

                var specsChanged = !lockedCluster.Specs.Select(s => s.Sha256).SequenceEqual(cluster.Specs.Select(s => s.Sha256));
                if (surfaceChanges.Count == 0 && specsChanged)
                {
                    diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.SpecLockChanged, lockPath, Display(client, cluster), $"its spec changed ({from} → {to}) but its selected surface did not"));
                }
            }
        }

        if (dropped > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.SurfaceChanged, lockPath, "the clients", "(not listed)", $"and {dropped} more changes"));
        }
    }

    /// <summary>
    /// The changes between two sorted surfaces, keyed by a line's first two words ("field CoreV1.PodSpec.workloadRef"):
    /// "field added: CoreV1.PodSpec.workloadRef (CoreV1.WorkloadReference)", "field removed: …", "field changed: … (int32 → string)".
    /// </summary>
    public static List<string> Diff(ImmutableEquatableArray<string> before, ImmutableEquatableArray<string> after)
    {
        var old = Keyed(before);
        var now = Keyed(after);
        var changes = new List<string>();
        foreach (var key in old.Keys.Union(now.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            var kind = key.Substring(0, key.IndexOf(' '));
            var name = key.Substring(kind.Length + 1);
            if (!old.TryGetValue(key, out var was))
            {
                changes.Add($"{kind} added: {name}{Value(now[key])}");
            }
            else if (!now.TryGetValue(key, out var @is))
            {
                changes.Add($"{kind} removed: {name}{Value(was)}");
            }
            else if (was != @is)
            {
                changes.Add($"{kind} changed: {name} ({was} → {@is})");
            }
        }

        return changes;
    }

    private static Dictionary<string, string> Keyed(IEnumerable<string> lines)
    {
        var keyed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var first = line.IndexOf(' ');
            var second = first < 0 ? -1 : line.IndexOf(' ', first + 1);
            var key = second < 0 ? line : line.Substring(0, second);
            keyed[key] = second < 0 ? string.Empty : line.Substring(second + 1);
        }

        return keyed;
    }

    private static string Value(string value) => value.Length == 0 ? string.Empty : " (" + value + ")";

    private static string Display(LockedClient client, LockedCluster cluster) => cluster.Name == "-" ? client.Name : $"{client.Name}, cluster {cluster.Name}";

    /// <summary>The name a cluster has in the lock: its Cluster, or "-" for a client of one unnamed cluster. No spaces.</summary>
    private static string ClusterName(string cluster)
        => cluster.Length == 0 ? "-" : new string(cluster.Select(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '#' ? '_' : c).ToArray());

    /// <summary>The spec's path relative to the project folder, with '/' (the lock reads the same on every OS).</summary>
    public static string RelativePath(string? projectDirectory, string path)
    {
        var normalized = path.Replace('\\', '/');
        if (!string.IsNullOrEmpty(projectDirectory))
        {
            var root = projectDirectory!.Replace('\\', '/').TrimEnd('/') + "/";
            if (normalized.StartsWith(root, StringComparison.OrdinalIgnoreCase))
            {
                return normalized.Substring(root.Length);
            }
        }

        return normalized.Substring(normalized.LastIndexOf('/') + 1);
    }
}

/// <summary>What the lock step reads: every client's surfaces, the specs, the committed lock (if any) and the project folder.</summary>
internal sealed record SpecLockInput(
    ImmutableEquatableArray<LockClientSurfaces> Clients,
    IReadOnlyList<SpecCatalog> Catalogs,
    string? LockPath,
    string? LockText,
    string? ProjectDirectory);

/// <summary>One client's name ("MyOperator.Kube.KubeClient") and its clusters' surfaces.</summary>
internal sealed record LockClientSurfaces(string Name, ImmutableEquatableArray<ClusterSurfaceModel> Surfaces);

/// <summary>The lock as it would be written now, and the diagnostics of comparing it with the committed one.</summary>
internal sealed record SpecLockOutcome(string Text, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
