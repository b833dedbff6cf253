namespace KubeGen.FetchSpec;

/// <summary>What changed between the spec on disk and the one just fetched, in the words a reviewer wants: paths and definitions added and removed, and the server version.</summary>
internal static class ChangeReport
{
    // Enough to see what an upgrade brought; the rest is counted.
    private const int MaxListed = 40;

    public static void Write(TextWriter output, string what, SpecSummary? before, SpecSummary after, string? versionBefore, string? versionAfter)
    {
        if (versionBefore is not null && versionAfter is not null && versionBefore != versionAfter)
        {
            output.WriteLine($"server version: {versionBefore} -> {versionAfter}");
        }
        else if (versionAfter is not null)
        {
            output.WriteLine($"server version: {versionAfter}");
        }

        if (before is null)
        {
            output.WriteLine($"{what}: new, {after.Paths.Count} paths, {after.Definitions.Count} definitions");
            return;
        }

        List<string> addedPaths = Sorted(after.Paths.Except(before.Paths));
        List<string> removedPaths = Sorted(before.Paths.Except(after.Paths));
        List<string> addedDefinitions = Sorted(after.Definitions.Except(before.Definitions));
        List<string> removedDefinitions = Sorted(before.Definitions.Except(after.Definitions));
        if (addedPaths.Count + removedPaths.Count + addedDefinitions.Count + removedDefinitions.Count == 0)
        {
            output.WriteLine($"{what}: no paths or definitions added or removed");
            return;
        }

        output.WriteLine(
            $"{what}: paths +{addedPaths.Count} -{removedPaths.Count}, definitions +{addedDefinitions.Count} -{removedDefinitions.Count}");
        List("+ path", addedPaths);
        List("- path", removedPaths);
        List("+ definition", addedDefinitions);
        List("- definition", removedDefinitions);

        void List(string label, List<string> names)
        {
            foreach (string name in names.Take(MaxListed))
            {
                output.WriteLine($"  {label} {name}");
            }

            if (names.Count > MaxListed)
            {
                output.WriteLine($"  {label}: and {names.Count - MaxListed} more");
            }
        }
    }

    private static List<string> Sorted(IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToList();
}
