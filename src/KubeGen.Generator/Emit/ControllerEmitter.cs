using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>
/// Writes a resource client's controller members over the runtime's ResumableWatch, ResourceCache and
/// LeaderElector, as the model describes them: the resuming <c>WatchAsync</c>, <c>CreateCache</c> and
/// the Lease store. The calls they make (methods, options properties) are all in the model.
/// </summary>
internal static class ControllerEmitter
{
    private const string Runtime = CSharpTypes.Runtime;
    private const string CancellationToken = CSharpTypes.CancellationToken;
    private const string Selectors = "options?.";

    public static void EmitMembers(SourceWriter w, ResourceModel resource)
    {
        if (resource.Follow is { } follow)
        {
            EmitFollow(w, resource, follow, follow.Scoped, allNamespaces: false);
            if (follow.AllNamespaces is { } all)
            {
                EmitFollow(w, resource, follow, all, allNamespaces: true);
            }
        }

        if (resource.Cache is { } cache)
        {
            EmitCache(w, resource, cache, cache.Scoped, allNamespaces: false);
            if (cache.AllNamespaces is { } all)
            {
                EmitCache(w, resource, cache, all, allNamespaces: true);
            }
        }

        if (resource.LeaseStore is { } lease)
        {
            EmitLeaseStore(w, resource, lease);
        }

        ObjectClientEmitter.EmitMembers(w, resource);
    }

    /// <summary>
    /// The root's CreateLeaderElector, over the Lease store of the model's Lease client. The lease name
    /// stays first, as it always was: the namespace became a required string after it, and a swap of two
    /// strings would compile without a word.
    /// </summary>
    public static void EmitLeaderElector(SourceWriter w, LeaderElectionModel election)
    {
        w.Line();
        w.Doc("summary", "Creates a leader elector on a coordination.k8s.io/v1 Lease (created when missing). Defaults: lease duration 15 s, renew deadline 10 s, retry period 2 s, identity the pod name (HOSTNAME) with a per-process suffix.");
        w.Doc("param", "The Lease's name.", "name=\"leaseName\"");
        w.Doc("param", "The Lease's namespace, for example Namespace (the pod's).", "name=\"namespace\"");
        w.Doc("param", "Timings, identity and callbacks; null uses the defaults.", "name=\"options\"");
        w.Line($"public {Runtime}LeaderElector CreateLeaderElector(string leaseName, string @namespace, {Runtime}LeaderElectionOptions? options = null)");
        w.Line($"    => new {Runtime}LeaderElector({election.GroupVersionProperty}.{election.ResourceProperty}.CreateLeaseStore(@namespace, leaseName), options);");
    }

    /// <summary>The root's CreateEventSink, over the model's Event client.</summary>
    public static void EmitEventSink(SourceWriter w, EventSinkModel sink)
    {
        var events = $"{sink.GroupVersionProperty}.{sink.ResourceProperty}";
        w.Line();
        w.Doc("summary", sink.EventsV1
            ? "Creates the sink an EventRecorder writes through: events.k8s.io/v1 Events, a repeat patched into the event's series."
            : "Creates the sink an EventRecorder writes through: core/v1 Events (the selection has no events.k8s.io/v1 create and patch), a repeat patched into count and lastTimestamp.");
        w.Line($"public {Runtime}IEventSink CreateEventSink()");
        w.Line($"    => {Runtime}EventSinks.{(sink.EventsV1 ? "EventsV1" : "CoreV1")}(");
        w.Line($"        {sink.EventType}.JsonTypeInfo,");
        w.Line($"        (ns, e, ct) => {events}.{sink.CreateMethod}(ns, e, cancellationToken: ct),");
        w.Line($"        (ns, name, patch, ct) => {events}.{sink.PatchMethod}(ns, name, patch, cancellationToken: ct));");
    }

    private static void EmitFollow(SourceWriter w, ResourceModel resource, FollowModel follow, ListWatchModel calls, bool allNamespaces)
    {
        var name = allNamespaces ? "WatchForAllNamespacesAsync" : "WatchAsync";
        var scope = ScopeParameter(resource, allNamespaces);
        var events = $"global::System.Collections.Generic.IAsyncEnumerable<{Runtime}WatchEvent<{follow.KindType}>>";
        w.Line();
        w.Doc("summary", calls.List is null
            ? $"Follows {resource.Plural}{ScopeText(resource, allNamespaces)}: an ADDED event for every object of the current state (streamed by the server: sendInitialEvents), then every change, once and in order, resuming after dropped or silent connections; after 410 Gone it catches up and reports only the difference. Never ends until cancelled."
            : $"Follows {resource.Plural}{ScopeText(resource, allNamespaces)}: lists them (an ADDED event for each), then watches from the list's resourceVersion and reports every change once and in order, resuming after dropped or silent connections; after 410 Gone it lists again and reports only the difference. Never ends until cancelled.");
        if (scope.Length > 0)
        {
            w.Doc("param", "The namespace to follow.", "name=\"namespace\"");
        }

        w.Doc("param", "Label and field selectors, where to start (a resourceVersion; none lists first), idle bound and backoff; null uses the defaults.", "name=\"options\"");
        w.Doc("param", "Ends the enumeration.", "name=\"cancellationToken\"");
        using (w.Block($"public {events} {name}({scope}{Runtime}ResumableWatchOptions? options = null, {CancellationToken} cancellationToken = default)"))
        {
            if (calls.List is { } list)
            {
                w.Line($"return {Runtime}ResumableWatch.FollowAsync<{follow.KindType}, {follow.ListType}>(");
                w.Line($"    {ListLambda(list, Selectors)},");
            }
            else
            {
                w.Line($"return {Runtime}ResumableWatch.FollowWithInitialEventsAsync<{follow.KindType}>(");
            }

            w.Line($"    {WatchLambda(calls.Watch, Selectors)},");
            w.Line($"    {follow.KindType}.JsonTypeInfo,");
            w.Line("    options?.ResourceVersion,");
            w.Line("    options,");
            w.Line("    cancellationToken);");
        }
    }

    private static void EmitCache(SourceWriter w, ResourceModel resource, CacheModel cache, ListWatchModel calls, bool allNamespaces)
    {
        var cacheType = $"{Runtime}ResourceCache<{cache.KindType}, {cache.ListType}>";
        var scope = ScopeParameter(resource, allNamespaces);
        w.Line();
        w.Doc("summary", $"Creates an informer cache of {resource.Plural}{ScopeText(resource, allNamespaces)}: lists (paginated), then watches from the list's resourceVersion, resuming after dropped or silent connections and listing again after 410 Gone. Call StartAsync, then WaitForSyncAsync.");
        if (scope.Length > 0)
        {
            w.Doc("param", "The namespace to cache.", "name=\"namespace\"");
        }

        w.Doc("param", "Label and field selectors, page size, resync period, watch idle bound; null uses the defaults.", "name=\"options\"");
        w.Line($"public {cacheType} {(allNamespaces ? "CreateCacheForAllNamespaces" : "CreateCache")}({scope}{Runtime}ResourceCacheOptions? options = null)");
        w.Line($"    => new {cacheType}(");
        w.Line($"        {ListLambda(calls.List!, Selectors)},");
        w.Line($"        {WatchLambda(calls.Watch, Selectors)},");
        w.Line("        options);");
    }

    private static string ListLambda(ListCallModel list, string selectors)
        => $"(request, ct) => {list.MethodName}({NamespaceArgument(list.TakesNamespace)}new {list.OptionsType} {{ {list.Continue} = request.Continue, {list.Limit} = request.Limit, {list.ResourceVersion} = request.ResourceVersion, {list.LabelSelector} = {selectors}LabelSelector, {list.FieldSelector} = {selectors}FieldSelector }}, ct)";

    private static string WatchLambda(WatchCallModel watch, string selectors)
    {
        var streaming = watch.SendInitialEvents is { } send && watch.ResourceVersionMatch is { } match
            ? $", {send} = request.SendInitialEvents, {match} = request.ResourceVersionMatch"
            : string.Empty;
        return $"(request, ct) => {watch.MethodName}({NamespaceArgument(watch.TakesNamespace)}new {watch.OptionsType} {{ {watch.ResourceVersion} = request.ResourceVersion, {watch.TimeoutSeconds} = request.TimeoutSeconds, {watch.AllowWatchBookmarks} = request.AllowWatchBookmarks{streaming}, {watch.LabelSelector} = {selectors}LabelSelector, {watch.FieldSelector} = {selectors}FieldSelector }}, ct)";
    }

    private static string NamespaceArgument(bool takesNamespace) => takesNamespace ? "@namespace, " : string.Empty;

    private static string ScopeParameter(ResourceModel resource, bool allNamespaces)
        => resource.Namespaced && !allNamespaces ? "string @namespace, " : string.Empty;

    private static string ScopeText(ResourceModel resource, bool allNamespaces)
        => !resource.Namespaced ? string.Empty : allNamespaces ? " in all namespaces" : " in one namespace";

    private static void EmitLeaseStore(SourceWriter w, ResourceModel resource, LeaseStoreModel lease)
    {
        var record = Runtime + "LeaseRecord";
        var task = "global::System.Threading.Tasks.Task";

        w.Line();
        w.Doc("summary", "A store for LeaderElector over one Lease of this client.");
        w.Doc("param", "The Lease's namespace.", "name=\"namespace\"");
        w.Doc("param", "The Lease's name.", "name=\"name\"");
        w.Line("public LeaseStore CreateLeaseStore(string @namespace, string name) => new LeaseStore(this, @namespace, name);");
        w.Line();
        w.Doc("summary", "The leader-election view of one Lease: reads and writes holderIdentity, leaseDurationSeconds, acquireTime, renewTime and leaseTransitions with optimistic concurrency, keeping the Lease's other fields.");
        using (w.Block($"public sealed class LeaseStore : {Runtime}ILeaseStore"))
        {
            w.Line($"private readonly {resource.ClientClassName} _leases;");
            w.Line("private readonly string _namespace;");
            w.Line("private readonly string _name;");
            w.Line($"private {lease.LeaseType}? _last;");
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
                    w.Line("return Remember(await _leases.GetAsync(_namespace, _name, cancellationToken: cancellationToken).ConfigureAwait(false));");
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
            w.Line("    => Remember(await _leases.CreateAsync(_namespace, ToLease(record, null), cancellationToken: cancellationToken).ConfigureAwait(false));");
            w.Line();
            w.Doc("summary", "Replaces the Lease (409 Conflict unless record.ResourceVersion is current).");
            w.Line($"public async {task}<{record}> UpdateAsync({record} record, {CancellationToken} cancellationToken)");
            w.Line("    => Remember(await _leases.ReplaceAsync(_namespace, _name, ToLease(record, _last), cancellationToken: cancellationToken).ConfigureAwait(false));");
            w.Line();
            using (w.Block($"private {record} Remember({lease.LeaseType} lease)"))
            {
                w.Line("_last = lease;");
                w.Line($"var spec = lease.{lease.SpecProperty};");
                w.Line($"return new {record}");
                w.Line("{");
                w.Line($"    HolderIdentity = spec?.{lease.HolderIdentityProperty},");
                w.Line($"    LeaseDurationSeconds = spec?.{lease.LeaseDurationSecondsProperty},");
                w.Line($"    AcquireTime = spec?.{lease.AcquireTimeProperty},");
                w.Line($"    RenewTime = spec?.{lease.RenewTimeProperty},");
                w.Line($"    LeaseTransitions = spec?.{lease.LeaseTransitionsProperty},");
                w.Line($"    ResourceVersion = lease.{lease.MetadataProperty}?.{lease.ResourceVersionProperty},");
                w.Line("};");
            }

            w.Line();
            using (w.Block($"private {lease.LeaseType} ToLease({record} record, {lease.LeaseType}? last)"))
            {
                w.Line($"var lease = last ?? new {lease.LeaseType}();");
                w.Line($"var metadata = lease.{lease.MetadataProperty} ??= new {lease.MetaType}();");
                w.Line($"metadata.{lease.NameProperty} = _name;");
                w.Line($"metadata.{lease.NamespaceProperty} = _namespace;");
                w.Line($"metadata.{lease.ResourceVersionProperty} = record.ResourceVersion;");
                w.Line($"var spec = lease.{lease.SpecProperty} ??= new {lease.SpecType}();");
                w.Line($"spec.{lease.HolderIdentityProperty} = record.HolderIdentity;");
                w.Line($"spec.{lease.LeaseDurationSecondsProperty} = record.LeaseDurationSeconds;");
                w.Line($"spec.{lease.AcquireTimeProperty} = record.AcquireTime;");
                w.Line($"spec.{lease.RenewTimeProperty} = record.RenewTime;");
                w.Line($"spec.{lease.LeaseTransitionsProperty} = record.LeaseTransitions;");
                w.Line("return lease;");
            }
        }
    }
}
