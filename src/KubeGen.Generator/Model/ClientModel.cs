namespace KubeGen.Generator.Model;

/// <summary>Everything the emitter needs for one generated client (one KubernetesApi client name).</summary>
internal sealed record ClientModel(
    string RootNamespace,
    string ClientName,
    ImmutableEquatableArray<GroupVersionModel> GroupVersions,
    ImmutableEquatableArray<TypeModel> Types,
    ImmutableEquatableArray<RbacRuleModel> RbacRules);

/// <summary>A group-version property on the client root (kube.CoreV1) and its resources.</summary>
internal sealed record GroupVersionModel(
    string Namespace,
    string PropertyName,
    string ClassName,
    string Group,
    string Version,
    ImmutableEquatableArray<ResourceModel> Resources);

/// <summary>One RBAC PolicyRule implied by the selection; <paramref name="Namespaced"/> rules go into a Role, the others into a ClusterRole.</summary>
internal sealed record RbacRuleModel(string Group, string Resource, bool Namespaced, ImmutableEquatableArray<string> Verbs);
