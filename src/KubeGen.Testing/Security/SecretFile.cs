using System.Text;

namespace KubeGen.Testing.Security;

/// <summary>
/// Writes files that hold a credential (the service account token, a kubeconfig with it):
/// readable and writable by their owner only (0600) from the moment they exist.
/// </summary>
internal static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/>. The text goes to a new file beside
    /// it, created owner-only (no moment where it is world-readable, whatever the umask), which is
    /// then renamed over <paramref name="path"/>: an existing file's wider mode is never inherited,
    /// and a reader sees the old content or the new, never half of it.
    /// </summary>
    public static void Write(string path, string text)
    {
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, CreateOwnerOnly()))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static FileStreamOptions CreateOwnerOnly()
    {
        // CreateNew: O_EXCL, so nothing already at the temporary name (a planted link) is opened.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };

        // Windows has no mode bits: the file gets the directory's inherited ACL (the user's own
        // profile for the default temporary directory), which is what protects it there.
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }
}
