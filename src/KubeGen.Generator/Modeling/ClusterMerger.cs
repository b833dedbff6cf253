using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KubeGen.Generator.Diagnostics;
using KubeGen.Generator.Model;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Pipeline;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// The model of a client of several clusters: each cluster's model is built on its own (types named
/// over every cluster's definitions, so one definition has one C# name), then merged. What every cluster
/// serves is generated as usual; a resource, operation, field or query parameter only some serve is
/// generated with the clusters that have it (<see cref="ClusterAvailabilityModel"/>), and a selected
/// resource or verb a cluster lacks is an error unless the user marked it optional for that cluster.
/// </summary>
internal static class ClusterMerger
{
    /// <param name="request">The client.</param>
    /// <param name="catalogs">Every cluster's specs.</param>
    /// <param name="diagnostics">Collects the diagnostics.</param>
    /// <param name="surfaces">When not null, receives each cluster's selected surface (for the spec lock).</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    public static ClientModel? Build(ClientRequest request, IReadOnlyList<SpecCatalog> catalogs, List<DiagnosticInfo> diagnostics, List<ClusterSurfaceModel>? surfaces, CancellationToken cancellationToken)
    {
        if (request.Clusters.FirstOrDefault(c => c.Name.Length == 0) is { } unnamed)
        {
            var named = string.Join(", ", request.Clusters.Where(c => c.Name.Length > 0).Select(c => c.Name));
            diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.ClusterNamesMixed, unnamed.SpecPaths.FirstOrDefault(), request.ClientName, named, unnamed.SpecPaths.FirstOrDefault() ?? string.Empty));
            return null;
        }

        var allDefinitions = catalogs.SelectMany(c => c.DefinitionNames).ToList();
        var clusters = new List<ClusterBuild>();
        foreach (var cluster in request.Clusters)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var own = catalogs.Where(c => cluster.SpecPaths.Contains(c.Path)).ToList();
            var version = cluster.ServerVersion ?? own.Select(c => c.ServerVersion).FirstOrDefault(v => v is not null);
            var display = version is null ? cluster.Name : $"{cluster.Name} ({version})";
            var clusterDiagnostics = new List<DiagnosticInfo>();
            var model = ModelBuilder.BuildCluster(request, own, allDefinitions, clusterDiagnostics, cancellationToken);
            clusters.Add(new ClusterBuild(cluster, display, model, clusterDiagnostics));
            if (surfaces is not null && model is not null)
            {
                surfaces.Add(new ClusterSurfaceModel(cluster.Name, cluster.SpecPaths, SelectedSurface.Lines(model), cluster.ServerVersion));
            }
        }

        ReportMissingSelections(request, clusters, diagnostics);
        if (clusters.Any(c => c.Model is null))
        {
            return null;
        }

        return new Merge(clusters, diagnostics).Run();
    }

    /// <summary>
    /// Keeps each cluster's diagnostics once, except "not served" ones about what another cluster serves:
    /// a verb (KGEN0005) becomes one naming the cluster that lacks it (KGEN0020, or KGEN0021 when optional
    /// there); a resource (KGEN0004) is left to the merge, which knows which group-version each cluster serves.
    /// </summary>
    private static void ReportMissingSelections(ClientRequest request, List<ClusterBuild> clusters, List<DiagnosticInfo> diagnostics)
    {
        var lacking = clusters.ToDictionary(c => c, c => new HashSet<string>(c.Diagnostics.Select(Unserved).Where(u => u is not null).Select(u => u!), StringComparer.Ordinal));
        var reportedEverywhere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cluster in clusters)
        {
            foreach (var diagnostic in cluster.Diagnostics)
            {
                if (Unserved(diagnostic) is not { } selection)
                {
                    diagnostics.Add(diagnostic);
                    continue;
                }

                var servedBy = clusters.Where(c => !lacking[c].Contains(selection)).Select(c => c.Display).ToList();
                if (servedBy.Count == 0)
                {
                    // Nobody serves it: the plain diagnostic, once.
                    if (reportedEverywhere.Add(selection))
                    {
                        diagnostics.Add(diagnostic);
                    }

                    continue;
                }

                // A resource other clusters serve is reported by the merge, with the group-version each serves.
                if (diagnostic.Id == KubeGenDiagnostics.UnknownResource.Id)
                {
                    continue;
                }

                var optional = cluster.Request.Optional.Contains(selection) || cluster.Request.Optional.Contains(selection.Split(':')[0]);
                diagnostics.Add(optional
                    ? DiagnosticInfo.Create(KubeGenDiagnostics.OptionalSelectionMissing, diagnostic.FilePath, selection, cluster.Display, string.Join(", ", servedBy))
                    : DiagnosticInfo.Create(KubeGenDiagnostics.ClusterLacksSelection, diagnostic.FilePath, selection, request.ClientName, string.Join(", ", servedBy), cluster.Display));
            }
        }
    }

    /// <summary>The selection a "not served" diagnostic is about: "pods" (KGEN0004) or "pods:watch" (KGEN0005).</summary>
    private static string? Unserved(DiagnosticInfo diagnostic)
        => diagnostic.Id == KubeGenDiagnostics.UnknownResource.Id ? diagnostic.Arguments[0]
            : diagnostic.Id == KubeGenDiagnostics.UnknownVerb.Id ? diagnostic.Arguments[1] + ":" + diagnostic.Arguments[0]
            : null;

    /// <summary>One cluster's request, display name ("prod (v1.31.1)"), model and diagnostics.</summary>
    private sealed class ClusterBuild
    {
        public ClusterBuild(ClusterRequest request, string display, ClientModel? model, List<DiagnosticInfo> diagnostics)
        {
            Request = request;
            Display = display;
            Model = model;
            Diagnostics = diagnostics;
        }

        public ClusterRequest Request { get; }

        public string Display { get; }

        public ClientModel? Model { get; }

        public List<DiagnosticInfo> Diagnostics { get; }
    }

    /// <summary>The merge of the clusters' models into one.</summary>
    private sealed class Merge
    {
        private readonly List<ClusterBuild> _clusters;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly string _diagnosticPath;

        public Merge(List<ClusterBuild> clusters, List<DiagnosticInfo> diagnostics)
        {
            _clusters = clusters;
            _diagnostics = diagnostics;
            _diagnosticPath = clusters[0].Request.SpecPaths.FirstOrDefault() ?? string.Empty;
        }

        private IEnumerable<ClientModel> Models => _clusters.Select(c => c.Model!);

        public ClientModel Run()
        {
            var first = _clusters[0].Model!;
            var types = MergeTypes();
            var options = MergeOptions();
            var groupVersions = MergeGroupVersions(options.ToDictionary(o => "global::" + first.RootNamespace + "." + o.Name, StringComparer.Ordinal));
            var rules = Models.SelectMany(m => m.Rbac.Rules)
                .GroupBy(r => r.Group + "\n" + r.Resource + "\n" + r.Namespaced, StringComparer.Ordinal)
                .Select(g => g.First() with { Verbs = g.SelectMany(r => r.Verbs).Distinct(StringComparer.Ordinal).OrderBy(v => Selection.ResourceSelector.KnownVerbs.IndexOf(v)).ToImmutableEquatableArray() })
                .ToImmutableEquatableArray();
            var election = Models.Select(m => m.LeaderElection).Distinct().Count() == 1 ? first.LeaderElection : null;
            var eventSink = Models.Select(m => m.EventSink).Distinct().Count() == 1 ? first.EventSink : null;
            return first with
            {
                Types = types,
                Options = options,
                GroupVersions = groupVersions,
                Rbac = first.Rbac with { Rules = rules },
                LeaderElection = election,
                EventSink = eventSink,
            };
        }

        /// <summary>Every type any cluster reaches; a property only some clusters that have the type have is marked.</summary>
        private ImmutableEquatableArray<TypeModel> MergeTypes()
        {
            var byName = new Dictionary<string, List<(ClusterBuild Cluster, TypeModel Type)>>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var cluster in _clusters)
            {
                foreach (var type in cluster.Model!.Types)
                {
                    if (!byName.TryGetValue(type.FullName, out var list))
                    {
                        byName.Add(type.FullName, list = new List<(ClusterBuild, TypeModel)>());
                        order.Add(type.FullName);
                    }

                    list.Add((cluster, type));
                }
            }

            return order
                .Select(name => MergeType(byName[name]))
                .OrderBy(t => t.Namespace, StringComparer.Ordinal)
                .ThenBy(t => t.Name, StringComparer.Ordinal)
                .ToImmutableEquatableArray();
        }

        private TypeModel MergeType(List<(ClusterBuild Cluster, TypeModel Type)> versions)
        {
            var first = versions[0].Type;
            if (versions.Count == 1 || versions.All(v => v.Type == first))
            {
                return first;
            }

            var properties = new List<PropertyModel>();
            foreach (var jsonName in versions.SelectMany(v => v.Type.Properties.Select(p => p.JsonName)).Distinct(StringComparer.Ordinal))
            {
                var having = versions.Where(v => v.Type.Properties.Any(p => p.JsonName == jsonName))
                    .Select(v => (v.Cluster, Property: v.Type.Properties.First(p => p.JsonName == jsonName)))
                    .ToList();
                var property = having[0].Property;
                var type = property.Type;
                foreach (var (cluster, other) in having.Skip(1))
                {
                    type = Reconcile($"{first.Namespace}.{first.Name}.{jsonName}", type, having[0].Cluster, other.Type, cluster);
                }

                properties.Add(property with
                {
                    Type = type,
                    Required = having.Count == versions.Count && having.All(h => h.Property.Required),
                    Nullable = having.Count != versions.Count || having.Any(h => h.Property.Nullable) || type.IsValueType,
                    Description = property.Description,
                    Availability = Availability(having.Select(h => h.Cluster), versions.Select(v => v.Cluster)),
                });
            }

            return first with { Properties = properties.ToImmutableEquatableArray() };
        }

        /// <summary>The options classes of every cluster; a query parameter only some clusters take is marked.</summary>
        private ImmutableEquatableArray<OptionsTypeModel> MergeOptions()
        {
            var result = new List<OptionsTypeModel>();
            foreach (var group in _clusters.SelectMany(c => c.Model!.Options.Select(o => (Cluster: c, Options: o))).GroupBy(x => x.Options.Name, StringComparer.Ordinal))
            {
                var versions = group.ToList();
                var first = versions[0].Options;
                var properties = versions
                    .SelectMany(v => v.Options.Properties.Select(p => p.JsonName))
                    .Distinct(StringComparer.Ordinal)
                    .OrderBy(n => n, StringComparer.Ordinal)
                    .Select(jsonName =>
                    {
                        var having = versions.Where(v => v.Options.Properties.Any(p => p.JsonName == jsonName)).ToList();
                        var property = having[0].Options.Properties.First(p => p.JsonName == jsonName);
                        return property with { Availability = Availability(having.Select(h => h.Cluster), _clusters) };
                    })
                    .ToImmutableEquatableArray();
                result.Add(first with { Properties = properties });
            }

            return result.OrderBy(o => (int)o.Subresource).ThenBy(o => (int)o.Verb).ToImmutableEquatableArray();
        }

        /// <summary>The group-versions and resources of every cluster, with the operations of every cluster.</summary>
        private ImmutableEquatableArray<GroupVersionModel> MergeGroupVersions(Dictionary<string, OptionsTypeModel> options)
        {
            var result = new List<GroupVersionModel>();
            foreach (var group in _clusters.SelectMany(c => c.Model!.GroupVersions.Select(g => (Cluster: c, GroupVersion: g))).GroupBy(x => x.GroupVersion.Namespace, StringComparer.Ordinal))
            {
                var versions = group.ToList();
                var resources = versions
                    .SelectMany(v => v.GroupVersion.Resources.Select(r => (v.Cluster, Resource: r)))
                    .GroupBy(x => x.Resource.Plural, StringComparer.Ordinal)
                    .Select(g => MergeResource(g.ToList(), options))
                    .OrderBy(r => r.PropertyName, StringComparer.Ordinal)
                    .ToImmutableEquatableArray();
                result.Add(versions[0].GroupVersion with { Resources = resources });
            }

            return result.OrderBy(g => g.Namespace, StringComparer.Ordinal).ToImmutableEquatableArray();
        }

        private ResourceModel MergeResource(List<(ClusterBuild Cluster, ResourceModel Resource)> versions, Dictionary<string, OptionsTypeModel> options)
        {
            var first = versions[0].Resource;
            var operations = versions
                .SelectMany(v => v.Resource.Operations.Select(o => (v.Cluster, Operation: o)))
                .GroupBy(x => x.Operation.MethodName, StringComparer.Ordinal)
                .Select(g =>
                {
                    var having = g.ToList();
                    var operation = having[0].Operation;
                    if (operation.Options is { } use)
                    {
                        // A call sends every parameter some cluster declares; the merged class types them once.
                        var declared = new HashSet<string>(having.SelectMany(h => h.Operation.Options!.Sent.Select(p => p.JsonName)), StringComparer.Ordinal);
                        var merged = options[use.TypeName].Properties.Where(p => declared.Contains(p.JsonName)).ToImmutableEquatableArray();
                        operation = operation with { Options = use with { Sent = merged } };
                    }

                    return operation with { Availability = Availability(having.Select(h => h.Cluster), versions.Select(v => v.Cluster)) };
                })
                .OrderBy(o => o.MethodName, StringComparer.Ordinal)
                .ToImmutableEquatableArray();

            // A convenience is kept when every cluster that serves the resource makes the same calls for it.
            T? Same<T>(Func<ResourceModel, T?> part)
                where T : class
                => versions.Select(v => part(v.Resource)).Distinct().Count() == 1 ? part(first) : null;

            var availability = Availability(versions.Select(v => v.Cluster), _clusters);
            ReportMissingResource(first, versions.Select(v => v.Cluster));
            return first with
            {
                Operations = operations,
                Follow = Same(r => r.Follow),
                Cache = Same(r => r.Cache),
                LeaseStore = Same(r => r.LeaseStore),
                ObjectClient = Same(r => r.ObjectClient),
                Availability = availability,
            };
        }

        /// <summary>
        /// A selected resource (in this group-version) that a cluster does not serve: an error naming the
        /// cluster, unless the user marked it optional there (any of its Optional entries selects it).
        /// </summary>
        private void ReportMissingResource(ResourceModel resource, IEnumerable<ClusterBuild> serving)
        {
            var served = new HashSet<ClusterBuild>(serving);
            var name = resource.Plural + (resource.Group.Length == 0 ? string.Empty : "." + resource.Group) + "/" + resource.Version;
            var servedBy = string.Join(", ", _clusters.Where(served.Contains).Select(c => c.Display));
            foreach (var cluster in _clusters.Where(c => !served.Contains(c)))
            {
                var optional = cluster.Request.Optional
                    .SelectMany(entry => Selection.ResourceSelector.ParseAll(entry).Selectors)
                    .Any(selector => Selection.SelectionResolver.Selects(selector, resource.Group, resource.Version, resource.Plural, resource.Kind));
                var path = cluster.Request.SpecPaths.FirstOrDefault() ?? _diagnosticPath;
                _diagnostics.Add(optional
                    ? DiagnosticInfo.Create(KubeGenDiagnostics.OptionalSelectionMissing, path, name, cluster.Display, servedBy)
                    : DiagnosticInfo.Create(KubeGenDiagnostics.ClusterLacksSelection, path, name, _clusters[0].Model!.ClientName, servedBy, cluster.Display));
            }
        }

        /// <summary>Null when every cluster of <paramref name="all"/> has it, else who has it and who does not.</summary>
        private static ClusterAvailabilityModel? Availability(IEnumerable<ClusterBuild> having, IEnumerable<ClusterBuild> all)
        {
            var served = new HashSet<ClusterBuild>(having);
            var everyone = all.ToList();
            if (everyone.All(served.Contains))
            {
                return null;
            }

            return new ClusterAvailabilityModel(
                everyone.Where(served.Contains).Select(c => c.Display).ToImmutableEquatableArray(),
                everyone.Where(c => !served.Contains(c)).Select(c => c.Display).ToImmutableEquatableArray());
        }

        /// <summary>One type both clusters' values fit, or raw JSON with a diagnostic when there is none.</summary>
        private TypeRef Reconcile(string field, TypeRef a, ClusterBuild aCluster, TypeRef b, ClusterBuild bCluster)
        {
            if (a == b)
            {
                return a;
            }

            var wider = Wider(a, b);
            if (wider is null)
            {
                wider = TypeRef.RawJson;
            }

            if (wider != a || wider.Kind == ValueKind.RawJson)
            {
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.ClusterTypeConflict, _diagnosticPath, field, Describe(a), aCluster.Display, Describe(b), bCluster.Display, Describe(wider)));
            }

            return wider;
        }

        private static TypeRef? Wider(TypeRef a, TypeRef b)
        {
            if (a == b)
            {
                return a;
            }

            bool Is(ValueKind x, ValueKind y) => (a.Kind == x && b.Kind == y) || (a.Kind == y && b.Kind == x);
            if (Is(ValueKind.Int32, ValueKind.Int64))
            {
                return TypeRef.Int64;
            }

            if (Is(ValueKind.Int32, ValueKind.Double) || Is(ValueKind.Int64, ValueKind.Double))
            {
                return TypeRef.Double;
            }

            if (Is(ValueKind.String, ValueKind.IntOrString) || Is(ValueKind.Int32, ValueKind.IntOrString) || Is(ValueKind.Int64, ValueKind.IntOrString) || Is(ValueKind.Int32, ValueKind.String))
            {
                return TypeRef.IntOrString;
            }

            if (a.Kind == b.Kind && a.Kind is ValueKind.List or ValueKind.Map && Wider(a.Element!, b.Element!) is { } element && element.Kind != ValueKind.RawJson)
            {
                return a.Kind == ValueKind.List ? TypeRef.List(element) : TypeRef.Map(element);
            }

            return null;
        }

        private static string Describe(TypeRef type) => type.Kind switch
        {
            ValueKind.Object => type.ObjectName!.Substring(type.ObjectName.LastIndexOf('.') + 1),
            ValueKind.List => "a list of " + Describe(type.Element!),
            ValueKind.Map => "a map of " + Describe(type.Element!),
            ValueKind.RawJson => "raw JSON",
            _ => type.Kind.ToString(),
        };
    }
}
