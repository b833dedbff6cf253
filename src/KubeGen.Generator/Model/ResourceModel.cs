namespace KubeGen.Generator.Model;

/// <summary>One selected resource: its client class, the operations emitted for it and the controller conveniences it supports.</summary>
/// <param name="Group">The API group ("" for core).</param>
/// <param name="Version">The API version.</param>
/// <param name="Plural">The resource (plural), as in paths and RBAC rules.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Namespaced">Whether objects live in namespaces.</param>
/// <param name="PropertyName">The property on the group-version class (kube.CoreV1.Pods), unique there.</param>
/// <param name="ClientClassName">The client class, unique among the namespace's types.</param>
/// <param name="LocalNamespace">The namespace under the client's namespace the client class goes in: its kind's ("CoreV1").</param>
/// <param name="KindType">The kind's model type (null when the spec does not say).</param>
/// <param name="Operations">One per generated method, in method name order.</param>
/// <param name="Follow">How the resuming WatchAsync follows the collection; null when the selection cannot.</param>
/// <param name="Cache">The informer cache members; null when the selection cannot list and watch.</param>
/// <param name="LeaseStore">The leader-election store; null unless this is coordination.k8s.io/v1 leases with get, create and update.</param>
/// <param name="HintName">The generated file of the client class.</param>
/// <param name="ObjectClient">How the client implements IKubeObjectClient; null unless get and patch are selected.</param>
/// <param name="UpdatesFinalizers">The selection grants update on the resource's finalizers (a permission, no call).</param>
/// <param name="Availability">For a client of several clusters, when only some of them serve the resource.</param>
internal sealed record ResourceModel(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced,
    string PropertyName,
    string ClientClassName,
    string LocalNamespace,
    TypeRef? KindType,
    ImmutableEquatableArray<OperationModel> Operations,
    FollowModel? Follow,
    CacheModel? Cache,
    LeaseStoreModel? LeaseStore,
    string HintName,
    ClusterAvailabilityModel? Availability = null,
    ObjectClientModel? ObjectClient = null,
    bool UpdatesFinalizers = false)
{
    /// <summary>"pods (core/v1, kind Pod, namespaced)": how documentation names the resource.</summary>
    public string DisplayName
        => $"{Plural} ({(Group.Length == 0 ? "core" : Group)}/{Version}, kind {Kind}, {(Namespaced ? "namespaced" : "cluster-scoped")})";
}
