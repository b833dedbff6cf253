using System.Text;

namespace KubeGen.Generator.Tests.Infrastructure;

/// <summary>
/// Golden-file snapshots of generated sources, kept under tests/KubeGen.Generator.Tests/Snapshots.
/// Set KUBEGEN_ACCEPT_SNAPSHOTS=1 to (re)write them after an intended change; otherwise any
/// difference fails with the first differing lines of each file.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "KUBEGEN_ACCEPT_SNAPSHOTS";

    public static void Match(string caseName, IReadOnlyDictionary<string, string> actualFiles)
    {
        var directory = Path.Combine(TestPaths.Snapshots, caseName);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
            foreach (var (name, text) in actualFiles)
            {
                File.WriteAllText(Path.Combine(directory, name), text, new UTF8Encoding(false));
            }

            return;
        }

        Assert.True(Directory.Exists(directory), $"No snapshot for '{caseName}' at {directory}. Run the tests with {AcceptVariable}=1 to create it.");
        var expectedFiles = Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal);
        var problems = new StringBuilder();
        foreach (var missing in expectedFiles.Keys.Except(actualFiles.Keys).Order(StringComparer.Ordinal))
        {
            problems.AppendLine($"- {missing}: expected but no longer generated");
        }

        foreach (var added in actualFiles.Keys.Except(expectedFiles.Keys).Order(StringComparer.Ordinal))
        {
            problems.AppendLine($"+ {added}: generated but not in the snapshot");
        }

        foreach (var name in actualFiles.Keys.Intersect(expectedFiles.Keys).Order(StringComparer.Ordinal))
        {
            var difference = FirstDifference(expectedFiles[name], actualFiles[name]);
            if (difference is not null)
            {
                problems.AppendLine($"~ {name}:").AppendLine(difference);
            }
        }

        if (problems.Length > 0)
        {
            Assert.Fail($"Generated sources differ from snapshot '{caseName}' ({directory}). If the change is intended, re-run with {AcceptVariable}=1 and review the diff in git.{Environment.NewLine}{problems}");
        }
    }

    /// <summary>The first differing line with a few lines of context, or null when equal.</summary>
    public static string? FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Replace("\r\n", "\n").Split('\n');
        var actualLines = actual.Replace("\r\n", "\n").Split('\n');
        var index = 0;
        while (index < expectedLines.Length && index < actualLines.Length && expectedLines[index] == actualLines[index])
        {
            index++;
        }

        if (index == expectedLines.Length && index == actualLines.Length)
        {
            return null;
        }

        var builder = new StringBuilder();
        var start = Math.Max(0, index - 3);
        for (var i = start; i < index; i++)
        {
            builder.AppendLine($"    {i + 1,5}   {expectedLines[i]}");
        }

        for (var i = index; i < Math.Min(expectedLines.Length, index + 4); i++)
        {
            builder.AppendLine($"    {i + 1,5} - {expectedLines[i]}");
        }

        for (var i = index; i < Math.Min(actualLines.Length, index + 4); i++)
        {
            builder.AppendLine($"    {i + 1,5} + {actualLines[i]}");
        }

        return builder.ToString();
    }
}
