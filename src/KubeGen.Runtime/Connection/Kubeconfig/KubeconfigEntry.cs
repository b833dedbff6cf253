using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace KubeGen.Runtime;

/// <summary>
/// One named cluster, user or context of a kubeconfig file: its YAML mapping, the file it came from (for
/// relative paths and messages) and typed readers for its fields, whose errors name the file and the field.
/// </summary>
internal sealed class KubeconfigEntry(string name, string file, string field, YamlMappingNode body)
{
    public string Name { get; } = name;

    /// <summary>The file the entry came from.</summary>
    public string File { get; } = file;

    /// <summary>The field path of the entry's body, e.g. <c>users[alice].user</c>.</summary>
    public string Field { get; } = field;

    public YamlMappingNode Body { get; } = body;

    /// <summary>The folder the entry's relative paths are resolved against: its file's.</summary>
    public string Directory => Path.GetDirectoryName(File) ?? ".";

    public bool Has(string key) => Body.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) && !IsNull(node);

    public string? String(string key) => ScalarOf(Body, key, File, Field + "." + key);

    /// <summary>A path field, resolved against the kubeconfig's folder when relative (client-go's rule).</summary>
    public string? PathValue(string key)
    {
        string? value = String(key);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.StartsWith("~/", StringComparison.Ordinal) || value == "~")
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            value = Path.Combine(home, value.Length > 2 ? value[2..] : string.Empty);
        }

        return Path.GetFullPath(value, Directory);
    }

    public bool Bool(string key)
    {
        string? value = String(key);
        return value switch
        {
            null or "" => false,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => throw Error(key, $"must be true or false, but it is '{value}'."),
        };
    }

    /// <summary>Base64 data (<c>*-data</c> fields), decoded.</summary>
    public byte[]? Data(string key)
    {
        string? value = String(key);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            // The value itself is not shown: *-data fields hold keys.
            throw Error(key, "is not valid base64.");
        }
    }

    public YamlMappingNode? Mapping(string key)
    {
        if (!Body.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) || IsNull(node))
        {
            return null;
        }

        return node as YamlMappingNode ?? throw Error(key, "must be a mapping.");
    }

    public YamlSequenceNode? Sequence(string key)
    {
        if (!Body.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) || IsNull(node))
        {
            return null;
        }

        return node as YamlSequenceNode ?? throw Error(key, "must be a list.");
    }

    /// <summary>The entry of a nested mapping (<c>exec</c> of a user), reading from the same file.</summary>
    public KubeconfigEntry? Nested(string key) => Mapping(key) is { } body ? new KubeconfigEntry(Name, File, Field + "." + key, body) : null;

    public KubeconfigException Error(string? key, string problem, Exception? inner = null)
        => KubeconfigException.At(File, key is null ? Field : Field + "." + key, problem, inner);

    internal static bool IsNull(YamlNode node)
        => node is YamlScalarNode { Value: null or "" or "~" or "null" or "Null" or "NULL" } scalar && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain;

    internal static string? ScalarOf(YamlMappingNode mapping, string key, string file, string field)
    {
        if (!mapping.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) || IsNull(node))
        {
            return null;
        }

        return node is YamlScalarNode scalar
            ? scalar.Value
            : throw KubeconfigException.At(file, field, "must be a single value, not a list or mapping.");
    }

    /// <summary>A scalar of a list or mapping item, with the item's field path in errors.</summary>
    internal string ItemScalar(YamlNode node, string field)
        => node is YamlScalarNode { Value: { } value }
            ? value
            : throw KubeconfigException.At(File, field, "must be a single value.");

    internal static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
