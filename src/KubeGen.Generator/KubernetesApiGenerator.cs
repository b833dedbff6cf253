using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using KubeGen.Generator.Diagnostics;
using KubeGen.Generator.Emit;
using KubeGen.Generator.Locking;
using KubeGen.Generator.Model;
using KubeGen.Generator.Modeling;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Pipeline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace KubeGen.Generator;

/// <summary>
/// Generates typed Kubernetes clients from the OpenAPI specs listed as <c>KubernetesApi</c> items.
/// Pipeline: spec text → <see cref="SpecCatalog"/> (once per content) → <see cref="ClientModel"/>
/// (per selection) → C# sources. Only value-equatable data flows between the steps.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class KubernetesApiGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (for incrementality tests).</summary>
    public static class Steps
    {
        public const string ParseSpec = nameof(ParseSpec);
        public const string ReadSettings = nameof(ReadSettings);
        public const string BuildModel = nameof(BuildModel);
        public const string PlanFiles = nameof(PlanFiles);
        public const string GeneratedFile = nameof(GeneratedFile);
        public const string CheckSpecLock = nameof(CheckSpecLock);
    }

    private const string MetadataPrefix = "build_metadata.AdditionalFiles.";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var apiFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => IsKubernetesApi(pair.Right.GetOptions(pair.Left)));

        var settings = apiFiles
            .Select(static (pair, _) => ReadSettings(pair.Left, pair.Right))
            .WithTrackingName(Steps.ReadSettings);

        // Parsing depends on the file alone: a selector edit or an unrelated C# edit reuses it.
        var catalogs = apiFiles
            .Select(static (pair, _) => pair.Left)
            .Select(static (text, cancellationToken) => ParseSpec(text, cancellationToken))
            .WithTrackingName(Steps.ParseSpec);

        // The spec lock: a committed file the build compares each cluster's selected surface with.
        var lockFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => IsSet(pair.Right.GetOptions(pair.Left), MetadataPrefix + "KubeGenLock"))
            .Select(static (pair, cancellationToken) => new LockFileText(pair.Left.Path, pair.Left.GetText(cancellationToken)?.ToString()));
        var lockSettings = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => new LockSettings(
                IsSet(provider.GlobalOptions, "build_property.KubeGenWriteLock"),
                provider.GlobalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out var directory) ? directory : null));
        var trackSurface = lockFiles.Collect()
            .Combine(lockSettings)
            .Select(static (pair, _) => pair.Left.Length > 0 || pair.Right.Write);

        // The server's version beside a fetched spec (KubeGenFetchSpec's sidecar): names the cluster in diagnostics and the lock.
        var serverVersions = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => IsSet(pair.Right.GetOptions(pair.Left), MetadataPrefix + "KubeGenServerVersion"))
            .Select(static (pair, cancellationToken) => new ServerVersionFile(pair.Left.Path, ServerVersionSidecar.Read(pair.Left.GetText(cancellationToken)?.ToString())));

        var requests = settings.Collect()
            .Combine(trackSurface)
            .Combine(serverVersions.Collect())
            .SelectMany(static (pair, _) => GroupIntoClients(pair.Left.Left, pair.Left.Right, pair.Right));

        var results = requests
            .Combine(catalogs.Collect())
            .Select(static (pair, cancellationToken) => ModelBuilder.Build(
                pair.Left,
                pair.Left.SpecPaths.Select(path => pair.Right.FirstOrDefault(c => c.Path == path)).Where(c => c is not null).ToList()!,
                cancellationToken))
            .WithTrackingName(Steps.BuildModel);

        // Diagnostics and sources are separate outputs (as System.Text.Json's generator does): a
        // diagnostic that moves writes no code, and each file is written only when its own part changed.
        context.RegisterSourceOutput(results.Select(static (result, _) => result.Diagnostics), static (output, diagnostics) => Report(output, diagnostics));
        var files = results
            .Select(static (result, _) => result.Model is { } model ? GeneratedFiles.Of(model) : ImmutableEquatableArray<GeneratedFileModel>.Empty)
            .WithTrackingName(Steps.PlanFiles)
            .SelectMany(static (all, _) => all)
            .WithTrackingName(Steps.GeneratedFile);
        context.RegisterSourceOutput(files, static (output, file) => output.AddSource(file.HintName, FileEmitter.Emit(file)));

        // rbac.yaml: one file for every client, re-emitted only when some client's rules change.
        var manifests = results
            .Select(static (result, _) => result.Model is { } model ? new RbacManifestModel(model.RootNamespace, model.ClientName, model.Rbac) : null)
            .Where(static manifest => manifest is not null)
            .Collect()
            .Select(static (all, _) => all.Select(m => m!).ToImmutableEquatableArray());
        context.RegisterSourceOutput(manifests, static (output, all) => EmitRbacManifest(output, all));
        context.RegisterSourceOutput(settings.Collect(), static (output, all) => ReportSharedNamespaces(output, all));

        var lockOutcome = results.Collect()
            .Combine(catalogs.Collect())
            .Combine(lockFiles.Collect())
            .Combine(lockSettings)
            .Select(static (input, _) => CheckSpecLock(input.Left.Left.Left, input.Left.Left.Right, input.Left.Right, input.Right))
            .WithTrackingName(Steps.CheckSpecLock);
        context.RegisterSourceOutput(lockOutcome, static (output, outcome) => EmitSpecLock(output, outcome));
    }

    private static bool IsSet(AnalyzerConfigOptions options, string key)
        => options.TryGetValue(key, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static SpecLockOutcome? CheckSpecLock(ImmutableArray<ClientResult> results, ImmutableArray<SpecCatalog> catalogs, ImmutableArray<LockFileText> lockFiles, LockSettings settings)
    {
        var lockFile = lockFiles.FirstOrDefault();
        if (lockFile is null && !settings.Write)
        {
            return null;
        }

        var clients = results
            .Where(r => r.Model is not null && r.Surfaces is { Count: > 0 })
            .Select(r => new LockClientSurfaces(r.Model!.RootNamespace + "." + r.Model.ClientName, r.Surfaces!))
            .ToImmutableEquatableArray();
        var outcome = SpecLockCheck.Run(new SpecLockInput(clients, catalogs, lockFile?.Path, lockFile?.Text, settings.ProjectDirectory));
        return settings.Write ? outcome : outcome with { Text = string.Empty };
    }

    private static void EmitSpecLock(SourceProductionContext output, SpecLockOutcome? outcome)
    {
        if (outcome is null)
        {
            return;
        }

        Report(output, outcome.Diagnostics);
        if (outcome.Text.Length > 0)
        {
            // Copied byte for byte to the lock by KubeGenUpdateLock: no byte order mark.
            output.AddSource(SpecLockFile.HintName, SourceText.From(outcome.Text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));
        }
    }

    private static bool IsKubernetesApi(AnalyzerConfigOptions options)
        => options.TryGetValue(MetadataPrefix + "KubeGenApi", out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static ClientSettings ReadSettings(AdditionalText text, AnalyzerConfigOptionsProvider provider)
    {
        var options = provider.GetOptions(text);
        string? Read(string name) => options.TryGetValue(MetadataPrefix + name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        provider.GlobalOptions.TryGetValue("build_property.RootNamespace", out var rootNamespace);
        var ns = Read("Namespace") ?? (string.IsNullOrWhiteSpace(rootNamespace) ? "Kubernetes" : rootNamespace!.Trim() + ".Kubernetes");
        return new ClientSettings(text.Path, ns, Read("ClientName") ?? "KubeClient", Read("KubeGenResources"), Read("Cluster"), Read("KubeGenOptional"));
    }

    private static SpecCatalog ParseSpec(AdditionalText text, System.Threading.CancellationToken cancellationToken)
    {
        SourceText? source;
        try
        {
            source = text.GetText(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return SpecCatalog.Failed(text.Path, string.Empty, DiagnosticInfo.Create(KubeGenDiagnostics.SpecUnreadable, text.Path, text.Path, exception.Message));
        }

        if (source is null)
        {
            return SpecReader.Read(text.Path, null, string.Empty, cancellationToken);
        }

        var content = source.ToString();
        var hash = ContentHash.Of(content);
        try
        {
            return SpecReader.Read(text.Path, content, hash, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Never throw out of the generator (e.g. a spec with a string where an object belongs).
            return SpecCatalog.Failed(text.Path, hash, DiagnosticInfo.Create(KubeGenDiagnostics.InternalError, text.Path, $"reading the spec '{text.Path}'", exception.GetType().Name + ": " + exception.Message));
        }
    }

    /// <summary>
    /// Items with the same Namespace and ClientName form one client; within it, items with the same Cluster
    /// form one cluster (several OpenAPI v3 documents of a cluster merge).
    /// Clients that share a namespace (KGEN0016) are not generated: their sources would collide.
    /// </summary>
    private static ImmutableArray<ClientRequest> GroupIntoClients(ImmutableArray<ClientSettings> all, bool trackSurface, ImmutableArray<ServerVersionFile> serverVersions)
    {
        string? ServerVersionOf(IEnumerable<string> specPaths)
            => specPaths.SelectMany(spec => serverVersions.Where(v => v.Version is not null && ServerVersionSidecar.Describes(v.Path, spec)))
                .Select(v => v.Version)
                .FirstOrDefault();

        var shared = new HashSet<string>(SharedNamespaces(all).SelectMany(g => g.Select(s => s.RootNamespace)), StringComparer.Ordinal);
        return all
            .Where(s => !shared.Contains(s.RootNamespace))
            .GroupBy(s => s, ClientKeyComparer.Instance)
            .OrderBy(g => g.Key.RootNamespace, StringComparer.Ordinal)
            .ThenBy(g => g.Key.ClientName, StringComparer.Ordinal)
            .Select(g => new ClientRequest(
                g.Key.RootNamespace,
                g.Key.ClientName,
                g.GroupBy(s => s.Cluster ?? string.Empty, StringComparer.Ordinal)
                    .OrderBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => new ClusterRequest(
                        c.Key,
                        c.Select(s => s.SpecPath).Distinct(StringComparer.Ordinal).ToImmutableEquatableArray(),
                        c.SelectMany(s => (s.Optional ?? string.Empty).Split(';', '|')).Select(e => e.Trim()).Where(e => e.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(e => e, StringComparer.Ordinal).ToImmutableEquatableArray(),
                        ServerVersionOf(c.Select(s => s.SpecPath))))
                    .ToImmutableEquatableArray(),
                g.Select(s => s.Resources ?? string.Empty).Distinct(StringComparer.Ordinal).ToImmutableEquatableArray(),
                trackSurface))
            .ToImmutableArray();
    }

    /// <summary>
    /// Namespaces used by more than one client. Namespaces that differ only in case count as one:
    /// hint names (and the files they become) are compared case-insensitively.
    /// </summary>
    private static IEnumerable<IGrouping<string, ClientSettings>> SharedNamespaces(ImmutableArray<ClientSettings> all)
        => all
            .GroupBy(s => s.RootNamespace, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Distinct(ClientKeyComparer.Instance).Count() > 1);

    private static void Report(SourceProductionContext output, ImmutableEquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }

    private static void EmitRbacManifest(SourceProductionContext output, ImmutableEquatableArray<RbacManifestModel> clients)
    {
        if (clients.Count > 0)
        {
            // Without a byte order mark: the file is copied as it is to rbac.yaml, and not every YAML reader skips one.
            output.AddSource(RbacManifestEmitter.HintName, SourceText.From(RbacManifestEmitter.Emit(clients), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));
        }
    }

    private static void ReportSharedNamespaces(SourceProductionContext output, ImmutableArray<ClientSettings> all)
    {
        foreach (var group in SharedNamespaces(all))
        {
            // Name each client by its ClientName, or by its full name when the namespaces differ in case.
            var qualify = group.Select(s => s.RootNamespace).Distinct(StringComparer.Ordinal).Count() > 1;
            output.ReportDiagnostic(DiagnosticInfo.Create(
                KubeGenDiagnostics.SharedNamespace,
                group.First().SpecPath,
                group.Key,
                string.Join(", ", group.Select(s => qualify ? s.RootNamespace + "." + s.ClientName : s.ClientName).Distinct().OrderBy(n => n, StringComparer.Ordinal))).ToDiagnostic());
        }
    }
}

/// <summary>The committed spec lock, as the compiler passes it.</summary>
internal sealed record LockFileText(string Path, string? Text);

/// <summary>A server-version sidecar and the version it names (null when it names none KubeGen accepts).</summary>
internal sealed record ServerVersionFile(string Path, string? Version);

/// <summary>The build's lock settings: write the lock file (KubeGenUpdateLock), and the project folder the lock's spec paths are relative to.</summary>
internal sealed record LockSettings(bool Write, string? ProjectDirectory);
