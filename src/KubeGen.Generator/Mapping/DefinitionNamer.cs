using System;
using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;
using KubeGen.Generator.Naming;

namespace KubeGen.Generator.Mapping;

/// <summary>
/// Maps definition names to C# namespaces and type names the way client-go names its packages:
/// <c>io.k8s.api.core.v1.Pod</c> → <c>CoreV1.Pod</c>, <c>io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta</c> →
/// <c>MetaV1.ObjectMeta</c>, <c>com.example.stable.v1.CronTab</c> → <c>StableV1.CronTab</c>.
/// Every definition of every spec is named up front, so a name never depends on the selection.
/// </summary>
internal sealed class DefinitionNamer
{
    private readonly Dictionary<string, string> _namespaceByPackage = new(StringComparer.Ordinal);

    /// <param name="definitionNames">Every definition of every spec of the client.</param>
    /// <param name="reserved">Names a namespace must not take: the client class lives next to the namespaces (CS0101).</param>
    public DefinitionNamer(IEnumerable<string> definitionNames, IEnumerable<string> reserved)
    {
        var packages = definitionNames
            .Select(PackageOf)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(p => p.StartsWith("io.k8s.", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(p => p, StringComparer.Ordinal);

        // Ignoring case, like the hint names the namespaces become part of.
        var taken = new HashSet<string>(reserved, StringComparer.OrdinalIgnoreCase);
        foreach (var package in packages)
        {
            var candidates = Candidates(package).ToList();
            var chosen = candidates.FirstOrDefault(taken.Add) ?? CSharpNames.Unique(candidates[candidates.Count - 1], taken);
            _namespaceByPackage[package] = chosen;
        }
    }

    /// <summary>Namespaces that needed more than the client-go style name because another package had it.</summary>
    public IEnumerable<(string Package, string Namespace)> Disambiguated
        => _namespaceByPackage
            .Where(pair => pair.Value != Candidates(pair.Key).First())
            .Select(pair => (pair.Key, pair.Value));

    public string NamespaceOf(string definitionName)
        => _namespaceByPackage.TryGetValue(PackageOf(definitionName), out var ns) ? ns : Candidates(PackageOf(definitionName)).First();

    public static string TypeNameOf(string definitionName)
    {
        var dot = definitionName.LastIndexOf('.');
        var simple = dot >= 0 ? definitionName.Substring(dot + 1) : definitionName;
        return CSharpNames.TypeName(simple);
    }

    /// <summary>The namespace for a group-version that has no definition to name it (fallback).</summary>
    public static string NamespaceForGroupVersion(string group, string version)
    {
        var first = group.Length == 0 ? "core" : group.Split('.')[0];
        return CSharpNames.Pascal(first) + CSharpNames.Pascal(version);
    }

    private static string PackageOf(string definitionName)
    {
        var dot = definitionName.LastIndexOf('.');
        return dot > 0 ? definitionName.Substring(0, dot) : string.Empty;
    }

    /// <summary>
    /// A Kubernetes API version: v, digits, optionally alpha or beta and digits (v1, v2beta1). A loop
    /// rather than a Regex: constructing one costs a few milliseconds in a fresh compiler.
    /// </summary>
    private static bool IsVersion(string segment)
    {
        var i = Digits(segment, 1);
        if (segment.Length < 2 || segment[0] != 'v' || i == 1)
        {
            return false;
        }

        if (i == segment.Length)
        {
            return true;
        }

        foreach (var label in new[] { "alpha", "beta" })
        {
            if (string.CompareOrdinal(segment, i, label, 0, label.Length) == 0)
            {
                var end = Digits(segment, i + label.Length);
                return end > i + label.Length && end == segment.Length;
            }
        }

        return false;

        static int Digits(string text, int start)
        {
            while (start < text.Length && text[start] >= '0' && text[start] <= '9')
            {
                start++;
            }

            return start;
        }
    }

    private static IEnumerable<string> Candidates(string package)
    {
        if (package.Length == 0)
        {
            yield return "Definitions";
            yield break;
        }

        var segments = package.Split('.');
        var last = segments.Length - 1;
        var take = IsVersion(segments[last]) && segments.Length > 1 ? 2 : 1;
        for (; take <= segments.Length; take++)
        {
            var name = string.Concat(segments.Skip(segments.Length - take).Select(CSharpNames.Pascal));
            yield return name.Length > CSharpNames.MaxIdentifierLength ? name.Substring(0, CSharpNames.MaxIdentifierLength) : name;
        }
    }
}
