using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace KubeGen.Generator.Selection;

/// <summary>
/// One entry of a <c>Resources</c> selector: <c>plural[.group][/version][/subresource][:verb,verb]</c>. A segment after
/// a <c>/</c> is the version when it reads like one (<c>v1</c>, <c>v2beta1</c>, <c>v1alpha3</c>), else the subresource
/// (<c>pods/log</c>, <c>pods/v1/exec</c>), so the two never read alike: no Kubernetes subresource is named like a version.
/// </summary>
internal sealed record ResourceSelector(string Text, string Name, string? Group, string? Version, ImmutableArray<string> Verbs, string? Subresource = null)
{
    /// <summary>The RBAC verbs a selector may name.</summary>
    public static readonly ImmutableArray<string> KnownVerbs = ImmutableArray.Create(
        "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");

    public bool AllVerbs => Verbs.IsDefaultOrEmpty;

    /// <summary>Parses a whole selector; an empty one selects everything (no entries).</summary>
    public static (ImmutableArray<ResourceSelector> Selectors, ImmutableArray<(string Entry, string Problem)> Errors) ParseAll(string? text)
    {
        var selectors = ImmutableArray.CreateBuilder<ResourceSelector>();
        var errors = ImmutableArray.CreateBuilder<(string, string)>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return (selectors.ToImmutable(), errors.ToImmutable());
        }

        // ';' is what users write; '|' is how it reaches the compiler, because the generated .editorconfig
        // that carries item metadata treats ';' as the start of a comment (see build/KubeGen.targets).
        foreach (var raw in text!.Split(';', '|'))
        {
            var entry = raw.Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            if (TryParse(entry, out var selector, out var problem))
            {
                selectors.Add(selector!);
            }
            else
            {
                errors.Add((entry, problem!));
            }
        }

        return (selectors.ToImmutable(), errors.ToImmutable());
    }

    public static bool TryParse(string entry, out ResourceSelector? selector, out string? problem)
    {
        selector = null;
        problem = null;
        var resourcePart = entry;
        var verbs = ImmutableArray<string>.Empty;
        var colon = entry.IndexOf(':');
        if (colon >= 0)
        {
            resourcePart = entry.Substring(0, colon).Trim();
            var verbList = entry.Substring(colon + 1)
                .Split(',')
                .Select(v => v.Trim().ToLowerInvariant())
                .Where(v => v.Length > 0)
                .ToList();
            if (verbList.Count == 0)
            {
                problem = "no verbs after ':'";
                return false;
            }

            if (verbList.Contains("*"))
            {
                verbList.Clear();
            }

            foreach (var verb in verbList)
            {
                if (!KnownVerbs.Contains(verb))
                {
                    problem = $"unknown verb '{verb}' (known: {string.Join(", ", KnownVerbs)})";
                    return false;
                }
            }

            verbs = verbList.Distinct().ToImmutableArray();
        }

        string? version = null;
        string? subresource = null;
        var segments = resourcePart.Split('/').Select(p => p.Trim()).ToArray();
        resourcePart = segments[0];
        if (segments.Length > 3 || segments.Skip(1).Any(p => p.Length == 0))
        {
            problem = $"'{entry}' has too many or empty '/' segments (write plural[.group][/version][/subresource])";
            return false;
        }

        foreach (var segment in segments.Skip(1))
        {
            if (version is null && subresource is null && IsVersion(segment))
            {
                version = segment;
            }
            else if (subresource is null && IsDnsLabel(segment))
            {
                subresource = segment.ToLowerInvariant();
            }
            else
            {
                problem = subresource is null
                    ? $"'{segment}' is not a valid version or subresource"
                    : $"'{segment}' comes after the subresource '{subresource}' (write plural[.group][/version][/subresource])";
                return false;
            }
        }

        string? group = null;
        var dot = resourcePart.IndexOf('.');
        if (dot >= 0)
        {
            group = resourcePart.Substring(dot + 1).Trim().ToLowerInvariant();
            resourcePart = resourcePart.Substring(0, dot).Trim();
            if (group.Length == 0 || !group.Split('.').All(IsDnsLabel))
            {
                problem = $"'{group}' is not a valid API group";
                return false;
            }
        }

        var name = resourcePart.ToLowerInvariant();
        if (!IsDnsLabel(name))
        {
            problem = name.Length == 0 ? "the resource name is missing" : $"'{name}' is not a valid resource name";
            return false;
        }

        selector = new ResourceSelector(entry, name, group, version, verbs, subresource);
        return true;
    }

    /// <summary>A Kubernetes API version: <c>v</c>, a number, then optionally <c>alpha</c> or <c>beta</c> and a number.</summary>
    internal static bool IsVersion(string value)
    {
        var i = 1;
        if (value.Length < 2 || value[0] != 'v' || !Digits(value, ref i))
        {
            return false;
        }

        if (i == value.Length)
        {
            return true;
        }

        foreach (var stage in new[] { "alpha", "beta" })
        {
            if (string.CompareOrdinal(value, i, stage, 0, stage.Length) == 0)
            {
                i += stage.Length;
                return Digits(value, ref i) && i == value.Length;
            }
        }

        return false;

        static bool Digits(string text, ref int index)
        {
            var start = index;
            while (index < text.Length && text[index] >= '0' && text[index] <= '9')
            {
                index++;
            }

            return index > start;
        }
    }

    private static bool IsDnsLabel(string value)
        => value.Length > 0 && value.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (c >= 'A' && c <= 'Z'));
}
