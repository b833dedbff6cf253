namespace KubeGen.Testing;

/// <summary>
/// An RBAC-style permission: the verbs allowed on resources of API groups, in namespaces.
/// <c>"*"</c> matches everything in each list. A rule with <see cref="Namespaces"/> other than
/// <c>"*"</c> behaves like a RoleBinding (namespaced requests in those namespaces only); with
/// <c>"*"</c> (the default) it behaves like a ClusterRoleBinding (every namespace and cluster-scoped
/// resources).
/// </summary>
/// <param name="Verbs">get, list, watch, create, update, patch, delete, deletecollection, or <c>*</c>.</param>
/// <param name="Resources">Plural resource names, <c>resource/subresource</c>, <c>*</c> or <c>*/subresource</c>.</param>
/// <param name="ApiGroups">API groups (<c>""</c> is the core group); null means <c>*</c>.</param>
/// <param name="Namespaces">Namespaces; null means <c>*</c>.</param>
/// <param name="ResourceNames">Object names the rule is limited to; null or empty means all.</param>
public sealed record AccessRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string>? ApiGroups = null,
    IReadOnlyList<string>? Namespaces = null,
    IReadOnlyList<string>? ResourceNames = null)
{
    /// <summary>Everything everywhere (like <c>cluster-admin</c>).</summary>
    public static AccessRule All { get; } = new(["*"], ["*"]);

    /// <summary>A rule for the given verbs on resources (<c>pods</c>, <c>deployments.apps</c>, <c>leases.coordination.k8s.io</c>) in one namespace or everywhere.</summary>
    public static AccessRule For(string verbs, string resources, string? inNamespace = null)
    {
        var groups = new List<string>();
        var plurals = new List<string>();
        foreach (string resource in resources.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dot = resource.IndexOf('.', StringComparison.Ordinal);
            string plural = dot < 0 ? resource : resource[..dot];
            string group = dot < 0 ? "" : resource[(dot + 1)..];
            plurals.Add(plural);
            if (!groups.Contains(group))
            {
                groups.Add(group);
            }
        }

        return new AccessRule(
            verbs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            plurals,
            groups,
            inNamespace is null ? null : [inNamespace]);
    }

    internal bool Allows(string verb, string group, string resource, string? subresource, string? ns, string? name)
    {
        if (!Matches(Verbs, verb) || !Matches(ApiGroups, group))
        {
            return false;
        }

        string combined = subresource is null ? resource : resource + "/" + subresource;
        bool resourceOk = Resources.Any(r => r == "*" || r == combined || (subresource is not null && r == "*/" + subresource));
        if (!resourceOk)
        {
            return false;
        }

        if (Namespaces is not null && !Namespaces.Contains("*"))
        {
            if (ns is null || !Namespaces.Contains(ns))
            {
                return false;
            }
        }

        if (ResourceNames is { Count: > 0 })
        {
            // As in RBAC: resourceNames never match list, watch, create or deletecollection without a name.
            if (name is null || !ResourceNames.Contains(name))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Matches(IReadOnlyList<string>? allowed, string value) => allowed is null || allowed.Contains("*") || allowed.Contains(value);
}

/// <summary>An authenticated identity and what it may do.</summary>
public sealed class EmulatorUser
{
    /// <summary>The user name, e.g. <c>system:serviceaccount:default:my-operator</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Group names reported in access reviews (authorization uses <see cref="Rules"/> only).</summary>
    public IReadOnlyList<string> Groups { get; init; } = ["system:authenticated"];

    /// <summary>The permissions; an empty list allows nothing.</summary>
    public IList<AccessRule> Rules { get; init; } = [];

    /// <summary>A user with every permission.</summary>
    public static EmulatorUser Admin(string name = "kubernetes-admin") => new() { Name = name, Groups = ["system:masters", "system:authenticated"], Rules = [AccessRule.All] };

    /// <summary>A service account identity (<c>system:serviceaccount:ns:name</c>) with the given rules.</summary>
    public static EmulatorUser ServiceAccount(string ns, string name, params AccessRule[] rules) => new()
    {
        Name = $"system:serviceaccount:{ns}:{name}",
        Groups = ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"],
        Rules = rules,
    };

    internal bool IsAllowed(string verb, string group, string resource, string? subresource, string? ns, string? name)
        => Rules.Any(r => r.Allows(verb, group, resource, subresource, ns, name));
}
