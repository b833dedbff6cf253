using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// Decides which controller conveniences a resource's client gets, from its operations and types:
/// the resuming <c>WatchAsync</c> (list then watch, or streamed initial events), the informer cache,
/// and the Lease store for leader election. Each needs particular calls and query parameters; without
/// them the member is not generated.
/// </summary>
internal static class ControllerCapabilities
{
    private static readonly string[] s_leaseSpecTimes = { "acquireTime", "renewTime" };

    public static FollowModel? Follow(ResourceModel resource, IReadOnlyDictionary<string, TypeModel> types)
    {
        if (KindOf(resource, types) is not { } kind)
        {
            return null;
        }

        var scoped = Calls(resource, resource.Namespaced, types, kind);
        if (scoped is null)
        {
            return null;
        }

        var listType = scoped.List is null ? null : ListTypeOf(resource, scoped.List.MethodName);
        var all = resource.Namespaced ? Calls(resource, takesNamespace: false, types, kind) : null;
        if (all is not null && (all.List is null) != (scoped.List is null))
        {
            all = null;
        }

        return new FollowModel(kind, listType, scoped, all);
    }

    public static CacheModel? Cache(ResourceModel resource, IReadOnlyDictionary<string, TypeModel> types)
    {
        if (KindOf(resource, types) is not { } kind || Calls(resource, resource.Namespaced, types, kind) is not { List: { } list } scoped)
        {
            return null;
        }

        var all = resource.Namespaced ? Calls(resource, takesNamespace: false, types, kind) : null;
        if (all?.List is null || ListTypeOf(resource, all.List.MethodName) != ListTypeOf(resource, list.MethodName))
        {
            all = null;
        }

        return new CacheModel(kind, ListTypeOf(resource, list.MethodName)!, scoped, all);
    }

    public static LeaseStoreModel? LeaseStore(ResourceModel resource, IReadOnlyDictionary<string, TypeModel> types)
    {
        if (resource.Group != "coordination.k8s.io" || resource.Version != "v1" || resource.Kind != "Lease" || !resource.Namespaced
            || resource.KindType is not { Kind: ValueKind.Object, ObjectName: { } leaseName }
            || !types.TryGetValue(leaseName, out var lease)
            || !Has(resource, OperationKind.Get) || !Has(resource, OperationKind.Create) || !Has(resource, OperationKind.Replace))
        {
            return null;
        }

        if (Find(lease, "metadata") is not { Type: { Kind: ValueKind.Object, ObjectName: { } metaName } } metadata
            || Find(lease, "spec") is not { Type: { Kind: ValueKind.Object, ObjectName: { } specName } } spec
            || !types.TryGetValue(metaName, out var meta) || !types.TryGetValue(specName, out var specType))
        {
            return null;
        }

        // The elector writes null to any of these: each must be nullable and of the type it expects.
        string? Nullable(TypeModel type, string jsonName, params ValueKind[] kinds)
            => Find(type, jsonName) is { Nullable: true } p && kinds.Contains(p.Type.Kind) ? p.Name : null;
        string? NonNull(TypeModel type, string jsonName)
            => Find(type, jsonName) is { Type.Kind: ValueKind.String } p ? p.Name : null;

        var times = new[] { ValueKind.MicroTime, ValueKind.Time, ValueKind.DateTime };
        var name = NonNull(meta, "name");
        var ns = NonNull(meta, "namespace");
        var resourceVersion = Nullable(meta, "resourceVersion", ValueKind.String);
        var holder = Nullable(specType, "holderIdentity", ValueKind.String);
        var duration = Nullable(specType, "leaseDurationSeconds", ValueKind.Int32);
        var acquire = Nullable(specType, s_leaseSpecTimes[0], times);
        var renew = Nullable(specType, s_leaseSpecTimes[1], times);
        var transitions = Nullable(specType, "leaseTransitions", ValueKind.Int32);
        if (name is null || ns is null || resourceVersion is null || holder is null || duration is null || acquire is null || renew is null || transitions is null)
        {
            return null;
        }

        return new LeaseStoreModel(leaseName, metaName, specName, metadata.Name, spec.Name, name, ns, resourceVersion, holder, duration, acquire, renew, transitions);
    }

    /// <summary>
    /// The Event client the root's CreateEventSink writes through: events.k8s.io/v1 when it can create (in a namespace)
    /// and patch, else core/v1 Events under the same condition (client-go's recorder writes either).
    /// </summary>
    public static EventSinkModel? EventSink(IEnumerable<GroupVersionModel> groupVersions)
    {
        var candidates = groupVersions
            .SelectMany(g => g.Resources.Select(r => (GroupVersion: g, Resource: r)))
            .Where(c => c.Resource is { Kind: "Event", Version: "v1", Namespaced: true, Group: "events.k8s.io" or "" })
            .OrderBy(c => c.Resource.Group.Length == 0 ? 1 : 0);
        foreach (var (groupVersion, resource) in candidates)
        {
            var create = resource.Operations.FirstOrDefault(o => o.Kind == OperationKind.Create && o.Subresource == SubresourceKind.None && o.TakesNamespace);
            var patch = Named(resource, OperationKind.Patch, SubresourceKind.None);
            if (create?.Body?.Type.ObjectName is { } eventType && eventType == resource.KindType?.ObjectName && patch is not null)
            {
                return new EventSinkModel(groupVersion.PropertyName, resource.PropertyName, eventType, resource.Group.Length != 0, create.MethodName, patch.MethodName);
            }
        }

        return null;
    }

    /// <summary>
    /// IKubeObjectClient over the named get and patch calls (and the status ones when selected). Patches need the options'
    /// fieldManager and force, which server-side apply sends; both status calls must take the same patch options class.
    /// </summary>
    public static ObjectClientModel? ObjectClient(ResourceModel resource, IReadOnlyDictionary<string, TypeModel> types)
    {
        // ApplyAsync fills apiVersion and kind from the kind's constants, which a schema naming one kind has.
        if (KindOf(resource, types) is not { } kind || types[kind].Kind is null
            || Named(resource, OperationKind.Get, SubresourceKind.None) is not { } get
            || Named(resource, OperationKind.Patch, SubresourceKind.None) is not { Options: { } patchOptions } patch
            || patchOptions.PropertyFor("fieldManager") is not { } fieldManager
            || patchOptions.PropertyFor("force") is not { } force)
        {
            return null;
        }

        var patchStatus = Named(resource, OperationKind.Patch, SubresourceKind.Status);
        if (patchStatus is not null && (patchStatus.Options?.TypeName != patchOptions.TypeName || patchStatus.ResponseType?.ObjectName != kind))
        {
            patchStatus = null;
        }

        var replaceStatus = Named(resource, OperationKind.Replace, SubresourceKind.Status);
        if (replaceStatus is not null && (replaceStatus.Body?.Type.ObjectName != kind || replaceStatus.ResponseType?.ObjectName != kind))
        {
            replaceStatus = null;
        }

        return new ObjectClientModel(
            kind,
            get.MethodName,
            patch.MethodName,
            patchOptions.TypeName,
            fieldManager,
            force,
            patchStatus?.MethodName,
            replaceStatus?.MethodName);
    }

    /// <summary>The call on one named object (in its namespace when namespaced) returning the kind.</summary>
    private static OperationModel? Named(ResourceModel resource, OperationKind kind, SubresourceKind subresource)
        => resource.Operations.FirstOrDefault(o => o.Kind == kind && o.Subresource == subresource && o.TakesName
            && o.TakesNamespace == resource.Namespaced && o.ResponseType == resource.KindType);

    /// <summary>The kind's type when it is a Kubernetes object (watch events and caches are typed by it).</summary>
    private static string? KindOf(ResourceModel resource, IReadOnlyDictionary<string, TypeModel> types)
        => resource.KindType is { Kind: ValueKind.Object, ObjectName: { } name } && types.TryGetValue(name, out var type) && type.KubeObject is not null ? name : null;

    /// <summary>The list and watch calls of one scope, when the watch (and the list, if selected) has every query parameter the runtime sets.</summary>
    private static ListWatchModel? Calls(ResourceModel resource, bool takesNamespace, IReadOnlyDictionary<string, TypeModel> types, string kind)
    {
        var watch = Operation(resource, OperationKind.Watch, takesNamespace);
        if (watch?.Options is not { } watchOptions
            || watchOptions.PropertyFor("resourceVersion") is not { } resourceVersion
            || watchOptions.PropertyFor("timeoutSeconds") is not { } timeoutSeconds
            || watchOptions.PropertyFor("allowWatchBookmarks") is not { } bookmarks
            || watchOptions.PropertyFor("labelSelector") is not { } labelSelector
            || watchOptions.PropertyFor("fieldSelector") is not { } fieldSelector)
        {
            return null;
        }

        var watchCall = new WatchCallModel(
            watch.MethodName,
            watch.TakesNamespace,
            watchOptions.TypeName,
            resourceVersion,
            timeoutSeconds,
            bookmarks,
            labelSelector,
            fieldSelector,
            watchOptions.PropertyFor("sendInitialEvents"),
            watchOptions.PropertyFor("resourceVersionMatch"));

        ListCallModel? listCall = null;
        var list = Operation(resource, OperationKind.List, takesNamespace);
        if (list?.Options is { } listOptions
            && list.ResponseType?.ObjectName is { } listName && types.TryGetValue(listName, out var listType) && listType.KubeList?.ItemType == kind
            && listOptions.PropertyFor("continue") is { } continueProperty
            && listOptions.PropertyFor("limit") is { } limit
            && listOptions.PropertyFor("resourceVersion") is { } listResourceVersion
            && listOptions.PropertyFor("labelSelector") is { } listLabelSelector
            && listOptions.PropertyFor("fieldSelector") is { } listFieldSelector)
        {
            listCall = new ListCallModel(list.MethodName, list.TakesNamespace, listOptions.TypeName, continueProperty, limit, listResourceVersion, listLabelSelector, listFieldSelector);
        }

        // Without a list, following needs the server to stream the current state.
        if (listCall is null && (watchCall.SendInitialEvents is null || watchCall.ResourceVersionMatch is null))
        {
            return null;
        }

        return new ListWatchModel(listCall, watchCall);
    }

    private static string? ListTypeOf(ResourceModel resource, string listMethod)
        => resource.Operations.First(o => o.MethodName == listMethod).ResponseType?.ObjectName;

    private static OperationModel? Operation(ResourceModel resource, OperationKind kind, bool takesNamespace)
        => resource.Operations.FirstOrDefault(o => o.Kind == kind && o.Subresource == SubresourceKind.None && o.TakesNamespace == takesNamespace && !o.TakesName);

    private static bool Has(ResourceModel resource, OperationKind kind)
        => resource.Operations.Any(o => o.Kind == kind && o.Subresource == SubresourceKind.None && o.TakesNamespace);

    private static PropertyModel? Find(TypeModel type, string jsonName) => type.Properties.FirstOrDefault(p => p.JsonName == jsonName);
}
