using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.Authorization;

/// <summary>The authorizer's answer: allowed or not, and the reason kube-apiserver gives (appended to a 403's message, returned by access reviews).</summary>
internal sealed record Decision(bool Allowed, string Reason);

/// <summary>
/// Authorization as kube-apiserver configures it (<c>--authorization-mode=RBAC</c> behind the
/// privileged group): members of <c>system:masters</c> may do everything; the rules the emulator was
/// started with (<see cref="EmulatorUser.Rules"/>, the bootstrap) apply first; then the Role,
/// ClusterRole, RoleBinding and ClusterRoleBinding objects stored in the emulator, evaluated the way
/// kube's RBAC authorizer does (<c>VisitRulesFor</c>): ClusterRoleBindings everywhere, RoleBindings
/// in their namespace, subjects by user name, group, or service account
/// (<c>system:serviceaccount:ns:name</c>, the binding's namespace when the subject has none), and a
/// binding whose role is missing named in the reason (<c>RBAC: role.rbac.authorization.k8s.io "x" not found</c>).
/// A ClusterRole with an <c>aggregationRule</c> also has the rules of the ClusterRoles its selectors pick.
/// </summary>
internal sealed class RbacAuthorizer(ObjectStore store, ApiCatalog catalog)
{
    private const string Group = "rbac.authorization.k8s.io";

    /// <summary>What every authenticated user may do in a cluster (system:basic-user, system:discovery, system:public-info-viewer), which the emulator never refuses.</summary>
    public static readonly PolicyRule[] Implicit =
    [
        new(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], [], []),
        new(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"], [], []),
        new(["get"], [], [], [], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]),
    ];

    public Decision Authorize(EmulatorUser user, RequestAttributes request)
    {
        if (user.Groups.Contains("system:masters"))
        {
            return new Decision(true, "");
        }

        if (request.IsResourceRequest ? user.IsAllowed(request.Verb, request.Group, request.Resource, request.Subresource, request.Namespace, request.Name)
            : user.Rules.Any(r => r.Verbs.Contains("*") && r.Resources.Contains("*")))
        {
            return new Decision(true, "");
        }

        if (Implicit.Any(r => r.Allows(request)))
        {
            return new Decision(true, "");
        }

        var errors = new List<string>();
        foreach ((string source, PolicyRule rule) in Rules(user, request.Namespace, errors))
        {
            if (rule.Allows(request))
            {
                return new Decision(true, "RBAC: allowed by " + source);
            }
        }

        return new Decision(false, errors.Count switch
        {
            0 => "",
            1 => "RBAC: " + errors[0],
            _ => "RBAC: [" + string.Join(", ", errors) + "]",
        });
    }

    /// <summary>The stored RBAC rules that apply to <paramref name="user"/> in <paramref name="ns"/> (cluster-wide ones when null), each with the binding that grants it.</summary>
    public IEnumerable<(string Source, PolicyRule Rule)> Rules(EmulatorUser user, string? ns, List<string> errors)
    {
        foreach (JsonObject binding in Objects("clusterrolebindings", null))
        {
            if (MatchingSubject(binding, user, bindingNamespace: null) is string subject)
            {
                string source = $"ClusterRoleBinding \"{Name(binding)}\" of {RoleRef(binding)} to {subject}";
                foreach (PolicyRule rule in RoleRules(binding, null, errors))
                {
                    yield return (source, rule);
                }
            }
        }

        if (string.IsNullOrEmpty(ns))
        {
            yield break;
        }

        foreach (JsonObject binding in Objects("rolebindings", ns))
        {
            if (MatchingSubject(binding, user, ns) is string subject)
            {
                string source = $"RoleBinding \"{Name(binding)}/{ns}\" of {RoleRef(binding)} to {subject}";
                foreach (PolicyRule rule in RoleRules(binding, ns, errors))
                {
                    yield return (source, rule);
                }
            }
        }
    }

    private List<JsonObject> Objects(string plural, string? ns)
        => catalog.Find(Group, "v1", plural) is ApiResource resource ? store.List(resource.Key, ns).Items : [];

    /// <summary>The binding's first subject that is <paramref name="user"/> (kube's <c>appliesTo</c>), described as RBAC describes it; null when none is.</summary>
    private static string? MatchingSubject(JsonObject binding, EmulatorUser user, string? bindingNamespace)
    {
        foreach (JsonObject subject in (binding["subjects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string name = Text(subject["name"]);
            switch (Text(subject["kind"]))
            {
                case "User" when name == user.Name:
                    return $"User \"{name}\"";
                case "Group" when user.Groups.Contains(name):
                    return $"Group \"{name}\"";
                case "ServiceAccount":
                    string subjectNamespace = Text(subject["namespace"]);
                    string saNamespace = subjectNamespace.Length > 0 ? subjectNamespace : bindingNamespace ?? "";
                    if (saNamespace.Length > 0 && user.Name == $"system:serviceaccount:{saNamespace}:{name}")
                    {
                        return $"ServiceAccount \"{name}/{saNamespace}\"";
                    }

                    break;
            }
        }

        return null;
    }

    private IEnumerable<PolicyRule> RoleRules(JsonObject binding, string? ns, List<string> errors)
    {
        JsonObject? roleRef = binding["roleRef"] as JsonObject;
        string kind = Text(roleRef?["kind"]);
        string name = Text(roleRef?["name"]);
        JsonObject? role = kind == "Role" && ns is not null
            ? Objects("roles", ns).FirstOrDefault(r => Name(r) == name)
            : kind == "ClusterRole" ? Objects("clusterroles", null).FirstOrDefault(r => Name(r) == name) : null;
        if (role is null)
        {
            errors.Add($"{kind.ToLowerInvariant()}.rbac.authorization.k8s.io \"{name}\" not found");
            return [];
        }

        return RulesOf(role, kind == "ClusterRole");
    }

    private IEnumerable<PolicyRule> RulesOf(JsonObject role, bool clusterRole)
    {
        IEnumerable<PolicyRule> own = (role["rules"] as JsonArray ?? []).Select(PolicyRule.Read);
        if (!clusterRole || (role["aggregationRule"] as JsonObject)?["clusterRoleSelectors"] is not JsonArray selectors)
        {
            return own;
        }

        // What the clusterrole-aggregation controller would have written into the role.
        var aggregated = new List<PolicyRule>(own);
        foreach (JsonObject other in Objects("clusterroles", null).Where(r => Name(r) != Name(role)))
        {
            if (selectors.Any(s => SelectorMatches(s as JsonObject, (other["metadata"] as JsonObject)?["labels"] as JsonObject)))
            {
                aggregated.AddRange((other["rules"] as JsonArray ?? []).Select(PolicyRule.Read));
            }
        }

        return aggregated;
    }

    private static bool SelectorMatches(JsonObject? selector, JsonObject? labels)
    {
        if (selector?["matchLabels"] is not JsonObject matchLabels || matchLabels.Count == 0)
        {
            return false;
        }

        return matchLabels.All(p => labels?[p.Key] is JsonValue v && v.TryGetValue(out string? value) && value == Text(p.Value));
    }

    private static string RoleRef(JsonObject binding) => $"{Text((binding["roleRef"] as JsonObject)?["kind"])} \"{Text((binding["roleRef"] as JsonObject)?["name"])}\"";

    private static string Name(JsonObject obj) => ApiHandler.MetaString(obj, "name") ?? "";
}
