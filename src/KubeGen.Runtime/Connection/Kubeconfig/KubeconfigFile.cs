using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeGen.Runtime;

/// <summary>
/// One kubeconfig file as read: its current context and its named clusters, users and contexts, each kept as
/// the YAML node it came from. Entries are read field by field only when a context uses them
/// (<see cref="KubeconfigEntry"/>), so a broken entry no context uses does not stop a connection, as with kubectl.
/// </summary>
/// <remarks>
/// YamlDotNet's parser and representation model are used, not its reflection-based deserializer: they need no
/// reflection, so Native AOT and the trimmer have nothing to warn about, and a document of a few entries does
/// not justify a generated static context.
/// </remarks>
internal sealed class KubeconfigFile
{
    private KubeconfigFile(string path, string? currentContext, IReadOnlyList<KubeconfigEntry> clusters, IReadOnlyList<KubeconfigEntry> users, IReadOnlyList<KubeconfigEntry> contexts)
    {
        Path = path;
        CurrentContext = currentContext;
        Clusters = clusters;
        Users = users;
        Contexts = contexts;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The folder relative paths in the file are resolved against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path) ?? ".";

    public string? CurrentContext { get; }

    public IReadOnlyList<KubeconfigEntry> Clusters { get; }

    public IReadOnlyList<KubeconfigEntry> Users { get; }

    public IReadOnlyList<KubeconfigEntry> Contexts { get; }

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="KubeconfigException">The file cannot be read, is not YAML, or is not shaped like a kubeconfig.</exception>
    public static KubeconfigFile Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw KubeconfigException.At(full, null, $"cannot be read: {ex.Message}", ex);
        }

        return Parse(full, text);
    }

    /// <summary>Parses kubeconfig text that was read from <paramref name="path"/>.</summary>
    public static KubeconfigFile Parse(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            // The parser's own message quotes no document text, only what it expected; the position says where.
            throw KubeconfigException.At(path, null, $"is not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner throws this (without a position) for some malformed flow collections.
            throw KubeconfigException.At(path, null, "is not valid YAML (an unclosed [ or { list or mapping?).", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            // An empty file is an empty config (client-go reads it as one).
            return new KubeconfigFile(path, null, [], [], []);
        }

        if (stream.Documents.Count > 1)
        {
            throw KubeconfigException.At(path, null, "holds more than one YAML document; a kubeconfig is one.");
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw KubeconfigException.At(path, null, "is not a YAML mapping (apiVersion, kind, clusters, users, contexts, current-context).");
        }

        string? current = KubeconfigEntry.ScalarOf(root, "current-context", path, "current-context");
        return new KubeconfigFile(
            path,
            string.IsNullOrEmpty(current) ? null : current,
            Entries(root, path, "clusters", "cluster"),
            Entries(root, path, "users", "user"),
            Entries(root, path, "contexts", "context"));
    }

    private static List<KubeconfigEntry> Entries(YamlMappingNode root, string path, string listName, string itemKey)
    {
        var entries = new List<KubeconfigEntry>();
        if (!root.Children.TryGetValue(new YamlScalarNode(listName), out YamlNode? node) || KubeconfigEntry.IsNull(node))
        {
            return entries;
        }

        if (node is not YamlSequenceNode list)
        {
            throw KubeconfigException.At(path, listName, $"must be a list of {{name, {itemKey}}} entries.");
        }

        for (int i = 0; i < list.Children.Count; i++)
        {
            string field = $"{listName}[{i}]";
            if (list.Children[i] is not YamlMappingNode item)
            {
                throw KubeconfigException.At(path, field, $"must be a mapping with name and {itemKey}.");
            }

            string? name = KubeconfigEntry.ScalarOf(item, "name", path, field + ".name");
            if (string.IsNullOrEmpty(name))
            {
                throw KubeconfigException.At(path, field + ".name", "is missing or empty.");
            }

            YamlMappingNode? body = null;
            if (item.Children.TryGetValue(new YamlScalarNode(itemKey), out YamlNode? value) && !KubeconfigEntry.IsNull(value))
            {
                body = value as YamlMappingNode
                    ?? throw KubeconfigException.At(path, $"{listName}[{name}].{itemKey}", "must be a mapping.");
            }

            // Within one file the first entry of a name counts, as when files are merged.
            if (!entries.Exists(e => e.Name == name))
            {
                entries.Add(new KubeconfigEntry(name, path, $"{listName}[{name}].{itemKey}", body ?? new YamlMappingNode()));
            }
        }

        return entries;
    }
}
