using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KubeGen.Generator.Diagnostics;
using KubeGen.Generator.Mapping;
using KubeGen.Generator.Model;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Pipeline;
using KubeGen.Generator.Selection;
using KubeGen.Generator.Naming;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// Builds a client's <see cref="ClientModel"/> from its parsed specs and selection, in named steps:
/// resolve the selection (<see cref="SelectionResolver"/>), read each selected resource's operations
/// (<see cref="ResourceReader"/>) while mapping the types they reach (<see cref="SchemaMapper"/>), decide
/// the runtime contracts of the types (<see cref="RuntimeContracts"/>), the per-verb options classes
/// (<see cref="OptionsBuilder"/>), the methods (<see cref="OperationModels"/>), the controller
/// conveniences (<see cref="ControllerCapabilities"/>), the names and the RBAC rules (<see cref="RbacRules"/>).
/// </summary>
internal sealed class ModelBuilder
{
    /// <summary>The members of every client root: a group-version property may not take their names.</summary>
    private static readonly string[] s_rootMembers = { "Connection", "Namespace", "RbacRules", "InCluster", "Connect", "Dispose", "DisposeAsync", "CreateLeaderElector", "CreateEventSink" };

    private readonly ClientRequest _request;
    private readonly IReadOnlyList<SpecCatalog> _catalogs;
    private readonly IEnumerable<string> _allDefinitionNames;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly string _diagnosticPath;

    private ModelBuilder(ClientRequest request, IReadOnlyList<SpecCatalog> catalogs, IEnumerable<string> allDefinitionNames, List<DiagnosticInfo> diagnostics)
    {
        _request = request;
        _catalogs = catalogs;
        _allDefinitionNames = allDefinitionNames;
        _diagnostics = diagnostics;
        _diagnosticPath = catalogs.FirstOrDefault()?.Path ?? request.SpecPaths.FirstOrDefault() ?? string.Empty;
    }

    /// <summary>
    /// The model of a client: of its one cluster, or, for a client of several clusters, the API all of
    /// them serve (<see cref="ClusterMerger"/>), with what only some serve marked.
    /// </summary>
    public static ClientResult Build(ClientRequest request, IReadOnlyList<SpecCatalog> catalogs, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var surfaces = new List<ClusterSurfaceModel>();
        try
        {
            ClientModel? model;
            if (request.Clusters.Count <= 1)
            {
                model = new ModelBuilder(request, catalogs, catalogs.SelectMany(c => c.DefinitionNames), diagnostics).Build(cancellationToken);
                if (request.TrackSurface && model is not null && request.Clusters.FirstOrDefault() is { } cluster)
                {
                    surfaces.Add(new ClusterSurfaceModel(cluster.Name, cluster.SpecPaths, SelectedSurface.Lines(model), cluster.ServerVersion));
                }
            }
            else
            {
                model = ClusterMerger.Build(request, catalogs, diagnostics, request.TrackSurface ? surfaces : null, cancellationToken);
            }

            return new ClientResult(model, diagnostics.Distinct().ToImmutableEquatableArray(), surfaces.ToImmutableEquatableArray());
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // Never throw out of the generator: an unexpected failure is a diagnostic.
            diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.InternalError, request.SpecPaths.FirstOrDefault() ?? string.Empty, $"generating client '{request.ClientName}'", exception.GetType().Name + ": " + exception.Message));
            return new ClientResult(null, diagnostics.Distinct().ToImmutableEquatableArray());
        }
    }

    /// <summary>
    /// The model of one cluster of a client. Types are named over the definitions of every cluster of the
    /// client (<paramref name="allDefinitionNames"/>), so that one definition has the same C# name in each.
    /// </summary>
    internal static ClientModel? BuildCluster(ClientRequest request, IReadOnlyList<SpecCatalog> catalogs, IEnumerable<string> allDefinitionNames, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        => new ModelBuilder(request, catalogs, allDefinitionNames, diagnostics).Build(cancellationToken);

    private ClientModel? Build(CancellationToken cancellationToken)
    {
        foreach (var catalog in _catalogs)
        {
            _diagnostics.AddRange(catalog.Diagnostics);
        }

        if (!CSharpNames.IsValidNamespace(_request.RootNamespace))
        {
            _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.InvalidIdentifier, _diagnosticPath, "Namespace", _request.RootNamespace, "namespace"));
            return null;
        }

        if (!CSharpNames.IsValidTypeName(_request.ClientName))
        {
            _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.InvalidIdentifier, _diagnosticPath, "ClientName", _request.ClientName, "type name"));
            return null;
        }

        var valid = _catalogs.Where(c => c.IsValid).ToList();
        if (valid.Count == 0)
        {
            return null;
        }

        // 1. The selection.
        var selected = new SelectionResolver(_request, _diagnosticPath, _diagnostics).Resolve(SelectionResolver.Available(valid));

        // 2. The operations and the closure of types they reach. Namespaces never take the name of a
        //    class in the client's namespace (the client, the options classes).
        var hintPrefix = _request.RootNamespace + "." + _request.ClientName;
        var namer = new DefinitionNamer(_allDefinitionNames, OptionsBuilder.ClassNames.Concat(new[] { _request.ClientName }));
        var mapper = new SchemaMapper(_request.RootNamespace, valid, namer, _diagnostics);
        var drafts = new List<ResourceDraft>();
        foreach (var resource in selected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            drafts.Add(ResourceReader.Read(resource, mapper));
        }

        mapper.Complete(cancellationToken);

        // 3. The types, with the runtime interfaces they implement.
        var types = RuntimeContracts.Apply(mapper.Types, mapper)
            .OrderBy(t => t.Namespace, StringComparer.Ordinal)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToImmutableEquatableArray();
        var typesByName = types.ToDictionary(t => t.FullName, StringComparer.Ordinal);

        // 4. The options classes, from every selected operation's query parameters.
        var options = new OptionsBuilder(_request.RootNamespace, hintPrefix);
        foreach (var operation in drafts.SelectMany(d => d.Operations))
        {
            options.Add(operation);
        }

        var optionTypes = options.Build();

        // 5. The resource clients: methods, then the conveniences their methods allow.
        var resources = drafts
            .Select(d => OperationModels.Resource(d, options, typesByName, mapper))
            .Select(r => r with
            {
                Follow = ControllerCapabilities.Follow(r, typesByName),
                Cache = ControllerCapabilities.Cache(r, typesByName),
                LeaseStore = ControllerCapabilities.LeaseStore(r, typesByName),
                ObjectClient = ControllerCapabilities.ObjectClient(r, typesByName),
            })
            .ToList();

        // 6. Group-versions and every name that must be unique among its neighbours.
        var rootMembers = new HashSet<string>(s_rootMembers.Concat(CSharpNames.ObjectMembers), StringComparer.Ordinal) { _request.ClientName };
        var groupVersions = resources
            .GroupBy(r => r.LocalNamespace, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                var className = CSharpNames.Unique(g.Key + "Client", mapper.TypeNamesIn(g.Key));
                var property = CSharpNames.Unique(g.Key, rootMembers);
                return new GroupVersionModel(
                    _request.RootNamespace + "." + g.Key,
                    property,
                    className,
                    first.Group,
                    first.Version,
                    UniqueProperties(g, className, $"{hintPrefix}.{property}."),
                    $"{hintPrefix}.{property}.{className}.g.cs");
            })
            .ToImmutableEquatableArray();

        var leaderElection = groupVersions
            .SelectMany(g => g.Resources.Where(r => r.LeaseStore is not null).Select(r => new LeaderElectionModel(g.PropertyName, r.PropertyName)))
            .FirstOrDefault();

        var eventSink = ControllerCapabilities.EventSink(groupVersions);

        // 7. RBAC.
        var rbac = RbacRules.For(_request.RootNamespace, _request.ClientName, groupVersions.SelectMany(g => g.Resources));
        return new ClientModel(_request.RootNamespace, _request.ClientName, hintPrefix, groupVersions, types, optionTypes, rbac, leaderElection, eventSink);
    }

    /// <summary>
    /// The resources of one group-version class, each property name once (plurals such as "foo-bars"
    /// and "foobars" read alike), with their hint names.
    /// </summary>
    private static ImmutableEquatableArray<ResourceModel> UniqueProperties(IEnumerable<ResourceModel> resources, string className, string hintPrefix)
    {
        var taken = new HashSet<string>(CSharpNames.ObjectMembers, StringComparer.Ordinal) { className };
        return resources
            .OrderBy(r => r.PropertyName, StringComparer.Ordinal)
            .ThenBy(r => r.Plural, StringComparer.Ordinal)
            .Select(r => r with { PropertyName = CSharpNames.Unique(r.PropertyName, taken), HintName = hintPrefix + r.ClientClassName + ".g.cs" })
            .ToImmutableEquatableArray();
    }
}

/// <summary>The outcome for one client: a model (null when generation is impossible), diagnostics, and, when a spec lock is in use, each cluster's selected surface.</summary>
internal sealed record ClientResult(ClientModel? Model, ImmutableEquatableArray<DiagnosticInfo> Diagnostics, ImmutableEquatableArray<ClusterSurfaceModel>? Surfaces = null);
