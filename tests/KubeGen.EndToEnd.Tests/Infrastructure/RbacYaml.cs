using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Reads the <c>rules</c> of an RBAC Role written in YAML, enough for Role manifests and
/// <c>KubeClient.RbacRules</c>: a sequence of mappings whose <c>apiGroups</c>, <c>resources</c>
/// and <c>verbs</c> are flow (<c>[a, "b"]</c>) or block (<c>- a</c>) sequences of scalars.
/// </summary>
public static class RbacYaml
{
    /// <summary>Runs a sample's native binary with <c>--print-rbac</c> (its <c>KubeClient.RbacRules</c>) and returns what it printed.</summary>
    public static async Task<string> PrintedRulesAsync(string binaryPath, string workingDirectory, CancellationToken cancellationToken)
    {
        ProcessResult print = await ProcessRunner.RunAsync(
            binaryPath,
            ["--print-rbac"],
            workingDirectory,
            new Dictionary<string, string?>(),
            TimeSpan.FromSeconds(30),
            cancellationToken);
        Assert.True(print.ExitCode == 0, $"{Path.GetFileName(binaryPath)} --print-rbac exited with {print.ExitCode}:\n{print.CombinedText}");
        return string.Join('\n', print.StandardOutput);
    }

    /// <summary>A Role manifest's rules as the emulator's service-account rules, bound in <paramref name="ns"/>: the replicas get no more than a cluster would give them.</summary>
    public static IList<AccessRule> AccessRules(string roleManifest, string ns)
        => ParseRules(RulesSection(roleManifest))
            .Select(entry => entry.Split('|'))
            .Select(parts => new AccessRule(parts[2].Split(','), [parts[1]], [parts[0]], [ns]))
            .ToList();

    /// <summary>The body of the top-level <c>rules:</c> key of a manifest (up to the next top-level key).</summary>
    public static string RulesSection(string manifest)
    {
        string[] lines = manifest.ReplaceLineEndings("\n").Split('\n');
        int start = Array.FindIndex(lines, line => StripComment(line).TrimEnd() == "rules:");
        if (start < 0)
        {
            throw new FormatException("The manifest has no top-level 'rules:' key.");
        }

        IEnumerable<string> body = lines.Skip(start + 1).TakeWhile(line =>
        {
            string content = StripComment(line);
            return content.Trim().Length == 0 || content.StartsWith(' ') || content.StartsWith('-');
        });
        return string.Join('\n', body);
    }

    /// <summary>
    /// One entry per (group, resource) of every rule: <c>group|resource|verb,verb</c>, verbs in
    /// ordinal order, entries in ordinal order, so that two equal rule sets compare equal.
    /// </summary>
    public static IReadOnlyList<string> ParseRules(string rulesYaml)
    {
        var rules = new List<Dictionary<string, List<string>>>();
        Dictionary<string, List<string>>? rule = null;
        string? blockKey = null;
        int ruleIndent = -1;
        foreach (string raw in rulesYaml.ReplaceLineEndings("\n").Split('\n'))
        {
            string line = StripComment(raw).TrimEnd();
            if (line.Trim().Length == 0)
            {
                continue;
            }

            int indent = line.Length - line.TrimStart().Length;
            string content = line.TrimStart();
            if (content.StartsWith('-') && (ruleIndent < 0 || indent == ruleIndent))
            {
                ruleIndent = indent;
                rule = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                rules.Add(rule);
                blockKey = null;
                content = content[1..].TrimStart();
                if (content.Length == 0)
                {
                    continue;
                }
            }
            else if (rule is null)
            {
                throw new FormatException($"Expected a '- ' rule, got: {raw}");
            }
            else if (content.StartsWith('-') && blockKey is not null)
            {
                rule[blockKey].Add(Unquote(content[1..].Trim()));
                continue;
            }

            int colon = content.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new FormatException($"Expected 'key: value' in a rule, got: {raw}");
            }

            string key = content[..colon].Trim();
            string value = content[(colon + 1)..].Trim();
            var items = new List<string>();
            rule![key] = items;
            blockKey = null;
            if (value.Length == 0)
            {
                blockKey = key;
            }
            else if (value.StartsWith('[') && value.EndsWith(']'))
            {
                items.AddRange(value[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Unquote));
            }
            else
            {
                items.Add(Unquote(value));
            }
        }

        var entries = new List<string>();
        foreach (Dictionary<string, List<string>> r in rules)
        {
            List<string> groups = r.GetValueOrDefault("apiGroups") ?? throw new FormatException("A rule has no apiGroups.");
            List<string> resources = r.GetValueOrDefault("resources") ?? throw new FormatException("A rule has no resources.");
            List<string> verbs = r.GetValueOrDefault("verbs") ?? throw new FormatException("A rule has no verbs.");
            string names = r.TryGetValue("resourceNames", out List<string>? resourceNames) ? "|names=" + string.Join(',', resourceNames.Order(StringComparer.Ordinal)) : string.Empty;
            string verbList = string.Join(',', verbs.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            entries.AddRange(groups.SelectMany(g => resources.Select(res => $"{g}|{res}|{verbList}{names}")));
        }

        return entries.Order(StringComparer.Ordinal).ToArray();
    }

    private static string Unquote(string value)
        => value.Length >= 2 && ((value[0] == '"' && value[^1] == '"') || (value[0] == '\'' && value[^1] == '\'')) ? value[1..^1] : value;

    /// <summary>Drops a <c>#</c> comment (at the start or after whitespace; the rules hold no '#' in scalars).</summary>
    private static string StripComment(string line)
    {
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }
}
