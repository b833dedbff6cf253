namespace KubeGen.Runtime;

/// <summary>
/// The kubeconfig files of one connection merged by client-go's rules (<c>KUBECONFIG=a:b:c</c>): the first file
/// to set a value wins (<c>current-context</c>), and clusters, users and contexts are merged by name, each entry
/// taken whole from the first file that has that name (a later file's fields never fill in an earlier entry).
/// </summary>
internal sealed class KubeconfigSet
{
    public KubeconfigSet(IReadOnlyList<KubeconfigFile> files)
    {
        Files = files;
        CurrentContext = files.Select(f => f.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c));
    }

    /// <summary>The files, first (highest priority) first.</summary>
    public IReadOnlyList<KubeconfigFile> Files { get; }

    public string? CurrentContext { get; }

    /// <summary>"'a'" or "'a', 'b'": the files, for messages.</summary>
    public string Describe() => string.Join(", ", Files.Select(f => $"'{f.Path}'"));

    public KubeconfigEntry? Context(string name) => First(f => f.Contexts, name);

    public KubeconfigEntry? Cluster(string name) => First(f => f.Clusters, name);

    public KubeconfigEntry? User(string name) => First(f => f.Users, name);

    /// <summary>The names of every context, for "did you mean" messages.</summary>
    public IEnumerable<string> ContextNames() => Files.SelectMany(f => f.Contexts).Select(c => c.Name).Distinct(StringComparer.Ordinal);

    private KubeconfigEntry? First(Func<KubeconfigFile, IReadOnlyList<KubeconfigEntry>> entries, string name)
    {
        foreach (KubeconfigFile file in Files)
        {
            foreach (KubeconfigEntry entry in entries(file))
            {
                if (string.Equals(entry.Name, name, StringComparison.Ordinal))
                {
                    return entry;
                }
            }
        }

        return null;
    }
}
