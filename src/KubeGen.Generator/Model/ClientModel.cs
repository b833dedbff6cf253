namespace KubeGen.Generator.Model;

/// <summary>
/// Everything the emitters write for one generated client (one KubernetesApi client name). Every
/// decision (names, hint names, which members exist, which calls they make) is already made here.
/// </summary>
/// <remarks>Immutable and compared by value, like every record of the model: the incremental pipeline caches on it.</remarks>
/// <param name="RootNamespace">The client's namespace (the item's Namespace).</param>
/// <param name="ClientName">The client class (the item's ClientName).</param>
/// <param name="HintPrefix">The start of every hint name of the client: "RootNamespace.ClientName".</param>
/// <param name="GroupVersions">One property of the client per selected group-version, in name order.</param>
/// <param name="Types">The model classes the selection reaches, in namespace and name order.</param>
/// <param name="Options">The per-verb options classes (query parameters) the operations take.</param>
/// <param name="Rbac">The RBAC rules the selection needs.</param>
/// <param name="LeaderElection">Where CreateLeaderElector finds its Lease store; null when no Lease client can elect.</param>
/// <param name="EventSink">The Event client CreateEventSink writes through; null when no Event client can create and patch.</param>
internal sealed record ClientModel(
    string RootNamespace,
    string ClientName,
    string HintPrefix,
    ImmutableEquatableArray<GroupVersionModel> GroupVersions,
    ImmutableEquatableArray<TypeModel> Types,
    ImmutableEquatableArray<OptionsTypeModel> Options,
    RbacModel Rbac,
    LeaderElectionModel? LeaderElection,
    EventSinkModel? EventSink = null)
{
    /// <summary>The fully qualified client class.</summary>
    public string FullName => "global::" + RootNamespace + "." + ClientName;
}

/// <summary>A group-version property on the client root (kube.CoreV1) and its resources.</summary>
/// <param name="Namespace">The C# namespace of the group-version's models and clients.</param>
/// <param name="PropertyName">The property on the client root (unique among the root's members).</param>
/// <param name="ClassName">The class holding the resources (unique among the namespace's types).</param>
/// <param name="Group">The API group ("" for core).</param>
/// <param name="Version">The API version.</param>
/// <param name="Resources">The selected resources, in property name order.</param>
/// <param name="HintName">The generated file of the class.</param>
internal sealed record GroupVersionModel(
    string Namespace,
    string PropertyName,
    string ClassName,
    string Group,
    string Version,
    ImmutableEquatableArray<ResourceModel> Resources,
    string HintName)
{
    /// <summary>"core/v1", "apps/v1": how documentation names the group-version.</summary>
    public string DisplayName => (Group.Length == 0 ? "core" : Group) + "/" + Version;
}

/// <summary>The root's CreateLeaderElector: the group-version and resource property of the Lease client whose store it uses.</summary>
internal sealed record LeaderElectionModel(string GroupVersionProperty, string ResourceProperty);

/// <summary>
/// The root's CreateEventSink: the Event client it writes through (create, then patch for repeats), its Event type, and
/// whether that is events.k8s.io/v1 (series) or core/v1 (count and lastTimestamp).
/// </summary>
internal sealed record EventSinkModel(string GroupVersionProperty, string ResourceProperty, string EventType, bool EventsV1, string CreateMethod, string PatchMethod);
