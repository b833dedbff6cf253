using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KubeGen.Runtime.Tests.Infrastructure;

/// <summary>
/// A temporary folder for kubeconfig tests: kubeconfig files, a fake environment (so tests never touch the
/// process's KUBECONFIG or HOME), and <see cref="Discover"/>, which runs the same discovery as
/// <see cref="KubeConnection.Connect(KubeConnectOptions?)"/> against that environment.
/// </summary>
internal sealed class KubeconfigWorkspace : IDisposable
{
    private readonly TempDirectory _directory = new();

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The fake home folder (its <c>.kube/config</c> is the default kubeconfig).</summary>
    public string Home => System.IO.Path.Combine(_directory.Path, "home");

    public string Path(string name) => _directory.File(name);

    /// <summary>Writes a file (creating folders) and returns its full path.</summary>
    public string Write(string name, string text)
    {
        string path = _directory.File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes an executable shell script (an exec plugin standing in for a cloud CLI).</summary>
    public string Script(string name, string body)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "exec plugin scripts need a Unix shell");
        string path = Write(name, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>Writes a one-context kubeconfig (<see cref="Config"/>, trusting the test CA) for <paramref name="server"/> and points KUBECONFIG at it.</summary>
    public string UseConfig(Uri server, string user, string extraCluster = "", bool trustTestAuthority = true)
    {
        string path = Write("config", Config(server, trustTestAuthority ? CaPem(TestCertificates.Authority) : null, user, extraCluster: extraCluster));
        Environment["KUBECONFIG"] = path;
        return path;
    }

    public KubeConnectionOptions Discover(KubeConnectOptions? options = null)
        => ConnectionDiscovery.Discover(options, name => Environment.TryGetValue(name, out string? value) ? value : null, Home);

    public KubeConnection Connect(KubeConnectOptions? options = null) => new(Discover(options));

    /// <summary>A one-context kubeconfig for <paramref name="server"/>; <paramref name="user"/> is the user's YAML body (indented 4).</summary>
    public static string Config(Uri server, string? caPem, string user, string ns = "team", string extraCluster = "")
    {
        string ca = caPem is null ? string.Empty : $"\n    certificate-authority-data: {Base64(caPem)}";
        return $"""
            apiVersion: v1
            kind: Config
            current-context: test
            clusters:
            - name: test-cluster
              cluster:
                server: {server.ToString().TrimEnd('/')}{ca}{extraCluster}
            users:
            - name: test-user
              user:
            {user}
            contexts:
            - name: test
              context:
                cluster: test-cluster
                user: test-user
                namespace: {ns}

            """;
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    public static string CaPem(X509Certificate2 authority) => authority.ExportCertificatePem() + "\n";

    public void Dispose() => _directory.Dispose();
}
