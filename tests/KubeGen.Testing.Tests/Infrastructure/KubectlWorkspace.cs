namespace KubeGen.Testing.Tests.Infrastructure;

/// <summary>An emulator with a scratch directory for kubectl: its kubeconfig, cache, HOME and files.</summary>
public sealed class KubectlWorkspace : IAsyncDisposable
{
    private KubectlWorkspace(string directory, KubeApiServerEmulator server)
    {
        Directory = directory;
        Server = server;
    }

    public string Directory { get; }

    public KubeApiServerEmulator Server { get; }

    public Kubectl Cli => new(Server.KubeconfigPath, Directory);

    public static async Task<KubectlWorkspace> StartAsync(string spec, Action<KubeApiServerEmulatorOptions>? configure = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "kubegen-kubectl-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var options = new KubeApiServerEmulatorOptions { KubeconfigPath = Path.Combine(directory, "kubeconfig") };
        options.SpecFiles.Add(spec);
        configure?.Invoke(options);
        return new KubectlWorkspace(directory, await KubeApiServerEmulator.StartAsync(options, Emulator.Ct));
    }

    public string WriteFile(string name, string text)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
