using System;
using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Mapping;
using KubeGen.Generator.Model;
using KubeGen.Generator.Naming;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// Turns a resource's operation drafts into its client: the class and property names, and for each
/// operation the method name, the body and options parameters and how the answer comes back.
/// </summary>
internal static class OperationModels
{
    public static ResourceModel Resource(ResourceDraft draft, OptionsBuilder options, IReadOnlyDictionary<string, TypeModel> types, SchemaMapper mapper)
    {
        var resource = draft.Resource;
        var kind = resource.Kind!;
        var localNamespace = draft.KindType?.ObjectName is { } kindName && types.TryGetValue(kindName, out var kindType)
            ? kindType.LocalNamespace
            : DefinitionNamer.NamespaceForGroupVersion(resource.Group, resource.Version);
        var property = CSharpNames.ResourceProperty(resource.Plural, kind);
        var operations = draft.Operations
            .SelectMany(o => o.Subresource switch
            {
                SubresourceKind.Log or SubresourceKind.Exec or SubresourceKind.Attach or SubresourceKind.PortForward => StreamingOperations.For(o, options),
                _ => new[] { Operation(o, resource.Namespaced, draft.KindType, options, types) },
            })
            .GroupBy(o => o.MethodName, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(o => o.MethodName, StringComparer.Ordinal)
            .ToImmutableEquatableArray();
        return new ResourceModel(
            resource.Group,
            resource.Version,
            resource.Plural,
            kind,
            resource.Namespaced,
            property,
            CSharpNames.Unique(property + "Client", mapper.TypeNamesIn(localNamespace)),
            localNamespace,
            draft.KindType,
            operations,
            Follow: null,
            Cache: null,
            LeaseStore: null,
            HintName: string.Empty,
            UpdatesFinalizers: draft.UpdatesFinalizers);
    }

    private static OperationModel Operation(OperationDraft draft, bool namespaced, TypeRef? kindType, OptionsBuilder options, IReadOnlyDictionary<string, TypeModel> types)
    {
        var acrossNamespaces = namespaced && !draft.Path.InNamespace;
        var name = draft.Subresource switch
        {
            // The action subresources of pods: what the call does, not its verb.
            SubresourceKind.Eviction => "EvictAsync",
            SubresourceKind.Binding => "BindAsync",
            _ => (draft.Kind == OperationKind.Watch ? "WatchSingleConnection" : draft.Kind.ToString())
                + (draft.Subresource == SubresourceKind.None ? string.Empty : draft.Subresource.ToString())
                + (acrossNamespaces ? "ForAllNamespaces" : string.Empty)
                + "Async",
        };
        var result = draft.Kind switch
        {
            OperationKind.Watch => OperationResult.WatchEvents,
            OperationKind.DeleteCollection => OperationResult.Nothing,
            OperationKind.Delete when kindType is { Kind: ValueKind.Object } => OperationResult.ObjectWhileDeleting,
            _ when draft.Subresource == SubresourceKind.Eviction => OperationResult.Eviction,
            // A binding answers with a Status, whatever the spec says.
            _ when draft.Subresource == SubresourceKind.Binding => OperationResult.Nothing,
            _ => OperationResult.Object,
        };
        return new OperationModel(
            name,
            draft.Kind,
            draft.Subresource,
            draft.HttpMethod,
            draft.Path,
            Body(draft, types),
            draft.Response,
            options.UseFor(draft),
            result,
            draft.Description,
            draft.Verb);
    }

    private static BodyModel? Body(OperationDraft draft, IReadOnlyDictionary<string, TypeModel> types)
    {
        if (draft.Body is not { } body)
        {
            return null;
        }

        if (draft.Kind == OperationKind.Delete)
        {
            return new BodyModel(body, "options", Optional: true, Defaults: null);
        }

        if (draft.Kind is not (OperationKind.Create or OperationKind.Replace))
        {
            return null;
        }

        // The API server wants apiVersion and kind in a body; the method fills them when the caller left them out.
        var bodyType = body.ObjectName is { } name && types.TryGetValue(name, out var found) ? found : null;
        var defaults = bodyType is { Kind: not null, KubeObject: { } contract }
            ? new BodyDefaultsModel(contract.ApiVersionProperty, contract.KindProperty)
            : null;
        if (draft.Subresource is SubresourceKind.Eviction or SubresourceKind.Binding && NamesOf(bodyType, types) is { } names)
        {
            // An eviction or a binding names its pod: the method fills that in too, so an eviction needs no body at all.
            return new BodyModel(body, "body", Optional: draft.Subresource == SubresourceKind.Eviction, defaults, names);
        }

        return new BodyModel(body, "body", Optional: false, defaults);
    }

    /// <summary>Where a Kubernetes object's metadata keeps its name and namespace; null when the types do not say.</summary>
    private static BodyNamesModel? NamesOf(TypeModel? body, IReadOnlyDictionary<string, TypeModel> types)
    {
        if (body?.KubeObject is not { } contract
            || body.Properties.FirstOrDefault(p => p.Name == contract.MetadataProperty)?.Type.ObjectName is not { } metadataType
            || !types.TryGetValue(metadataType, out var metadata)
            || metadata.ObjectMeta is not { } members)
        {
            return null;
        }

        string? Member(ObjectMetaMember member) => members.Members.FirstOrDefault(m => m.Member == member)?.PropertyName;
        return Member(ObjectMetaMember.Name) is { } nameProperty
            ? new BodyNamesModel(contract.MetadataProperty, metadataType, nameProperty, Member(ObjectMetaMember.Namespace))
            : null;
    }
}
