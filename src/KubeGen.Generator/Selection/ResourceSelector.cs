using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace KubeGen.Generator.Selection;

/// <summary>
/// One entry of a <c>Resources</c> selector: <c>plural[.group][/version][:verb,verb]</c>.
/// </summary>
internal sealed record ResourceSelector(string Text, string Name, string? Group, string? Version, ImmutableArray<string> Verbs)
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
        var slash = resourcePart.IndexOf('/');
        if (slash >= 0)
        {
            version = resourcePart.Substring(slash + 1).Trim();
            resourcePart = resourcePart.Substring(0, slash).Trim();
            if (!IsDnsLabel(version))
            {
                problem = $"'{version}' is not a valid version";
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

        selector = new ResourceSelector(entry, name, group, version, verbs);
        return true;
    }

    private static bool IsDnsLabel(string value)
        => value.Length > 0 && value.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (c >= 'A' && c <= 'Z'));
}
