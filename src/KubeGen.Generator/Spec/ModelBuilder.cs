using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using KubeGen.Generator.Diagnostics;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Spec;

/// <summary>
/// Turns parsed spec catalogs and a client's selection into the equatable <see cref="ClientModel"/>:
/// resolves the selectors, builds the operations and maps the closure of types they reach.
/// </summary>
internal sealed class ModelBuilder
{
    private static readonly HashSet<string> s_excludedQuery = new(StringComparer.Ordinal) { "pretty", "watch" };
    private static readonly HashSet<string> s_watchOnlyQuery = new(StringComparer.Ordinal) { "allowWatchBookmarks", "sendInitialEvents" };
    private static readonly HashSet<string> s_listOnlyQuery = new(StringComparer.Ordinal) { "limit", "continue" };

    /// <summary>The parameters and locals of every generated method: a query parameter may not take their names.</summary>
    private static readonly string[] s_methodNames = { "namespace", "name", "body", "options", "patch", "cancellationToken", "url", "response" };

    /// <summary>The members of every client root: a group-version property may not take their names.</summary>
    private static readonly string[] s_rootMembers = { "Connection", "Namespace", "RbacRules", "InCluster", "Dispose", "DisposeAsync", "CreateLeaderElector", "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals" };

    private readonly ClientRequest _request;
    private readonly IReadOnlyList<SpecCatalog> _catalogs;
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly Dictionary<CatalogResource, SpecCatalog> _ownerCatalog = new();
    private readonly string _diagnosticPath;

    private ModelBuilder(ClientRequest request, IReadOnlyList<SpecCatalog> catalogs)
    {
        _request = request;
        _catalogs = catalogs;
        _diagnosticPath = request.SpecPaths.FirstOrDefault() ?? string.Empty;
    }

    public static ClientResult Build(ClientRequest request, IReadOnlyList<SpecCatalog> catalogs, CancellationToken cancellationToken)
    {
        var builder = new ModelBuilder(request, catalogs);
        try
        {
            var model = builder.Build(cancellationToken);
            return new ClientResult(model, builder._diagnostics.Distinct().ToImmutableEquatableArray());
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // Never throw out of the generator: an unexpected failure is a diagnostic.
            builder._diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.InternalError, builder._diagnosticPath, $"generating client '{request.ClientName}'", exception.GetType().Name + ": " + exception.Message));
            return new ClientResult(null, builder._diagnostics.ToImmutableEquatableArray());
        }
    }

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

        var available = MergeResources(valid);
        var selected = ResolveSelection(available);
        var namer = new DefinitionNamer(valid.SelectMany(c => c.DefinitionNames), new[] { _request.ClientName });
        var mapper = new SchemaMapper(_request.RootNamespace, valid, namer, _diagnostics);

        // Records rather than tuples here and below: LINQ and collections instantiated over value
        // tuples are JIT-compiled in every fresh compiler; over classes they share precompiled code.
        var resources = new List<BuiltResource>();
        var rbac = new List<RbacRuleModel>();
        foreach (var (resource, verbs) in selected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (ns, model) = BuildResource(_ownerCatalog[resource], resource, verbs, mapper);
            resources.Add(new BuiltResource(ns, model));
            rbac.AddRange(RbacRules(resource, model));
        }

        mapper.Complete(cancellationToken);

        var rootMembers = new HashSet<string>(s_rootMembers, StringComparer.Ordinal) { _request.ClientName };
        var groupVersions = resources
            .GroupBy(r => r.Namespace, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First().Resource;
                var className = CSharpNames.Unique(g.Key + "Client", mapper.TypeNamesIn(g.Key));
                return new GroupVersionModel(
                    _request.RootNamespace + "." + g.Key,
                    CSharpNames.Unique(g.Key, rootMembers),
                    className,
                    first.Group,
                    first.Version,
                    UniqueProperties(g.Select(r => r.Resource), className));
            })
            .ToImmutableEquatableArray();

        var types = mapper.Types
            .OrderBy(t => t.Namespace, StringComparer.Ordinal)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToImmutableEquatableArray();

        // RBAC has no versions: a resource selected in two versions is one rule.
        var rules = rbac
            .GroupBy(r => (r.Group, r.Resource, r.Namespaced))
            .Select(g => new RbacRuleModel(
                g.Key.Group,
                g.Key.Resource,
                g.Key.Namespaced,
                g.SelectMany(r => r.Verbs).Distinct(StringComparer.Ordinal).OrderBy(v => ResourceSelector.KnownVerbs.IndexOf(v)).ToImmutableEquatableArray()))
            .ToImmutableEquatableArray();
        return new ClientModel(_request.RootNamespace, _request.ClientName, groupVersions, types, rules);
    }

    /// <summary>The resources of one group-version class, each property name once (plurals such as "foo-bars" and "foobars" read alike).</summary>
    private static ImmutableEquatableArray<ResourceModel> UniqueProperties(IEnumerable<ResourceModel> resources, string className)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { className, "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals" };
        return resources
            .OrderBy(r => r.PropertyName, StringComparer.Ordinal)
            .ThenBy(r => r.Plural, StringComparer.Ordinal)
            .Select(r => r with { PropertyName = CSharpNames.Unique(r.PropertyName, taken) })
            .ToImmutableEquatableArray();
    }

    /// <summary>Every resource once (the first spec that serves it wins), remembering the spec it came from.</summary>
    private List<CatalogResource> MergeResources(IEnumerable<SpecCatalog> catalogs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<CatalogResource>();
        foreach (var catalog in catalogs)
        {
            foreach (var resource in catalog.Resources)
            {
                if (seen.Add(resource.Group + "/" + resource.Version + "/" + resource.Plural))
                {
                    result.Add(resource);
                    _ownerCatalog[resource] = catalog;
                }
            }
        }

        return result;
    }

    private List<SelectedResource> ResolveSelection(List<CatalogResource> available)
    {
        var chosen = new Dictionary<CatalogResource, HashSet<string>?>();
        var order = new List<CatalogResource>();
        void Choose(CatalogResource resource, HashSet<string>? verbs)
        {
            if (!chosen.TryGetValue(resource, out var existing))
            {
                order.Add(resource);
                chosen[resource] = verbs;
            }
            else if (existing is not null)
            {
                // Two entries for one resource: their verbs add up; "all" wins.
                chosen[resource] = verbs is null ? null : new HashSet<string>(existing.Concat(verbs), StringComparer.Ordinal);
            }
        }

        var entries = _request.Selectors.SelectMany(s => ResourceSelector.ParseAll(s).Selectors).ToList();
        foreach (var error in _request.Selectors.SelectMany(s => ResourceSelector.ParseAll(s).Errors))
        {
            _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.InvalidSelector, _diagnosticPath, error.Entry, error.Problem));
        }

        // Items of one client with different selectors (the same entries in another order agree).
        if (_request.Selectors.Select(s => string.Join(";", s.Split(';', '|').Select(e => e.Trim()).Where(e => e.Length > 0).OrderBy(e => e, StringComparer.Ordinal))).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.ConflictingSelectors, _diagnosticPath, _request.ClientName));
        }

        if (_request.Selectors.All(string.IsNullOrWhiteSpace))
        {
            foreach (var resource in available.OrderBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal).ThenBy(r => r.Plural, StringComparer.Ordinal))
            {
                Choose(resource, null);
            }

            return order.Select(r => new SelectedResource(r, chosen[r])).ToList();
        }

        foreach (var selector in entries)
        {
            var matches = available.Where(r => Matches(r, selector)).ToList();
            if (matches.Count == 0)
            {
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.UnknownResource, _diagnosticPath, selector.Text, _request.ClientName, Closest(selector, available)));
                continue;
            }

            var groups = matches.Select(m => m.Group).Distinct(StringComparer.Ordinal).ToList();
            if (groups.Count > 1)
            {
                if (!groups.Contains(string.Empty))
                {
                    var example = matches[0].Plural + "." + groups[0];
                    _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.AmbiguousResource, _diagnosticPath, selector.Text, string.Join(", ", groups.OrderBy(g => g, StringComparer.Ordinal)), example));
                    continue;
                }

                // Like kubectl, the core group wins for a bare name ("events" is core/v1 Event).
                matches = matches.Where(m => m.Group.Length == 0).ToList();
            }

            var versions = matches.Select(m => m.Version).Distinct(StringComparer.Ordinal).ToList();
            var version = KubeVersionOrder.Preferred(versions).First();
            var resource = matches.First(m => m.Version == version);
            if (versions.Count > 1)
            {
                var explicitForm = resource.Selector + "/" + KubeVersionOrder.Preferred(versions).Skip(1).First();
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.VersionChosen, _diagnosticPath, selector.Text, string.Join(", ", KubeVersionOrder.Preferred(versions)), resource.GroupVersion, explicitForm));
            }

            HashSet<string>? verbs = null;
            if (!selector.AllVerbs)
            {
                var served = ServedVerbs(resource);
                verbs = new HashSet<string>(StringComparer.Ordinal);
                foreach (var verb in selector.Verbs)
                {
                    if (served.Contains(verb))
                    {
                        verbs.Add(verb);
                    }
                    else
                    {
                        _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.UnknownVerb, _diagnosticPath, verb, selector.Text, string.Join(", ", ResourceSelector.KnownVerbs.Where(served.Contains))));
                    }
                }
            }

            Choose(resource, verbs);
        }

        return order.Select(r => new SelectedResource(r, chosen[r])).ToList();
    }

    private static bool Matches(CatalogResource resource, ResourceSelector selector)
    {
        var nameMatches = resource.Plural == selector.Name || string.Equals(resource.Kind, selector.Name, StringComparison.OrdinalIgnoreCase);
        return nameMatches
            && (selector.Group is null || resource.Group == selector.Group || (selector.Group == "core" && resource.Group.Length == 0))
            && (selector.Version is null || resource.Version == selector.Version);
    }

    private static string Closest(ResourceSelector selector, List<CatalogResource> available)
    {
        var candidates = available
            .Select(r => r.Selector)
            .Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: EditDistance(selector.Name, name.Split('.')[0])))
            .Where(c => c.Distance <= Math.Max(2, selector.Name.Length / 3))
            .ToList();
        if (candidates.Any(c => c.Distance == 0))
        {
            // The name is served, only in another group or version ("pods.apps"): that is the answer, near names are noise.
            candidates = candidates.Where(c => c.Distance == 0).ToList();
        }

        var names = candidates
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(c => "'" + c.Name + "'")
            .ToList();
        return names.Count == 0 ? string.Empty : "; did you mean " + string.Join(" or ", names) + "?";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private HashSet<string> ServedVerbs(CatalogResource resource)
    {
        var verbs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in resource.Operations.Where(o => o.Subresource.Length == 0))
        {
            if (VerbOf(operation.Action) is { } verb)
            {
                verbs.Add(verb);
            }

            if (operation.Action == "list" && HasWatchParameter(_ownerCatalog[resource], operation))
            {
                verbs.Add("watch");
            }
        }

        return verbs;
    }

    private static string? VerbOf(string action) => action switch
    {
        "get" => "get",
        "list" => "list",
        "post" => "create",
        "put" => "update",
        "patch" => "patch",
        "delete" => "delete",
        "deletecollection" => "deletecollection",
        _ => null,
    };

    private static bool HasWatchParameter(SpecCatalog catalog, CatalogOperation operation)
    {
        foreach (var parameter in SpecOperations.Parameters(catalog, operation))
        {
            if (parameter.TryGetProperty("name", out var name) && name.GetString() == "watch")
            {
                return true;
            }
        }

        return false;
    }

    private (string Namespace, ResourceModel Model) BuildResource(SpecCatalog catalog, CatalogResource resource, HashSet<string>? verbs, SchemaMapper mapper)
    {
        var operations = new List<OperationModel>();
        TypeRef? kindType = null;
        foreach (var operation in resource.Operations)
        {
            var verb = VerbOf(operation.Action);
            if (verb is null)
            {
                continue;
            }

            var subresourceSuffix = operation.Subresource switch
            {
                "" => string.Empty,
                "status" => "Status",
                "scale" => "Scale",
                _ => null,
            };
            if (subresourceSuffix is null)
            {
                continue;
            }

            var allowsList = verbs is null || verbs.Contains("list");
            var allowsWatch = verbs is null || verbs.Contains("watch");
            if (operation.Action == "list" && HasWatchParameter(catalog, operation) && allowsWatch)
            {
                operations.Add(BuildOperation(catalog, resource, operation, mapper, OperationKind.Watch, "watch", subresourceSuffix));
            }

            if (operation.Action == "list" && !allowsList)
            {
                continue;
            }

            if (operation.Action != "list" && verbs is not null && !verbs.Contains(verb))
            {
                continue;
            }

            var kind = operation.Action switch
            {
                "get" => OperationKind.Get,
                "list" => OperationKind.List,
                "post" => OperationKind.Create,
                "put" => OperationKind.Replace,
                "patch" => OperationKind.Patch,
                "delete" => OperationKind.Delete,
                _ => OperationKind.DeleteCollection,
            };
            var built = BuildOperation(catalog, resource, operation, mapper, kind, verb, subresourceSuffix);
            operations.Add(built);
            if (subresourceSuffix.Length == 0 && kind is OperationKind.Get or OperationKind.Create or OperationKind.Replace && built.ResponseType is { Kind: ValueKind.Object })
            {
                kindType ??= built.ResponseType;
            }
        }

        // A list- or watch-only selection has no operation returning the kind itself: take it
        // from the items of the list the list operation returns (PodList.items → Pod).
        kindType ??= operations.Select(o => o.ResponseType).FirstOrDefault(t => t is { Kind: ValueKind.Object } && IsNotList(t))
            ?? ListItemType(catalog, resource, mapper);

        var ns = kindType?.ObjectName is { } full
            ? full.Substring(("global::" + _request.RootNamespace + ".").Length, full.LastIndexOf('.') - ("global::" + _request.RootNamespace + ".").Length)
            : DefinitionNamer.NamespaceForGroupVersion(resource.Group, resource.Version);
        var kindName = resource.Kind!;
        var property = CSharpNames.ResourceProperty(resource.Plural, kindName);
        var clientClass = CSharpNames.Unique(property + "Client", mapper.TypeNamesIn(ns));
        var ordered = operations
            .GroupBy(o => o.MethodName, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(o => o.MethodName, StringComparer.Ordinal)
            .ToImmutableEquatableArray();
        return (ns, new ResourceModel(resource.Group, resource.Version, resource.Plural, kindName, resource.Namespaced, property, clientClass, kindType, ordered));

        static bool IsNotList(TypeRef? type) => type?.ObjectName is { } name && !name.EndsWith("List", StringComparison.Ordinal);
    }

    private static TypeRef? ListItemType(SpecCatalog catalog, CatalogResource resource, SchemaMapper mapper)
    {
        foreach (var operation in resource.Operations.Where(o => o.Action == "list" && o.Subresource.Length == 0))
        {
            if (SpecOperations.ResponseSchema(catalog, operation) is { } schema
                && SchemaMapper.ReferenceOf(schema) is { } reference
                && mapper.TryFindDefinition(reference.Substring(reference.LastIndexOf('/') + 1), out var list, out _)
                && list.TryGetProperty("properties", out var properties)
                && properties.TryGetProperty("items", out var items)
                && items.TryGetProperty("items", out var item))
            {
                return mapper.Map(item, new InlineContext(DefinitionNamer.NamespaceForGroupVersion(resource.Group, resource.Version), CSharpNames.Pascal(resource.Kind!), PathOf(operation).Template, catalog.Path));
            }
        }

        return null;
    }

    private OperationModel BuildOperation(SpecCatalog catalog, CatalogResource resource, CatalogOperation operation, SchemaMapper mapper, OperationKind kind, string verb, string subresourceSuffix)
    {
        var allNamespaces = resource.Namespaced && !operation.HasNamespace;
        var baseName = kind switch
        {
            OperationKind.Get => "Get",
            OperationKind.List => "List",
            OperationKind.Watch => "Watch",
            OperationKind.Create => "Create",
            OperationKind.Replace => "Replace",
            OperationKind.Patch => "Patch",
            OperationKind.Delete => "Delete",
            _ => "DeleteCollection",
        };
        var methodName = baseName + subresourceSuffix + (allNamespaces ? "ForAllNamespaces" : string.Empty) + "Async";
        var path = PathOf(operation);
        var display = $"{operation.HttpMethod.ToUpperInvariant()} {path.Template}";

        var query = new List<QueryParameterModel>();
        var parameterNames = new HashSet<string>(s_methodNames, StringComparer.Ordinal);
        foreach (var parameter in SpecOperations.Parameters(catalog, operation))
        {
            if (!parameter.TryGetProperty("in", out var location) || location.GetString() != "query")
            {
                continue;
            }

            var name = parameter.GetProperty("name").GetString()!;
            if (s_excludedQuery.Contains(name)
                || (kind == OperationKind.List && s_watchOnlyQuery.Contains(name))
                || (kind == OperationKind.Watch && s_listOnlyQuery.Contains(name)))
            {
                continue;
            }

            var schema = parameter.TryGetProperty("schema", out var parameterSchema) ? parameterSchema : parameter;
            var type = schema.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : "string";
            var typeRef = type switch
            {
                "boolean" => TypeRef.Boolean,
                "integer" => schema.TryGetProperty("format", out var format) && format.GetString() == "int64" ? TypeRef.Int64 : TypeRef.Int32,
                _ => TypeRef.String,
            };
            query.Add(new QueryParameterModel(name, CSharpNames.Parameter(name, parameterNames), typeRef, SchemaMapper.DescriptionOf(parameter)));
        }

        TypeRef? body = null;
        if (kind is OperationKind.Create or OperationKind.Replace or OperationKind.Delete or OperationKind.DeleteCollection
            && SpecOperations.RequestBodySchema(catalog, operation) is { } bodySchema)
        {
            body = mapper.Map(bodySchema, new InlineContext(DefinitionNamer.NamespaceForGroupVersion(resource.Group, resource.Version), CSharpNames.Pascal(resource.Kind!) + baseName + "Body", display, catalog.Path));
        }

        TypeRef? response = null;
        if (SpecOperations.ResponseSchema(catalog, operation) is { } responseSchema)
        {
            response = mapper.Map(responseSchema, new InlineContext(DefinitionNamer.NamespaceForGroupVersion(resource.Group, resource.Version), CSharpNames.Pascal(resource.Kind!) + baseName + "Response", display, catalog.Path));
        }

        var description = operation.Operation.TryGetProperty("description", out var descriptionElement) ? descriptionElement.GetString() : null;
        return new OperationModel(
            methodName,
            kind,
            kind == OperationKind.Watch ? "get" : operation.HttpMethod,
            path,
            operation.HasNamespace,
            operation.HasName,
            body,
            response,
            query.ToImmutableEquatableArray(),
            description,
            verb);
    }

    private static RestPathModel PathOf(CatalogOperation operation)
    {
        var template = operation.Template;
        var root = template.Group.Length == 0 ? "/api/" + template.Version : "/apis/" + template.Group + "/" + template.Version;
        return new RestPathModel(root, template.IsNamespacedPath, template.Resource!, template.Name is not null, template.Subresource);
    }

    private static IEnumerable<RbacRuleModel> RbacRules(CatalogResource resource, ResourceModel model)
    {
        var byResource = model.Operations
            .GroupBy(o => o.MethodName.Contains("Status") ? resource.Plural + "/status" : o.MethodName.Contains("Scale") ? resource.Plural + "/scale" : resource.Plural)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byResource)
        {
            var verbs = group.Select(o => o.Verb).Distinct(StringComparer.Ordinal).OrderBy(v => ResourceSelector.KnownVerbs.IndexOf(v)).ToImmutableEquatableArray();
            yield return new RbacRuleModel(resource.Group, group.Key, model.Namespaced, verbs);
        }
    }
}

/// <summary>A selected resource and the verbs selected for it (null: all it serves).</summary>
internal sealed record SelectedResource(CatalogResource Resource, HashSet<string>? Verbs);

/// <summary>A built resource client and the namespace (group-version) it goes in.</summary>
internal sealed record BuiltResource(string Namespace, ResourceModel Resource);

/// <summary>The outcome for one client: a model (null when generation is impossible) and diagnostics.</summary>
internal sealed record ClientResult(ClientModel? Model, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
