namespace KubeGen.Runtime;

/// <summary>
/// What a file path currently points at: the real path with every symbolic link resolved, and
/// that file's modification time. The kubelet publishes service-account files as
/// <c>token -&gt; ..data/token</c> with <c>..data -&gt; ..2026_11_28_10_00_00.123</c> and rotates them
/// by swapping the <c>..data</c> link to a new directory. The <c>token</c> link itself never changes,
/// so its own timestamp is useless; the real path and the real file's timestamp do change.
/// </summary>
internal readonly record struct FileStamp(string? RealPath, DateTime LastWriteUtc)
{
    // Like the kernel's MAXSYMLINKS: a loop of links ends instead of spinning.
    private const int MaxLinks = 40;

    /// <summary>The stamp of a path that cannot be resolved (missing, unreadable, a link loop).</summary>
    public static FileStamp Missing => default;

    /// <summary>Reads the stamp: one <c>readlink</c> per path component and one <c>stat</c>; never throws.</summary>
    public static FileStamp Of(string path)
    {
        try
        {
            string? real = Resolve(path);
            if (real is null || !File.Exists(real))
            {
                return Missing;
            }

            return new FileStamp(real, File.GetLastWriteTimeUtc(real));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Missing;
        }
    }

    /// <summary>The absolute path with every symbolic link (in any component) resolved; null for a link loop.</summary>
    internal static string? Resolve(string path)
    {
        string current = Path.GetFullPath(path);
        int links = 0;
        bool changed = true;
        while (changed)
        {
            changed = false;
            string root = Path.GetPathRoot(current) ?? string.Empty;
            string[] parts = current[root.Length..].Split(
                [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
            string prefix = root;
            for (int i = 0; i < parts.Length; i++)
            {
                string next = Path.Combine(prefix, parts[i]);
                string? target = new FileInfo(next).LinkTarget;
                if (target is not null)
                {
                    if (++links > MaxLinks)
                    {
                        return null;
                    }

                    // A relative target is relative to the directory holding the link.
                    string resolved = Path.GetFullPath(target, prefix);
                    current = i + 1 < parts.Length
                        ? Path.GetFullPath(Path.Combine(resolved, Path.Combine(parts[(i + 1)..])))
                        : resolved;
                    changed = true;
                    break;
                }

                prefix = next;
            }
        }

        return current;
    }
}
