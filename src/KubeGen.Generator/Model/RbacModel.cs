namespace KubeGen.Generator.Model;

/// <summary>
/// The RBAC rules that allow exactly what a client's selection can do, and the names of the Role
/// (namespaced rules) and ClusterRole (cluster-scoped rules) that hold them. Groups, resources and
/// verbs were read by the Kubernetes name grammar, so every value is a valid Kubernetes name.
/// </summary>
/// <param name="RoleName">A DNS-1123 label for the Role and ClusterRole, unique per client.</param>
/// <param name="Rules">One rule per (group, resource or resource/subresource), verbs in selector order.</param>
internal sealed record RbacModel(string RoleName, ImmutableEquatableArray<RbacRuleModel> Rules);

/// <summary>One RBAC PolicyRule implied by the selection; <paramref name="Namespaced"/> rules go into a Role, the others into a ClusterRole.</summary>
internal sealed record RbacRuleModel(string Group, string Resource, bool Namespaced, ImmutableEquatableArray<string> Verbs);

/// <summary>What rbac.yaml needs of one client: its rules and Role name, in the client's order.</summary>
internal sealed record RbacManifestModel(string RootNamespace, string ClientName, RbacModel Rbac);
