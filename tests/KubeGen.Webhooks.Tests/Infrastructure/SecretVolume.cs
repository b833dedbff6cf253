global using KubeGen.Runtime.Tests.Infrastructure;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Webhooks.Tests.Infrastructure;

/// <summary>
/// A kubernetes.io/tls Secret as the kubelet mounts it: <c>tls.crt -&gt; ..data/tls.crt</c>,
/// <c>..data -&gt; ..&lt;timestamp&gt;</c>; <see cref="Rotate"/> writes a new timestamped directory and
/// swaps <c>..data</c> with one rename, as the kubelet's atomic writer does.
/// </summary>
public sealed partial class SecretVolume : IDisposable
{
    private static readonly string[] Files = ["tls.crt", "tls.key", "ca.crt"];
    private int _version;

    public SecretVolume(X509Certificate2 server, X509Certificate2 authority, params X509Certificate2[] intermediates)
    {
        Directory = Path.Combine(Path.GetTempPath(), "kubegen-webhook-certs-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Rotate(server, authority, intermediates);
        foreach (string file in Files)
        {
            File.CreateSymbolicLink(Path.Combine(Directory, file), Path.Combine("..data", file));
        }
    }

    public string Directory { get; }

    /// <summary>Publishes new files the way the kubelet does.</summary>
    public void Rotate(X509Certificate2 server, X509Certificate2 authority, params X509Certificate2[] intermediates)
        => Publish(
            TestCertificates.Pem([server, .. intermediates]),
            server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n",
            TestCertificates.Pem(authority));

    /// <summary>Publishes the given texts (a key that does not match, a half-written file, …).</summary>
    public void Publish(string certificatePem, string keyPem, string authorityPem)
    {
        string stamp = ".." + DateTime.UtcNow.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture) + "." + (++_version).ToString(CultureInfo.InvariantCulture);
        string versioned = Path.Combine(Directory, stamp);
        System.IO.Directory.CreateDirectory(versioned);
        File.WriteAllText(Path.Combine(versioned, "tls.crt"), certificatePem);
        File.WriteAllText(Path.Combine(versioned, "tls.key"), keyPem);
        File.WriteAllText(Path.Combine(versioned, "ca.crt"), authorityPem);
        string temporary = Path.Combine(Directory, "..data_tmp");
        File.CreateSymbolicLink(temporary, stamp);
        // rename(2) replaces the ..data link itself in one step (File.Move would follow the links).
        if (Rename(temporary, Path.Combine(Directory, "..data")) != 0)
        {
            throw new IOException($"rename failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
