using System.Globalization;
using System.Runtime.InteropServices;

namespace KubeGen.Runtime.Tests.Infrastructure;

/// <summary>
/// A service-account directory laid out and updated like the kubelet's AtomicWriter does it:
/// <code>
/// ..2026_11_28_10_00_00.000000001/   token  ca.crt  namespace   (the published files)
/// ..data -> ..2026_11_28_10_00_00.000000001
/// token -> ..data/token, ca.crt -> ..data/ca.crt, namespace -> ..data/namespace
/// </code>
/// <see cref="Publish"/> writes a new timestamped directory, points a temporary <c>..data_tmp</c> link at it,
/// renames that link over <c>..data</c> (an atomic swap), and deletes the previous directory.
/// </summary>
internal sealed class ServiceAccountDirectory : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private string? _current;
    private int _generation;

    public ServiceAccountDirectory(string? token = null, string? caPem = null, string? ns = null)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "the kubelet's symlink layout needs a Unix file system");
        Publish(token, caPem, ns);
    }

    public string Path => _root.Path;

    public string TokenFile => File("token");

    public string CaFile => File("ca.crt");

    /// <summary>The timestamped directory <c>..data</c> points at now.</summary>
    public string CurrentDataDirectory => System.IO.Path.Combine(_root.Path, _current!);

    public string File(string name) => System.IO.Path.Combine(_root.Path, name);

    /// <summary>Publishes a new generation; a null argument keeps that file's previous content.</summary>
    public void Publish(string? token = null, string? caPem = null, string? ns = null)
    {
        if (token is not null)
        {
            _files["token"] = token;
        }

        if (caPem is not null)
        {
            _files["ca.crt"] = caPem;
        }

        if (ns is not null)
        {
            _files["namespace"] = ns;
        }

        _generation++;
        string name = "..2026_11_28_10_00_00." + _generation.ToString("D9", CultureInfo.InvariantCulture);
        string directory = System.IO.Path.Combine(_root.Path, name);
        Directory.CreateDirectory(directory);
        foreach ((string file, string content) in _files)
        {
            System.IO.File.WriteAllText(System.IO.Path.Combine(directory, file), content);
        }

        string temporary = File("..data_tmp");
        Directory.CreateSymbolicLink(temporary, name);
        if (Rename(temporary, File("..data")) != 0)
        {
            throw new IOException($"rename(..data_tmp, ..data) failed: errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}");
        }

        foreach (string file in _files.Keys)
        {
            if (!System.IO.File.Exists(File(file)) && new FileInfo(File(file)).LinkTarget is null)
            {
                System.IO.File.CreateSymbolicLink(File(file), System.IO.Path.Combine("..data", file));
            }
        }

        if (_current is not null)
        {
            Directory.Delete(System.IO.Path.Combine(_root.Path, _current), recursive: true);
        }

        _current = name;
    }

    public void Dispose() => _root.Dispose();

    // rename(2) replaces the ..data link atomically; File.Move and Directory.Move refuse to replace a link to a directory.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
