using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using KubeGen.Generator.Model;
using KubeGen.Generator.Selection;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// Decides the RBAC rules a client needs: one rule per (group, resource or resource/subresource) its
/// operations call, with the verbs those calls use. RBAC has no versions, so a resource selected in
/// two versions is one rule. The Role's name comes from the client's namespace and name.
/// </summary>
internal static class RbacRules
{
    public static RbacModel For(string rootNamespace, string clientName, IEnumerable<ResourceModel> resources)
    {
        var rules = resources
            .SelectMany(r => r.Operations.SelectMany(o => VerbsOf(o).Select(verb => new RuleUse(r.Group, ResourceOf(r.Plural, o.Path.Subresource), r.Namespaced, verb)))
                .Concat(r.UpdatesFinalizers ? new[] { new RuleUse(r.Group, ResourceOf(r.Plural, Subresources.Finalizers), r.Namespaced, Subresources.FinalizersVerb) } : Array.Empty<RuleUse>()))
            .GroupBy(u => u.Group + "\n" + u.Resource + "\n" + (u.Namespaced ? "n" : "c"), StringComparer.Ordinal)
            .Select(g => new RbacRuleModel(
                g.First().Group,
                g.First().Resource,
                g.First().Namespaced,
                g.Select(u => u.Verb).Distinct(StringComparer.Ordinal).OrderBy(v => ResourceSelector.KnownVerbs.IndexOf(v)).ToImmutableEquatableArray()))
            .ToImmutableEquatableArray();
        return new RbacModel(RoleName(rootNamespace, clientName), rules);
    }

    private static string ResourceOf(string plural, string? subresource) => subresource is null ? plural : plural + "/" + subresource;

    /// <summary>
    /// The verbs a call needs. A WebSocket (exec, attach, portforward) is a GET that kube-apiserver authorizes as <c>get</c>,
    /// and from 1.35 also as <c>create</c> (what the POST of the older SPDY clients needed): both, so the rule works on
    /// every version and for kubectl too.
    /// </summary>
    private static IEnumerable<string> VerbsOf(OperationModel operation)
        => Subresources.IsConnect(operation.Subresource) ? new[] { "get", "create" } : new[] { operation.Verb };

    /// <summary>
    /// A DNS-1123 label from the client's namespace (and its name, when it is not the default one):
    /// unique per client, as (namespace, client name) is, so several clients' Roles never collide.
    /// </summary>
    internal static string RoleName(string rootNamespace, string clientName)
    {
        var raw = clientName == "KubeClient" ? rootNamespace : rootNamespace + "-" + clientName;
        var name = new StringBuilder(raw.Length);
        foreach (var c in raw.ToLowerInvariant())
        {
            var valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (valid)
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[name.Length - 1] != '-')
            {
                name.Append('-');
            }
        }

        var result = name.ToString().Trim('-');
        if (result.Length > 63)
        {
            result = result.Substring(0, 63).TrimEnd('-');
        }

        return result.Length == 0 ? "kubegen-client" : result;
    }

    private sealed record RuleUse(string Group, string Resource, bool Namespaced, string Verb);
}
