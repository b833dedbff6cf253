using System;
using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Diagnostics;
using KubeGen.Generator.Modeling;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Pipeline;

namespace KubeGen.Generator.Selection;

/// <summary>
/// Resolves a client's <c>Resources</c> selectors against the resources its specs serve: which
/// resource each entry means (group and version preference as kubectl has them), which of its verbs,
/// and a diagnostic for every entry that names nothing or something the spec does not serve.
/// </summary>
internal sealed class SelectionResolver
{
    private readonly ClientRequest _request;
    private readonly string _diagnosticPath;
    private readonly List<DiagnosticInfo> _diagnostics;

    public SelectionResolver(ClientRequest request, string diagnosticPath, List<DiagnosticInfo> diagnostics)
    {
        _request = request;
        _diagnosticPath = diagnosticPath;
        _diagnostics = diagnostics;
    }

    /// <summary>Every resource once (the first spec that serves it wins), remembering the spec it came from.</summary>
    public static List<AvailableResource> Available(IEnumerable<SpecCatalog> catalogs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<AvailableResource>();
        foreach (var catalog in catalogs)
        {
            foreach (var resource in catalog.Resources)
            {
                if (seen.Add(resource.Group + "/" + resource.Version + "/" + resource.Plural))
                {
                    result.Add(new AvailableResource(resource, catalog));
                }
            }
        }

        return result;
    }

    /// <summary>The selected resources in selector order (every resource when nothing is selected), each with its verbs.</summary>
    public List<SelectedResource> Resolve(List<AvailableResource> available)
    {
        var chosen = new Dictionary<CatalogResource, HashSet<string>?>();
        var subresources = new Dictionary<CatalogResource, Dictionary<string, HashSet<string>?>>();
        var order = new List<AvailableResource>();
        void ChooseSubresource(CatalogResource resource, string subresource, HashSet<string>? verbs)
        {
            if (!subresources.TryGetValue(resource, out var named))
            {
                named = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
                subresources[resource] = named;
            }

            named[subresource] = !named.TryGetValue(subresource, out var existing) ? verbs
                : existing is null || verbs is null ? null
                : new HashSet<string>(existing.Concat(verbs), StringComparer.Ordinal);
        }

        SelectedResource Selected(AvailableResource r)
            => new(r.Resource, r.Catalog, chosen[r.Resource], subresources.TryGetValue(r.Resource, out var named) ? named : null);

        void Choose(AvailableResource resource, HashSet<string>? verbs)
        {
            if (!chosen.TryGetValue(resource.Resource, out var existing))
            {
                order.Add(resource);
                chosen[resource.Resource] = verbs;
            }
            else if (existing is not null)
            {
                // Two entries for one resource: their verbs add up; "all" wins.
                chosen[resource.Resource] = verbs is null ? null : new HashSet<string>(existing.Concat(verbs), StringComparer.Ordinal);
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
            foreach (var resource in available.OrderBy(r => r.Resource.Group, StringComparer.Ordinal).ThenBy(r => r.Resource.Version, StringComparer.Ordinal).ThenBy(r => r.Resource.Plural, StringComparer.Ordinal))
            {
                Choose(resource, null);
            }

            return order.Select(Selected).ToList();
        }

        foreach (var entry in entries)
        {
            var selector = AsVersion(entry, available);
            var matches = available.Where(r => Matches(r.Resource, selector)).ToList();
            if (matches.Count == 0)
            {
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.UnknownResource, _diagnosticPath, selector.Text, _request.ClientName, Closest(selector, available)));
                continue;
            }

            var groups = matches.Select(m => m.Resource.Group).Distinct(StringComparer.Ordinal).ToList();
            if (groups.Count > 1)
            {
                if (!groups.Contains(string.Empty))
                {
                    var example = matches[0].Resource.Plural + "." + groups[0];
                    _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.AmbiguousResource, _diagnosticPath, selector.Text, string.Join(", ", groups.OrderBy(g => g, StringComparer.Ordinal)), example));
                    continue;
                }

                // Like kubectl, the core group wins for a bare name ("events" is core/v1 Event).
                matches = matches.Where(m => m.Resource.Group.Length == 0).ToList();
            }

            var versions = matches.Select(m => m.Resource.Version).Distinct(StringComparer.Ordinal).ToList();
            var version = KubeVersionOrder.Preferred(versions).First();
            var chosenResource = matches.First(m => m.Resource.Version == version);
            var resource = chosenResource.Resource;
            if (versions.Count > 1)
            {
                var explicitForm = resource.Selector + "/" + KubeVersionOrder.Preferred(versions).Skip(1).First();
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.VersionChosen, _diagnosticPath, selector.Text, string.Join(", ", KubeVersionOrder.Preferred(versions)), resource.GroupVersion, explicitForm));
            }

            if (selector.Subresource is { } subresource)
            {
                if (SubresourceVerbs(selector, chosenResource) is { } subresourceVerbs)
                {
                    // Only the subresource: the resource's own verbs stay as other entries select them (none by this one).
                    Choose(chosenResource, new HashSet<string>(StringComparer.Ordinal));
                    ChooseSubresource(resource, subresource, subresourceVerbs.Count == 0 ? null : subresourceVerbs);
                }

                continue;
            }

            HashSet<string>? verbs = null;
            if (!selector.AllVerbs)
            {
                var served = ServedVerbs(chosenResource);
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

            Choose(chosenResource, verbs);
        }

        return order.Select(Selected).ToList();
    }

    /// <summary>
    /// The verbs an entry naming a subresource selects (empty: all the subresource serves), or null after a diagnostic:
    /// the spec does not serve the subresource, KubeGen does not generate it, or it does not serve a named verb.
    /// </summary>
    private HashSet<string>? SubresourceVerbs(ResourceSelector selector, AvailableResource available)
    {
        var name = selector.Subresource!;
        if (name == Subresources.Finalizers)
        {
            return FinalizersVerbs(selector);
        }

        var operations = available.Resource.Operations.Where(o => o.Subresource == name).ToList();
        var kind = Subresources.KindOf(name);
        if (operations.Count == 0 || kind is null)
        {
            var why = operations.Count == 0
                ? $"the spec does not serve for {available.Resource.Selector} (it serves: {string.Join(", ", available.Resource.Operations.Select(o => o.Subresource).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal))})"
                : $"KubeGen does not generate (it generates {string.Join(", ", Subresources.Generated)})";
            _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.UnknownSubresource, _diagnosticPath, selector.Text, name, why));
            return null;
        }

        var served = new HashSet<string>(operations.SelectMany(o => Subresources.SelectableVerbs(kind.Value, VerbOf(o.Action))), StringComparer.Ordinal);
        var verbs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var verb in selector.Verbs.IsDefault ? Enumerable.Empty<string>() : selector.Verbs)
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

        return !selector.AllVerbs && verbs.Count == 0 ? null : verbs;
    }

    /// <summary>A <c>finalizers</c> entry: a permission with no call behind it, so only its one verb (update) is valid.</summary>
    private HashSet<string>? FinalizersVerbs(ResourceSelector selector)
    {
        foreach (var verb in selector.Verbs.IsDefault ? Enumerable.Empty<string>() : selector.Verbs)
        {
            if (verb != Subresources.FinalizersVerb)
            {
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.UnknownVerb, _diagnosticPath, verb, selector.Text, Subresources.FinalizersVerb));
            }
        }

        return !selector.AllVerbs && !selector.Verbs.Contains(Subresources.FinalizersVerb) ? null : new HashSet<string>(StringComparer.Ordinal) { Subresources.FinalizersVerb };
    }

    /// <summary>
    /// An entry whose only segment after '/' reads as a subresource but is a version the resource is served in (a CRD
    /// version not shaped like v1beta1): it names the version, as it did before subresources could be selected.
    /// </summary>
    private static ResourceSelector AsVersion(ResourceSelector selector, List<AvailableResource> available)
        => selector is { Subresource: { } name, Version: null }
            && available.Any(r => r.Resource.Version == name && Selects(selector, r.Resource.Group, r.Resource.Version, r.Resource.Plural, r.Resource.Kind))
            ? selector with { Version = name, Subresource = null }
            : selector;

    /// <summary>The RBAC verb of an x-kubernetes-action (list also serves watch, decided separately).</summary>
    public static string? VerbOf(string action) => action switch
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

    /// <summary>Whether a list operation also serves watch (it has the watch query parameter).</summary>
    public static bool ServesWatch(SpecCatalog catalog, CatalogOperation operation)
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

    private static HashSet<string> ServedVerbs(AvailableResource available)
    {
        var verbs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in available.Resource.Operations.Where(o => o.Subresource.Length == 0))
        {
            if (VerbOf(operation.Action) is { } verb)
            {
                verbs.Add(verb);
            }

            if (operation.Action == "list" && ServesWatch(available.Catalog, operation))
            {
                verbs.Add("watch");
            }
        }

        return verbs;
    }

    private static bool Matches(CatalogResource resource, ResourceSelector selector)
        => Selects(selector, resource.Group, resource.Version, resource.Plural, resource.Kind);

    /// <summary>Whether a selector entry names the resource (by plural or kind, and its group and version when the entry has them).</summary>
    public static bool Selects(ResourceSelector selector, string group, string version, string plural, string? kind)
    {
        var nameMatches = plural == selector.Name || string.Equals(kind, selector.Name, StringComparison.OrdinalIgnoreCase);
        return nameMatches
            && (selector.Group is null || group == selector.Group || (selector.Group == "core" && group.Length == 0))
            && (selector.Version is null || version == selector.Version);
    }

    private static string Closest(ResourceSelector selector, List<AvailableResource> available)
    {
        var candidates = available
            .Select(r => r.Resource.Selector)
            .Distinct(StringComparer.Ordinal)
            .Select(name => new Candidate(name, EditDistance(selector.Name, name.Split('.')[0])))
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

    private sealed record Candidate(string Name, int Distance);
}

/// <summary>A resource a client's specs serve and the spec that serves it.</summary>
internal sealed record AvailableResource(CatalogResource Resource, SpecCatalog Catalog);

/// <summary>
/// A selected resource, its spec, the verbs selected for it (null: all it serves), and the subresources selected by name
/// (<c>pods/log</c>) with their verbs (null: all), which are the only way log, exec and the like are selected.
/// </summary>
internal sealed record SelectedResource(CatalogResource Resource, SpecCatalog Catalog, HashSet<string>? Verbs, IReadOnlyDictionary<string, HashSet<string>?>? Subresources = null);
