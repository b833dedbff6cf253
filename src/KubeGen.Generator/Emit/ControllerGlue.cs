using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>
/// Emits the controller conveniences over the runtime's ResumableWatch, ResourceCache and LeaderElector,
/// only for resources whose selection allows them: <c>CreateCache</c> and <c>WatchResumingAsync</c> with list+watch,
/// a Lease store and <c>CreateLeaderElector</c> for coordination.k8s.io/v1 leases with get+create+update.
/// </summary>
internal static class ControllerGlue
{
    private const string Runtime = CSharpTypes.Runtime;
    private const string CancellationToken = "global::System.Threading.CancellationToken";

    private static readonly string[] s_listQuery = { "continue", "limit", "resourceVersion", "labelSelector", "fieldSelector" };
    private static readonly string[] s_watchQuery = { "resourceVersion", "labelSelector", "fieldSelector" };
    private static readonly string[] s_leaseSpecFields = { "holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime", "leaseTransitions" };
    private static readonly string[] s_metaFields = { "name", "namespace", "resourceVersion" };

    /// <summary>The list/watch operations a cache is built on.</summary>
    internal sealed class CachePlan
    {
        public CachePlan(string kind, string list, OperationModel scopedList, OperationModel scopedWatch, OperationModel? allList, OperationModel? allWatch)
        {
            Kind = kind;
            List = list;
            ScopedList = scopedList;
            ScopedWatch = scopedWatch;
            AllList = allList;
            AllWatch = allWatch;
        }

        public string Kind { get; }

        public string List { get; }

        public OperationModel ScopedList { get; }

        public OperationModel ScopedWatch { get; }

        public OperationModel? AllList { get; }

        public OperationModel? AllWatch { get; }
    }

    public static CachePlan? Cache(ResourceModel resource, IReadOnlyDictionary<string, TypeModel> types)
    {
        if (resource.KindType is not { Kind: ValueKind.Object, ObjectName: { } kindName }
            || !types.TryGetValue(kindName, out var kindModel) || (kindModel.Traits & TypeModelTraits.KubeObject) == 0)
        {
            return null;
        }

        OperationModel? Find(OperationKind kind, bool takesNamespace)
            => resource.Operations.FirstOrDefault(o => o.Kind == kind && o.TakesNamespace == takesNamespace && !o.TakesName
                && HasQuery(o, kind == OperationKind.List ? s_listQuery : s_watchQuery));

        var list = Find(OperationKind.List, resource.Namespaced);
        var watch = Find(OperationKind.Watch, resource.Namespaced);
        if (list is null || watch is null
            || list.ResponseType is not { Kind: ValueKind.Object, ObjectName: { } listName }
            || !types.TryGetValue(listName, out var listModel) || (listModel.Traits & TypeModelTraits.KubeList) == 0
            || listModel.ListItemType != kindName)
        {
            return null;
        }

        OperationModel? allList = null;
        OperationModel? allWatch = null;
        if (resource.Namespaced)
        {
            allList = Find(OperationKind.List, false);
            allWatch = Find(OperationKind.Watch, false);
            if (allList is null || allWatch is null || !Equals(allList.ResponseType, list.ResponseType))
            {
                allList = allWatch = null;
            }
        }

        return new CachePlan(kindName, listName, list, watch, allList, allWatch);
    }

    public static void EmitCacheMembers(SourceWriter w, ResourceModel resource, CachePlan plan)
    {
        var cacheType = $"{Runtime}ResourceCache<{plan.Kind}, {plan.List}>";
        var watchType = $"global::System.Collections.Generic.IAsyncEnumerable<{Runtime}WatchEvent<{plan.Kind}>>";
        var namespaceParameter = !resource.Namespaced ? string.Empty : plan.AllList is null ? "string @namespace, " : "string? @namespace = null, ";

        w.Line();
        w.Doc("summary", $"Creates an informer cache of {resource.Plural}: lists (paginated), then watches from the list's resourceVersion, resuming after dropped or silent connections and listing again after 410 Gone. Call StartAsync, then WaitForSyncAsync.");
        if (resource.Namespaced)
        {
            w.Doc("param", plan.AllList is null ? "The namespace to cache." : "The namespace to cache; null caches every namespace.", "name=\"namespace\"");
        }

        w.Doc("param", "Restricts the cached objects by their labels, e.g. app=web.", "name=\"labelSelector\"");
        w.Doc("param", "Restricts the cached objects by their fields.", "name=\"fieldSelector\"");
        w.Doc("param", "Page size, resync period, watch idle bound; null uses the defaults.", "name=\"options\"");
        using (w.Block($"public {cacheType} CreateCache({namespaceParameter}string? labelSelector = null, string? fieldSelector = null, {Runtime}ResourceCacheOptions? options = null)"))
        {
            if (plan.AllList is not null && plan.AllWatch is not null)
            {
                using (w.Block("if (@namespace is null)"))
                {
                    EmitNewCache(w, cacheType, plan.AllList, plan.AllWatch);
                }

                w.Line();
            }

            EmitNewCache(w, cacheType, plan.ScopedList, plan.ScopedWatch);
        }

        w.Line();
        w.Doc("summary", $"Watches {resource.Plural} without ever ending or hanging: resumes from the last resourceVersion (bookmarks advance it) after a clean end, a dropped connection or a connection silent for longer than the idle bound; throws WatchExpiredException on 410 Gone (list again).");
        if (resource.Namespaced)
        {
            w.Doc("param", plan.AllList is null ? "The namespace to watch." : "The namespace to watch; null watches every namespace.", "name=\"namespace\"");
        }

        w.Doc("param", "Restricts the watched objects by their labels, e.g. app=web.", "name=\"labelSelector\"");
        w.Doc("param", "Restricts the watched objects by their fields.", "name=\"fieldSelector\"");
        w.Doc("param", "Where to start, typically a list's resourceVersion; null starts at the current state (synthetic ADDED events).", "name=\"resourceVersion\"");
        w.Doc("param", "Idle bound, server timeouts, backoff; null uses the defaults.", "name=\"options\"");
        w.Doc("param", "Ends the watch.", "name=\"cancellationToken\"");
        using (w.Block($"public {watchType} WatchResumingAsync({namespaceParameter}string? labelSelector = null, string? fieldSelector = null, string? resourceVersion = null, {Runtime}ResumableWatchOptions? options = null, {CancellationToken} cancellationToken = default)"))
        {
            if (plan.AllWatch is not null)
            {
                using (w.Block("if (@namespace is null)"))
                {
                    w.Line($"return {Runtime}ResumableWatch.WatchAsync<{plan.Kind}>({WatchLambda(plan.AllWatch)}, resourceVersion, options, cancellationToken);");
                }

                w.Line();
            }

            w.Line($"return {Runtime}ResumableWatch.WatchAsync<{plan.Kind}>({WatchLambda(plan.ScopedWatch)}, resourceVersion, options, cancellationToken);");
        }
    }

    private static void EmitNewCache(SourceWriter w, string cacheType, OperationModel list, OperationModel watch)
    {
        w.Line($"return new {cacheType}(");
        w.Line($"    {ListLambda(list)},");
        w.Line($"    {WatchLambda(watch)},");
        w.Line("    options);");
    }

    private static string ListLambda(OperationModel list)
        => $"(request, ct) => {list.MethodName}({NamespaceArgument(list)}{Arguments(list, ("continue", "request.Continue"), ("fieldSelector", "fieldSelector"), ("labelSelector", "labelSelector"), ("limit", "request.Limit"), ("resourceVersion", "request.ResourceVersion"))}cancellationToken: ct)";

    private static string WatchLambda(OperationModel watch)
        => $"(request, ct) => {watch.MethodName}({NamespaceArgument(watch)}{Arguments(watch, ("allowWatchBookmarks", "request.AllowWatchBookmarks"), ("fieldSelector", "fieldSelector"), ("labelSelector", "labelSelector"), ("resourceVersion", "request.ResourceVersion"), ("timeoutSeconds", "request.TimeoutSeconds"))}cancellationToken: ct)";

    private static string NamespaceArgument(OperationModel operation) => operation.TakesNamespace ? "@namespace, " : string.Empty;

    private static string Arguments(OperationModel operation, params (string JsonName, string Value)[] arguments)
    {
        var parts = new List<string>();
        foreach (var (jsonName, value) in arguments)
        {
            var query = operation.QueryParameters.FirstOrDefault(q => q.JsonName == jsonName);
            if (query is not null)
            {
                parts.Add($"{query.Name}: {value}, ");
            }
        }

        return string.Concat(parts);
    }

    private static bool HasQuery(OperationModel operation, string[] names)
        => names.All(n => operation.QueryParameters.Any(q => q.JsonName == n));

    /// <summary>The Lease shape the lease store needs: property names of Lease, ObjectMeta and LeaseSpec.</summary>
    internal sealed class LeasePlan
    {
        public LeasePlan(string lease, string meta, string spec, Dictionary<string, string> leaseProps, Dictionary<string, string> metaProps, Dictionary<string, string> specProps)
        {
            Lease = lease;
            Meta = meta;
            Spec = spec;
            LeaseProps = leaseProps;
            MetaProps = metaProps;
            SpecProps = specProps;
        }

        public string Lease { get; }

        public string Meta { get; }

        public string Spec { get; }

        public Dictionary<string, string> LeaseProps { get; }

        public Dictionary<string, string> MetaProps { get; }

        public Dictionary<string, string> SpecProps { get; }
    }

    public static LeasePlan? Lease(ResourceModel resource, IReadOnlyDictionary<string, TypeModel> types)
    {
        if (resource.Group != "coordination.k8s.io" || resource.Version != "v1" || resource.Kind != "Lease" || !resource.Namespaced
            || resource.KindType is not { Kind: ValueKind.Object, ObjectName: { } leaseName }
            || !types.TryGetValue(leaseName, out var lease))
        {
            return null;
        }

        bool Has(string method, OperationKind kind) => resource.Operations.Any(o => o.MethodName == method && o.Kind == kind && o.TakesNamespace);
        if (!Has("GetAsync", OperationKind.Get) || !Has("CreateAsync", OperationKind.Create) || !Has("ReplaceAsync", OperationKind.Replace))
        {
            return null;
        }

        var leaseProps = lease.Properties.ToDictionary(p => p.JsonName, p => p.Name);
        var metaRef = lease.Properties.FirstOrDefault(p => p.JsonName == "metadata")?.Type;
        var specRef = lease.Properties.FirstOrDefault(p => p.JsonName == "spec")?.Type;
        if (metaRef is not { Kind: ValueKind.Object, ObjectName: { } metaName } || specRef is not { Kind: ValueKind.Object, ObjectName: { } specName }
            || !types.TryGetValue(metaName, out var meta) || !types.TryGetValue(specName, out var spec))
        {
            return null;
        }

        var metaProps = meta.Properties.ToDictionary(p => p.JsonName, p => p.Name);
        var specProps = spec.Properties.ToDictionary(p => p.JsonName, p => p.Name);
        if (!s_metaFields.All(metaProps.ContainsKey) || !s_leaseSpecFields.All(specProps.ContainsKey)
            || meta.Properties.Concat(spec.Properties).Any(p => p.Required))
        {
            return null;
        }

        var expected = new Dictionary<string, ValueKind>
        {
            ["holderIdentity"] = ValueKind.String,
            ["leaseDurationSeconds"] = ValueKind.Int32,
            ["leaseTransitions"] = ValueKind.Int32,
        };
        foreach (var property in spec.Properties)
        {
            if (expected.TryGetValue(property.JsonName, out var kind) && property.Type.Kind != kind)
            {
                return null;
            }
        }

        return new LeasePlan(leaseName, metaName, specName, leaseProps, metaProps, specProps);
    }

    public static void EmitLeaseStore(SourceWriter w, ResourceModel resource, LeasePlan plan)
    {
        var record = Runtime + "LeaseRecord";
        var task = "global::System.Threading.Tasks.Task";
        var metadata = plan.LeaseProps["metadata"];
        var spec = plan.LeaseProps["spec"];
        string S(string json) => plan.SpecProps[json];
        string M(string json) => plan.MetaProps[json];

        w.Line();
        w.Doc("summary", "A store for LeaderElector over one Lease of this client.");
        w.Doc("param", "The Lease's namespace.", "name=\"namespace\"");
        w.Doc("param", "The Lease's name.", "name=\"name\"");
        w.Line($"public LeaseStore CreateLeaseStore(string @namespace, string name) => new LeaseStore(this, @namespace, name);");
        w.Line();
        w.Doc("summary", "The leader-election view of one Lease: reads and writes holderIdentity, leaseDurationSeconds, acquireTime, renewTime and leaseTransitions with optimistic concurrency, keeping the Lease's other fields.");
        using (w.Block($"public sealed class LeaseStore : {Runtime}ILeaseStore"))
        {
            w.Line($"private readonly {resource.ClientClassName} _leases;");
            w.Line("private readonly string _namespace;");
            w.Line("private readonly string _name;");
            w.Line($"private {plan.Lease}? _last;");
            w.Line();
            w.Doc("summary", "Creates the store.");
            using (w.Block($"public LeaseStore({resource.ClientClassName} leases, string @namespace, string name)"))
            {
                w.Line("_leases = leases ?? throw new global::System.ArgumentNullException(nameof(leases));");
                w.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(@namespace);");
                w.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(name);");
                w.Line("_namespace = @namespace;");
                w.Line("_name = name;");
            }

            w.Line();
            w.Doc("summary", "\"namespace/name\".");
            w.Line("public string Description => _namespace + \"/\" + _name;");
            w.Line();
            w.Doc("summary", "Reads the Lease; null when it does not exist.");
            using (w.Block($"public async {task}<{record}?> GetAsync({CancellationToken} cancellationToken)"))
            {
                using (w.Block("try"))
                {
                    w.Line("return Remember(await _leases.GetAsync(_namespace, _name, cancellationToken).ConfigureAwait(false));");
                }

                using (w.Block($"catch ({Runtime}KubeApiException ex) when (ex.IsNotFound)"))
                {
                    w.Line("_last = null;");
                    w.Line("return null;");
                }
            }

            w.Line();
            w.Doc("summary", "Creates the Lease.");
            w.Line($"public async {task}<{record}> CreateAsync({record} record, {CancellationToken} cancellationToken)");
            w.Line($"    => Remember(await _leases.CreateAsync(_namespace, ToLease(record, null), cancellationToken: cancellationToken).ConfigureAwait(false));");
            w.Line();
            w.Doc("summary", "Replaces the Lease (409 Conflict unless record.ResourceVersion is current).");
            w.Line($"public async {task}<{record}> UpdateAsync({record} record, {CancellationToken} cancellationToken)");
            w.Line($"    => Remember(await _leases.ReplaceAsync(_namespace, _name, ToLease(record, _last), cancellationToken: cancellationToken).ConfigureAwait(false));");
            w.Line();
            using (w.Block($"private {record} Remember({plan.Lease} lease)"))
            {
                w.Line("_last = lease;");
                w.Line($"var spec = lease.{spec};");
                w.Line($"return new {record}");
                w.Line("{");
                w.Line($"    HolderIdentity = spec?.{S("holderIdentity")},");
                w.Line($"    LeaseDurationSeconds = spec?.{S("leaseDurationSeconds")},");
                w.Line($"    AcquireTime = spec?.{S("acquireTime")},");
                w.Line($"    RenewTime = spec?.{S("renewTime")},");
                w.Line($"    LeaseTransitions = spec?.{S("leaseTransitions")},");
                w.Line($"    ResourceVersion = lease.{metadata}?.{M("resourceVersion")},");
                w.Line("};");
            }

            w.Line();
            using (w.Block($"private {plan.Lease} ToLease({record} record, {plan.Lease}? last)"))
            {
                w.Line($"var lease = last ?? new {plan.Lease}();");
                w.Line($"var metadata = lease.{metadata} ??= new {plan.Meta}();");
                w.Line($"metadata.{M("name")} = _name;");
                w.Line($"metadata.{M("namespace")} = _namespace;");
                w.Line($"metadata.{M("resourceVersion")} = record.ResourceVersion;");
                w.Line($"var spec = lease.{spec} ??= new {plan.Spec}();");
                w.Line($"spec.{S("holderIdentity")} = record.HolderIdentity;");
                w.Line($"spec.{S("leaseDurationSeconds")} = record.LeaseDurationSeconds;");
                w.Line($"spec.{S("acquireTime")} = record.AcquireTime;");
                w.Line($"spec.{S("renewTime")} = record.RenewTime;");
                w.Line($"spec.{S("leaseTransitions")} = record.LeaseTransitions;");
                w.Line("return lease;");
            }
        }
    }

    /// <summary>The root's CreateLeaderElector, when a resource of the client has a lease store.</summary>
    public static void EmitLeaderElector(SourceWriter w, ClientModel model)
    {
        var types = model.Types.ToDictionary(t => t.FullName, System.StringComparer.Ordinal);
        foreach (var groupVersion in model.GroupVersions)
        {
            foreach (var resource in groupVersion.Resources)
            {
                if (Lease(resource, types) is null)
                {
                    continue;
                }

                w.Line();
                w.Doc("summary", "Creates a leader elector on a coordination.k8s.io/v1 Lease (created when missing). Defaults: lease duration 15 s, renew deadline 10 s, retry period 2 s, identity the pod name (HOSTNAME).");
                w.Doc("param", "The Lease's name.", "name=\"leaseName\"");
                w.Doc("param", "The Lease's namespace; null uses Namespace (the pod's).", "name=\"namespace\"");
                w.Doc("param", "Timings, identity and callbacks.", "name=\"options\"");
                w.Line($"public {Runtime}LeaderElector CreateLeaderElector(string leaseName, string? @namespace = null, {Runtime}LeaderElectionOptions? options = null)");
                w.Line($"    => new {Runtime}LeaderElector({groupVersion.PropertyName}.{resource.PropertyName}.CreateLeaseStore(@namespace ?? Namespace, leaseName), options);");
                return;
            }
        }
    }
}
