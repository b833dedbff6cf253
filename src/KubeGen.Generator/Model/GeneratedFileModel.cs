namespace KubeGen.Generator.Model;

/// <summary>
/// One generated file and exactly the part of the model it is written from. Each file is its own
/// pipeline value, so the driver writes again only the files whose part changed: editing one
/// resource's verbs leaves the other resources' files and the models untouched.
/// </summary>
/// <param name="HintName">The file's hint name (unique: names were made unique in the model).</param>
/// <param name="Kind">Which writer writes it, and so which one of the parts below is set.</param>
internal sealed record GeneratedFileModel(
    string HintName,
    GeneratedFileKind Kind,
    ClientRootModel? Root = null,
    OptionsFileModel? Options = null,
    GroupVersionFileModel? GroupVersion = null,
    ResourceFileModel? Resource = null,
    TypeModel? Type = null);

/// <summary>The writers of generated files.</summary>
internal enum GeneratedFileKind
{
    ClientRoot,
    Options,
    GroupVersion,
    ResourceClient,
    Model,
}

/// <summary>What the client root class is written from.</summary>
/// <param name="RootNamespace">The client's namespace.</param>
/// <param name="ClientName">The client class.</param>
/// <param name="Selection">The selected resources, for the class documentation ("pods, leases.coordination.k8s.io").</param>
/// <param name="GroupVersions">The group-version properties.</param>
/// <param name="RbacRules">The rules of the RbacRules constant.</param>
/// <param name="LeaderElection">Where CreateLeaderElector finds its Lease store; null for none.</param>
/// <param name="EventSink">The Event client CreateEventSink writes through; null for none.</param>
internal sealed record ClientRootModel(
    string RootNamespace,
    string ClientName,
    string Selection,
    ImmutableEquatableArray<GroupVersionRefModel> GroupVersions,
    ImmutableEquatableArray<RbacRuleModel> RbacRules,
    LeaderElectionModel? LeaderElection,
    EventSinkModel? EventSink);

/// <summary>A group-version as the client root refers to it.</summary>
internal sealed record GroupVersionRefModel(string Namespace, string PropertyName, string ClassName, string DisplayName);

/// <summary>What an options class is written from.</summary>
internal sealed record OptionsFileModel(string RootNamespace, string ClientName, OptionsTypeModel Options);

/// <summary>What a group-version class is written from: its resources' properties, not their operations.</summary>
internal sealed record GroupVersionFileModel(string Namespace, string ClassName, string DisplayName, ImmutableEquatableArray<ResourceRefModel> Resources);

/// <summary>A resource as its group-version class refers to it (with its availability, for a client of several clusters).</summary>
internal sealed record ResourceRefModel(string PropertyName, string ClientClassName, string Kind, string Plural, ClusterAvailabilityModel? Availability);

/// <summary>What a resource client class is written from.</summary>
internal sealed record ResourceFileModel(string Namespace, ResourceModel Resource);
