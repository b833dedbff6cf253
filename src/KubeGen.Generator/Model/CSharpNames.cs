using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeGen.Generator.Model;

/// <summary>Turns Kubernetes/JSON names into valid, readable C# identifiers.</summary>
internal static class CSharpNames
{
    /// <summary>"dns-policy" → "DnsPolicy", "$ref" → "Ref", "x-kubernetes-int-or-string" → "XKubernetesIntOrString".</summary>
    public static string Pascal(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upperNext = true;
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }
            else
            {
                upperNext = true;
            }
        }

        if (builder.Length == 0)
        {
            return "Value";
        }

        if (char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>A camelCase parameter name, with '@' when it is a C# keyword ("continue" → "@continue").</summary>
    public static string Parameter(string name)
    {
        var pascal = Pascal(name);
        var camel = pascal[0] == '_' ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return EscapeKeyword(camel);
    }

    public static string EscapeKeyword(string identifier)
        => SyntaxFacts.GetKeywordKind(identifier) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + identifier : identifier;

    public static bool IsValidNamespace(string value)
        => value.Length > 0 && value.Split('.').All(part => SyntaxFacts.IsValidIdentifier(part) && SyntaxFacts.GetKeywordKind(part) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None);

    public static bool IsValidTypeName(string value)
        => SyntaxFacts.IsValidIdentifier(value) && SyntaxFacts.GetKeywordKind(value) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;

    /// <summary>
    /// The client property for a resource: the kind's casing applied to the plural
    /// ("configmaps" + "ConfigMap" → "ConfigMaps", "networkpolicies" + "NetworkPolicy" → "NetworkPolicies").
    /// </summary>
    public static string ResourceProperty(string plural, string kind)
    {
        var common = 0;
        while (common < plural.Length && common < kind.Length && char.ToLowerInvariant(kind[common]) == plural[common])
        {
            common++;
        }

        return Pascal(kind.Substring(0, common) + plural.Substring(common));
    }

    /// <summary>Returns <paramref name="candidate"/>, or it with the lowest numeric suffix not in <paramref name="taken"/>.</summary>
    public static string Unique(string candidate, ISet<string> taken)
    {
        if (taken.Add(candidate))
        {
            return candidate;
        }

        for (var i = 2; ; i++)
        {
            var next = candidate + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (taken.Add(next))
            {
                return next;
            }
        }
    }
}
