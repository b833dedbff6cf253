namespace KubeGen.Generator.Model;

/// <summary>
/// A list call the runtime's paging reader (cache, follow) makes: the method, its options class and
/// the options properties that carry each <c>ListRequest</c> field and the caller's selectors.
/// </summary>
internal sealed record ListCallModel(string MethodName, bool TakesNamespace, string OptionsType, string Continue, string Limit, string ResourceVersion, string LabelSelector, string FieldSelector);

/// <summary>
/// A watch call the runtime's resuming watch makes: the method, its options class and the properties
/// for each <c>WatchRequest</c> field; the streaming-list ones are null when the spec lacks them.
/// </summary>
internal sealed record WatchCallModel(
    string MethodName,
    bool TakesNamespace,
    string OptionsType,
    string ResourceVersion,
    string TimeoutSeconds,
    string AllowWatchBookmarks,
    string LabelSelector,
    string FieldSelector,
    string? SendInitialEvents,
    string? ResourceVersionMatch);

/// <summary>The calls of one scope (a namespace, or all namespaces): a list, when selected, and a watch.</summary>
internal sealed record ListWatchModel(ListCallModel? List, WatchCallModel Watch);

/// <summary>
/// How the resuming <c>WatchAsync</c> follows a collection: list then watch when the selection may list,
/// otherwise streamed initial events over watch calls alone.
/// </summary>
/// <param name="KindType">The kind.</param>
/// <param name="ListType">The kind's list type (for list then watch); null for initial events.</param>
/// <param name="Scoped">The calls in one namespace (or, for a cluster-scoped resource, the cluster).</param>
/// <param name="AllNamespaces">The calls across all namespaces; null when not generated.</param>
internal sealed record FollowModel(string KindType, string? ListType, ListWatchModel Scoped, ListWatchModel? AllNamespaces);

/// <summary>The informer cache (CreateCache): list and watch calls in one namespace, and optionally across all.</summary>
internal sealed record CacheModel(string KindType, string ListType, ListWatchModel Scoped, ListWatchModel? AllNamespaces);

/// <summary>
/// The Lease store for leader election: the Lease, ObjectMeta and LeaseSpec types and the properties
/// of the fields the elector reads and writes.
/// </summary>
internal sealed record LeaseStoreModel(
    string LeaseType,
    string MetaType,
    string SpecType,
    string MetadataProperty,
    string SpecProperty,
    string NameProperty,
    string NamespaceProperty,
    string ResourceVersionProperty,
    string HolderIdentityProperty,
    string LeaseDurationSecondsProperty,
    string AcquireTimeProperty,
    string RenewTimeProperty,
    string LeaseTransitionsProperty);

/// <summary>
/// How a resource client implements the runtime's <c>IKubeObjectClient</c> (the calls of the finalizer, status and apply
/// helpers) and gets <c>ApplyAsync</c>: get and patch are required, the status calls are used when selected.
/// </summary>
/// <param name="KindType">The kind.</param>
/// <param name="GetMethod">The get call.</param>
/// <param name="PatchMethod">The patch call.</param>
/// <param name="PatchOptionsType">The options class of both patch calls.</param>
/// <param name="FieldManagerProperty">Its fieldManager property.</param>
/// <param name="ForceProperty">Its force property.</param>
/// <param name="PatchStatusMethod">The status patch call; null when not selected.</param>
/// <param name="ReplaceStatusMethod">The status replace call; null when not selected.</param>
internal sealed record ObjectClientModel(
    string KindType,
    string GetMethod,
    string PatchMethod,
    string PatchOptionsType,
    string FieldManagerProperty,
    string ForceProperty,
    string? PatchStatusMethod,
    string? ReplaceStatusMethod);
