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

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Every value passed between steps is a class, or a Combine's pair of two classes: collections are wrapped as
        // soon as they are collected, and a pair becomes a record before the next Combine. Roslyn's node types over
        // reference types share one compiled body; over a struct (an ImmutableArray, a bool, a nested tuple) each is
        // compiled again by the JIT in every cold compiler process (docs/architecture.md, "Pipeline values are classes").
        var inputs = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => InputFile.Classify(pair.Left, pair.Right));
        var apiFiles = inputs.Where(static input => input.Kind == InputFileKind.Api);

        var settings = apiFiles
            .Select(static (input, _) => input.Settings!)
            .WithTrackingName(Steps.ReadSettings);
        var allSettings = settings.Collect().Select(static (all, _) => all.ToImmutableEquatableArray());

        // Parsing depends on the file alone: a selector edit or an unrelated C# edit reuses it.
        var catalogs = apiFiles
            .Select(static (input, _) => input.Text!)
            .Select(static (text, cancellationToken) => ParseSpec(text, cancellationToken))
            .WithTrackingName(Steps.ParseSpec);
        var allCatalogs = catalogs.Collect().Select(static (all, _) => all.ToImmutableEquatableArray());

        // The spec lock (a committed file the build compares each cluster's selected surface with) and the server's
        // version beside a fetched spec (KubeGenFetchSpec's sidecar, which names the cluster in diagnostics and the lock).
        var environment = inputs
            .Where(static input => input.Kind is InputFileKind.Lock or InputFileKind.ServerVersion)
            .Select(static (input, cancellationToken) => ReadSideFile(input, cancellationToken))
            .Collect()
            .Select(static (all, _) => all.ToImmutableEquatableArray())
            .Combine(context.AnalyzerConfigOptionsProvider.Select(static (provider, _) => LockSettings.Read(provider)))
            .Select(static (pair, _) => BuildEnvironment.Of(pair.Left, pair.Right));

        var requests = allSettings
            .Combine(environment)
            .SelectMany(static (pair, _) => GroupIntoClients(pair.Left, pair.Right));

        var results = requests
            .Combine(allCatalogs)
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
        context.RegisterSourceOutput(allSettings, static (output, all) => ReportSharedNamespaces(output, all));

        var lockOutcome = results
            .Collect()
            .Select(static (all, _) => all.ToImmutableEquatableArray())
            .Combine(allCatalogs)
            .Select(static (pair, _) => new GeneratedClients(pair.Left, pair.Right))
            .Combine(environment)
            .Select(static (pair, _) => CheckSpecLock(pair.Left, pair.Right))
            .WithTrackingName(Steps.CheckSpecLock);
        context.RegisterSourceOutput(lockOutcome, static (output, outcome) => EmitSpecLock(output, outcome));
    }

    private static SideFile ReadSideFile(InputFile input, System.Threading.CancellationToken cancellationToken)
    {
        var text = input.Text!.GetText(cancellationToken)?.ToString();
        return new SideFile(input.Kind, input.Text.Path, input.Kind == InputFileKind.ServerVersion ? ServerVersionSidecar.Read(text) : text);
    }

    private static SpecLockOutcome? CheckSpecLock(GeneratedClients generated, BuildEnvironment environment)
    {
        if (!environment.TrackSurface)
        {
            return null;
        }

        var (lockFile, settings) = (environment.LockFile, environment.Lock);
        var clients = generated.Results
            .Where(r => r.Model is not null && r.Surfaces is { Count: > 0 })
            .Select(r => new LockClientSurfaces(r.Model!.RootNamespace + "." + r.Model.ClientName, r.Surfaces!))
            .ToImmutableEquatableArray();
        var outcome = SpecLockCheck.Run(new SpecLockInput(clients, generated.Catalogs, lockFile?.Path, lockFile?.Text, settings.ProjectDirectory));
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
    private static ImmutableArray<ClientRequest> GroupIntoClients(ImmutableEquatableArray<ClientSettings> all, BuildEnvironment environment)
    {
        var serverVersions = environment.ServerVersions;
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
                environment.TrackSurface))
            .ToImmutableArray();
    }

    /// <summary>
    /// Namespaces used by more than one client. Namespaces that differ only in case count as one:
    /// hint names (and the files they become) are compared case-insensitively.
    /// </summary>
    private static IEnumerable<IGrouping<string, ClientSettings>> SharedNamespaces(ImmutableEquatableArray<ClientSettings> all)
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

    private static void ReportSharedNamespaces(SourceProductionContext output, ImmutableEquatableArray<ClientSettings> all)
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
