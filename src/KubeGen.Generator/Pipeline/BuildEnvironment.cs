using System;
using System.Linq;
using KubeGen.Generator.Model;
using KubeGen.Generator.Modeling;
using KubeGen.Generator.OpenApi;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KubeGen.Generator.Pipeline;

/// <summary>The committed spec lock, as the compiler passes it.</summary>
internal sealed record LockFileText(string Path, string? Text);

/// <summary>A server-version sidecar and the version it names (null when it names none KubeGen accepts).</summary>
internal sealed record ServerVersionFile(string Path, string? Version);

/// <summary>The build's lock settings: write the lock file (KubeGenUpdateLock), and the project folder the lock's spec paths are relative to.</summary>
internal sealed record LockSettings(bool Write, string? ProjectDirectory)
{
    public static LockSettings Read(AnalyzerConfigOptionsProvider provider)
        => new(
            provider.GlobalOptions.TryGetValue("build_property.KubeGenWriteLock", out var write) && string.Equals(write, "true", StringComparison.OrdinalIgnoreCase),
            provider.GlobalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out var directory) ? directory : null);
}

/// <summary>A lock file or a sidecar, read: the text of a lock, the version a sidecar names.</summary>
internal sealed record SideFile(InputFileKind Kind, string Path, string? Value);

/// <summary>Everything besides the specs that shapes the build: the lock, its settings and the server-version sidecars.</summary>
internal sealed record BuildEnvironment(LockFileText? LockFile, ImmutableEquatableArray<ServerVersionFile> ServerVersions, LockSettings Lock)
{
    /// <summary>A lock is read or written: record each cluster's selected surface.</summary>
    public bool TrackSurface => LockFile is not null || Lock.Write;

    public static BuildEnvironment Of(ImmutableEquatableArray<SideFile> files, LockSettings settings)
        => new(
            files.Where(f => f.Kind == InputFileKind.Lock).Select(f => new LockFileText(f.Path, f.Value)).FirstOrDefault(),
            files.Where(f => f.Kind == InputFileKind.ServerVersion).Select(f => new ServerVersionFile(f.Path, f.Value)).ToImmutableEquatableArray(),
            settings);
}

/// <summary>What the lock check reads: every client's result and every parsed spec.</summary>
internal sealed record GeneratedClients(ImmutableEquatableArray<ClientResult> Results, ImmutableEquatableArray<SpecCatalog> Catalogs);
