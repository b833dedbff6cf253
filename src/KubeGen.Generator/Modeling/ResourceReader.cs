using System;
using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Mapping;
using KubeGen.Generator.Model;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Selection;
using KubeGen.Generator.Naming;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// Reads a selected resource's operations from its spec into drafts: what each call does, its path,
/// body, response and query parameters, with the types they reach mapped. Naming and options classes
/// come later, once every resource of the client is read.
/// </summary>
internal static class ResourceReader
{
    private static readonly HashSet<string> s_excludedQuery = new(StringComparer.Ordinal) { "pretty", "watch" };
    private static readonly HashSet<string> s_watchOnlyQuery = new(StringComparer.Ordinal) { "allowWatchBookmarks", "sendInitialEvents" };
    private static readonly HashSet<string> s_listOnlyQuery = new(StringComparer.Ordinal) { "limit", "continue" };

    /// <summary>Query parameters a connect call takes as arguments: exec's command, portforward's ports.</summary>
    private static readonly HashSet<string> s_positionalQuery = new(StringComparer.Ordinal) { "command", "ports" };

    public static ResourceDraft Read(SelectedResource selected, SchemaMapper mapper)
    {
        var catalog = selected.Catalog;
        var resource = selected.Resource;
        var verbs = selected.Verbs;
        var operations = new List<OperationDraft>();
        TypeRef? kindType = null;
        foreach (var operation in resource.Operations)
        {
            if (Subresources.KindOf(operation.Subresource) is not { } sub)
            {
                continue;
            }

            // A connect subresource is one call, a WebSocket (a GET); the spec's POST of it is the same call.
            var connect = Subresources.IsConnect(sub);
            var verb = connect ? (operation.HttpMethod == "get" ? "create" : null) : SelectionResolver.VerbOf(operation.Action);
            if (verb is null)
            {
                continue;
            }

            if (operation.Action == "list" && (verbs is null || verbs.Contains("watch")) && SelectionResolver.ServesWatch(catalog, operation))
            {
                operations.Add(Draft(catalog, resource, operation, mapper, OperationKind.Watch, "watch", sub));
            }

            if (!IsSelected(selected, operation.Subresource, sub, verb))
            {
                continue;
            }

            var kind = connect ? OperationKind.Connect : operation.Action switch
            {
                "get" => OperationKind.Get,
                "list" => OperationKind.List,
                "post" => OperationKind.Create,
                "put" => OperationKind.Replace,
                "patch" => OperationKind.Patch,
                "delete" => OperationKind.Delete,
                _ => OperationKind.DeleteCollection,
            };
            var draft = Draft(catalog, resource, operation, mapper, kind, verb, sub);
            operations.Add(draft);
            if (sub == SubresourceKind.None && kind is OperationKind.Get or OperationKind.Create or OperationKind.Replace && draft.Response is { Kind: ValueKind.Object })
            {
                kindType ??= draft.Response;
            }
        }

        if (!operations.Any(o => Subresources.FollowsResourceVerbs(o.Subresource)))
        {
            // Only streaming subresources (pods/log, pods/exec): nothing returns the kind, and nothing needs its model.
            return new ResourceDraft(resource, null, operations, UpdatesFinalizers(selected));
        }

        // A list- or watch-only selection has no operation returning the kind itself: take it
        // from the items of the list the list operation returns (PodList.items → Pod).
        kindType ??= operations.Select(o => o.Response).FirstOrDefault(t => t is { Kind: ValueKind.Object } && IsNotList(t))
            ?? ListItemType(catalog, resource, mapper);
        return new ResourceDraft(resource, kindType, operations, UpdatesFinalizers(selected));

        static bool IsNotList(TypeRef? type) => type?.ObjectName is { } name && !name.EndsWith("List", StringComparison.Ordinal);
    }

    /// <summary>Whether an entry names the <c>finalizers</c> permission.</summary>
    private static bool UpdatesFinalizers(SelectedResource selected)
        => selected.Subresources?.ContainsKey(Subresources.Finalizers) == true;

    /// <summary>
    /// Whether the selection asks for an operation: the resource's own and status/scale ones by the resource's verbs, or
    /// by an entry naming the subresource; the streaming subresources only by such an entry.
    /// </summary>
    private static bool IsSelected(SelectedResource selected, string subresourceName, SubresourceKind subresource, string verb)
    {
        var byName = selected.Subresources is { } named && named.TryGetValue(subresourceName, out var subresourceVerbs)
            && (subresourceVerbs is null || Subresources.SelectableVerbs(subresource, verb).Any(subresourceVerbs.Contains));
        return byName || (Subresources.FollowsResourceVerbs(subresource) && (selected.Verbs is null || selected.Verbs.Contains(verb)));
    }

    private static TypeRef? ListItemType(SpecCatalog catalog, CatalogResource resource, SchemaMapper mapper)
    {
        foreach (var operation in resource.Operations.Where(o => o.Action == "list" && o.Subresource.Length == 0))
        {
            if (SpecOperations.ResponseSchema(catalog, operation) is { } schema
                && SpecSchemas.ReferenceOf(schema) is { } reference
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

    private static OperationDraft Draft(SpecCatalog catalog, CatalogResource resource, CatalogOperation operation, SchemaMapper mapper, OperationKind kind, string verb, SubresourceKind subresource)
    {
        var path = PathOf(operation);
        var display = $"{operation.HttpMethod.ToUpperInvariant()} {path.Template}";
        var inlineNamespace = DefinitionNamer.NamespaceForGroupVersion(resource.Group, resource.Version);
        var inlinePrefix = CSharpNames.Pascal(resource.Kind!) + kind;

        var query = new List<QueryParameterDraft>();
        foreach (var parameter in SpecOperations.Parameters(catalog, operation))
        {
            if (!parameter.TryGetProperty("in", out var location) || location.GetString() != "query")
            {
                continue;
            }

            var name = parameter.GetProperty("name").GetString()!;
            if (s_excludedQuery.Contains(name)
                || (kind == OperationKind.List && s_watchOnlyQuery.Contains(name))
                || (kind == OperationKind.Watch && s_listOnlyQuery.Contains(name))
                || (kind == OperationKind.Connect && s_positionalQuery.Contains(name)))
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
            query.Add(new QueryParameterDraft(name, typeRef, SpecSchemas.DescriptionOf(parameter)));
        }

        if (subresource == SubresourceKind.Log && !query.Any(q => q.JsonName == "sinceTime"))
        {
            // A spec quirk: PodLogOptions.sinceTime is a metav1.Time, which the OpenAPI builder leaves out of the query
            // parameters; every API server reads it.
            query.Add(new QueryParameterDraft("sinceTime", TypeRef.Time, "An RFC3339 timestamp from which to show logs. If this value precedes the time a pod was started, only logs since the pod start will be returned. If this value is in the future, no logs will be returned. Only one of sinceSeconds or sinceTime may be specified."));
        }

        TypeRef? body = null;
        if (kind is OperationKind.Create or OperationKind.Replace or OperationKind.Delete
            && SpecOperations.RequestBodySchema(catalog, operation) is { } bodySchema)
        {
            body = mapper.Map(bodySchema, new InlineContext(inlineNamespace, inlinePrefix + "Body", display, catalog.Path));
        }

        TypeRef? response = null;
        if (SpecOperations.ResponseSchema(catalog, operation) is { } responseSchema)
        {
            response = mapper.Map(responseSchema, new InlineContext(inlineNamespace, inlinePrefix + "Response", display, catalog.Path));
        }

        var description = operation.Operation.TryGetProperty("description", out var descriptionElement) && descriptionElement.ValueKind == System.Text.Json.JsonValueKind.String
            ? descriptionElement.GetString()
            : null;
        return new OperationDraft(kind, subresource, kind is OperationKind.Watch or OperationKind.Connect ? "get" : operation.HttpMethod, path, body, response, query, description, verb);
    }

    private static RestPathModel PathOf(CatalogOperation operation)
    {
        var template = operation.Template;
        var root = template.Group.Length == 0 ? "/api/" + template.Version : "/apis/" + template.Group + "/" + template.Version;
        return new RestPathModel(root, template.IsNamespacedPath, template.Resource!, template.Name is not null, template.Subresource);
    }
}

/// <summary>A selected resource's operations as read from the spec, the kind's type, and whether the finalizers permission is selected.</summary>
internal sealed record ResourceDraft(CatalogResource Resource, TypeRef? KindType, List<OperationDraft> Operations, bool UpdatesFinalizers = false);

/// <summary>One operation as read from the spec, before names and options classes are decided.</summary>
internal sealed record OperationDraft(
    OperationKind Kind,
    SubresourceKind Subresource,
    string HttpMethod,
    RestPathModel Path,
    TypeRef? Body,
    TypeRef? Response,
    List<QueryParameterDraft> Query,
    string? Description,
    string Verb);

/// <summary>One query parameter of an operation, as the spec declares it.</summary>
internal sealed record QueryParameterDraft(string JsonName, TypeRef Type, string? Description);
