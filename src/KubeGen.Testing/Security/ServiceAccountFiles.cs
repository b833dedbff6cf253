using System.Globalization;
using System.Runtime.InteropServices;

namespace KubeGen.Testing.Security;

/// <summary>
/// Writes a service-account volume the way the kubelet does: the files live in a timestamped
/// directory, <c>..data</c> is a symlink to it, and <c>token</c>, <c>ca.crt</c>, <c>namespace</c>
/// are symlinks through <c>..data</c>. An update writes a new directory and renames a fresh
/// <c>..data</c> link over the old one, so readers never see a half-written token.
/// Falls back to plain files where symlinks are not available. The token is written owner-only
/// (<see cref="SecretFile"/>); <c>ca.crt</c> and <c>namespace</c> are not secrets.
/// </summary>
internal static class ServiceAccountFiles
{
    private static readonly string[] Files = ["token", "ca.crt", "namespace"];

    public static void Write(string directory, string token, string caPem, string ns)
    {
        Directory.CreateDirectory(directory);
        try
        {
            WriteAtomically(directory, token, caPem, ns);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            foreach (string file in Files)
            {
                string path = Path.Combine(directory, file);
                if (File.Exists(path) && new FileInfo(path).LinkTarget is not null)
                {
                    File.Delete(path);
                }
            }

            SecretFile.Write(Path.Combine(directory, "token"), token);
            File.WriteAllText(Path.Combine(directory, "ca.crt"), caPem);
            File.WriteAllText(Path.Combine(directory, "namespace"), ns);
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    private static void WriteAtomically(string directory, string token, string caPem, string ns)
    {
        string stamp = ".." + DateTime.UtcNow.ToString("yyyy_MM_dd_HH_mm_ss.fffffff", CultureInfo.InvariantCulture);
        string versioned = Path.Combine(directory, stamp);
        Directory.CreateDirectory(versioned);
        SecretFile.Write(Path.Combine(versioned, "token"), token);
        File.WriteAllText(Path.Combine(versioned, "ca.crt"), caPem);
        File.WriteAllText(Path.Combine(versioned, "namespace"), ns);

        string data = Path.Combine(directory, "..data");
        string? previous = File.Exists(data) || Directory.Exists(data) ? new FileInfo(data).LinkTarget : null;
        string temporary = Path.Combine(directory, "..data_tmp");
        if (File.Exists(temporary) || Directory.Exists(temporary))
        {
            File.Delete(temporary);
        }

        File.CreateSymbolicLink(temporary, stamp);
        if (OperatingSystem.IsWindows() || Rename(temporary, data) != 0)
        {
            File.Delete(temporary);
            throw new IOException($"cannot rename {temporary} to {data} (errno {Marshal.GetLastPInvokeError()})");
        }

        foreach (string file in Files)
        {
            string link = Path.Combine(directory, file);
            FileInfo info = new(link);
            if (info.LinkTarget is null)
            {
                if (info.Exists)
                {
                    File.Delete(link);
                }

                File.CreateSymbolicLink(link, Path.Combine("..data", file));
            }
        }

        if (previous is not null && previous != stamp)
        {
            string old = Path.Combine(directory, previous);
            if (Directory.Exists(old))
            {
                Directory.Delete(old, recursive: true);
            }
        }
    }
}
