using System.Globalization;
using System.Text;

namespace SideBySide;

/// <summary>One printed row, whatever client produced it.</summary>
internal readonly record struct PodRow(string Name, string Phase, int Restarts, DateTimeOffset? Created, string? Node);

/// <summary>
/// Prints pods like <c>kubectl get pods</c> (NAME PHASE RESTARTS AGE NODE). Shared as source by the three
/// side-by-side apps so that only the client (connection, request, JSON) differs between them.
/// </summary>
internal static class PodTableWriter
{
    private static readonly string[] Header = ["NAME", "PHASE", "RESTARTS", "AGE", "NODE"];

    /// <summary>Writes the whole table in one write (one syscall), after the list has been read.</summary>
    public static void Write(List<PodRow> pods, string ns, TextWriter output)
    {
        if (pods.Count == 0)
        {
            output.WriteLine($"No resources found in {ns} namespace.");
            return;
        }

        pods.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var rows = new List<string[]>(pods.Count + 1) { Header };
        foreach (PodRow pod in pods)
        {
            rows.Add(
            [
                pod.Name,
                pod.Phase,
                pod.Restarts.ToString(CultureInfo.InvariantCulture),
                pod.Created is { } created ? FormatAge(now - created) : "<unknown>",
                string.IsNullOrEmpty(pod.Node) ? "<none>" : pod.Node,
            ]);
        }

        int[] widths = new int[Header.Length];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            // kubectl's layout: left-aligned columns, three spaces apart, no trailing padding.
            for (int i = 0; i < row.Length; i++)
            {
                text.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 3));
            }

            text.Append('\n');
        }

        output.Write(text.ToString());
        output.Flush();
    }

    /// <summary>The AGE column as kubectl prints it (apimachinery's <c>duration.HumanDuration</c>), to the day.</summary>
    private static string FormatAge(TimeSpan d)
    {
        long seconds = (long)Math.Floor(d.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return $"{seconds}s";
        }

        long minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        long hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        }

        return hours < 24 * 365 * 2 ? $"{hours / 24}d" : $"{hours / 24 / 365}y";
    }
}
