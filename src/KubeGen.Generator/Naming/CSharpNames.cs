using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeGen.Generator.Naming;

/// <summary>Turns Kubernetes/JSON names into valid, readable C# identifiers.</summary>
internal static class CSharpNames
{
    /// <summary>The members every class inherits from object: no generated member may take their names (CS0108).</summary>
    public static readonly string[] ObjectMembers = { "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals" };

    /// <summary>
    /// The longest identifier KubeGen derives from a spec name. C# allows 512 characters; hint names
    /// (and the files they become) are built from several identifiers and must stay well under 255.
    /// </summary>
    public const int MaxIdentifierLength = 96;

    /// <summary>
    /// "dns-policy" → "DnsPolicy", "$ref" → "Ref", "x-kubernetes-int-or-string" → "XKubernetesIntOrString".
    /// Only ASCII letters and digits survive (a spec's other characters separate words), so a name
    /// can never carry a look-alike or invisible character into code; at most <see cref="MaxIdentifierLength"/> characters.
    /// </summary>
    public static string Pascal(string name)
    {
        var builder = new StringBuilder(System.Math.Min(name.Length, MaxIdentifierLength));
        var upperNext = true;
        foreach (var c in name)
        {
            if (builder.Length == MaxIdentifierLength)
            {
                break;
            }

            if (IsAsciiLetterOrDigit(c))
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

    /// <summary>
    /// A camelCase parameter name not yet in <paramref name="taken"/> (which it is added to), with '@'
    /// when it is a C# keyword ("continue" → "@continue"; "foo_bar" after "foo-bar" → "fooBar2").
    /// </summary>
    public static string Parameter(string name, ISet<string> taken)
    {
        var pascal = Pascal(name);
        var camel = pascal[0] == '_' ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return EscapeKeyword(Unique(camel, taken));
    }

    public static string EscapeKeyword(string identifier)
        => SyntaxFacts.GetKeywordKind(identifier) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + identifier : identifier;

    public static bool IsValidNamespace(string value)
        => value.Length > 0 && value.Split('.').All(part => SyntaxFacts.IsValidIdentifier(part) && SyntaxFacts.GetKeywordKind(part) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None);

    public static bool IsValidTypeName(string value)
        => SyntaxFacts.IsValidIdentifier(value) && SyntaxFacts.GetKeywordKind(value) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;

    /// <summary>
    /// A type name from a spec's simple name: kept as it is when it is already an ASCII identifier
    /// starting with a capital ("PodSpec", "HTTPGetAction"), otherwise <see cref="Pascal"/> (which also
    /// keeps keywords and all-lower-case names, which C# warns about, out).
    /// </summary>
    public static string TypeName(string simpleName)
    {
        if (simpleName.Length == 0 || simpleName.Length > MaxIdentifierLength || simpleName[0] < 'A' || simpleName[0] > 'Z')
        {
            return Pascal(simpleName);
        }

        foreach (var c in simpleName)
        {
            if (!IsAsciiLetterOrDigit(c))
            {
                return Pascal(simpleName);
            }
        }

        return simpleName;
    }

    private static bool IsAsciiLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

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
