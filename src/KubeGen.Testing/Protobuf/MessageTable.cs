using System.Globalization;

namespace KubeGen.Testing.Protobuf;

/// <summary>The wire-level type of a field or of a map's key or value.</summary>
internal enum ProtoType
{
    String,
    Bytes,
    Bool,
    Int32,
    Int64,
    UInt32,
    UInt64,
    Double,
    Float,
    Message,
}

/// <summary>One field of a message: its number and wire type, and how Go's JSON encoder writes it.</summary>
internal sealed record ProtoField(int Number, string JsonName, ProtoType Type, string? MessageName, bool Repeated)
{
    /// <summary>For maps: the key type (the value is <see cref="Type"/>/<see cref="MessageName"/>).</summary>
    public ProtoType? MapKey { get; init; }

    /// <summary>A Go pointer: present means set, even to a zero value.</summary>
    public bool Pointer { get; init; }

    /// <summary>No <c>omitempty</c>: Go writes the zero value.</summary>
    public bool Keep { get; init; }

    /// <summary><c>omitzero</c>: Go leaves a zero struct out.</summary>
    public bool OmitZero { get; init; }

    /// <summary>An embedded struct whose JSON fields are the parent's (<c>json:",inline"</c>).</summary>
    public bool Inline { get; init; }
}

/// <summary>A message, its fields in the Go struct's order.</summary>
internal sealed class ProtoMessage(string name, IReadOnlyList<ProtoField> fields)
{
    public string Name => name;

    public IReadOnlyList<ProtoField> Fields => fields;

    public Dictionary<int, ProtoField> ByNumber { get; } = fields.ToDictionary(f => f.Number);
}

/// <summary>
/// The Kubernetes protobuf messages the emulator decodes, read from <c>messages.txt</c> (an embedded
/// resource derived from Kubernetes' <c>generated.proto</c> files and Go struct tags by
/// <c>derive-messages.py</c>; its header names the release).
/// </summary>
internal sealed class MessageTable
{
    private static readonly Lazy<MessageTable> s_builtIn = new(() => Parse(ReadResource()));
    private readonly Dictionary<string, ProtoMessage> _messages;
    private readonly Dictionary<string, string> _packageByGroupVersion;

    private MessageTable(Dictionary<string, ProtoMessage> messages, Dictionary<string, string> packages)
    {
        _messages = messages;
        _packageByGroupVersion = packages;
    }

    public static MessageTable BuiltIn => s_builtIn.Value;

    public ProtoMessage this[string name] => _messages[name];

    /// <summary>
    /// The message of a kind (<c>apps/v1</c>, <c>Deployment</c>), if the table has it. The option
    /// kinds of <c>meta.k8s.io/v1</c> (<c>DeleteOptions</c>) are registered in every group-version, as
    /// <c>metav1.AddToGroupVersion</c> does.
    /// </summary>
    public ProtoMessage? ForKind(string groupVersion, string kind)
    {
        if (_packageByGroupVersion.TryGetValue(groupVersion, out string? package) && _messages.TryGetValue(package + "." + kind, out ProtoMessage? message))
        {
            return message;
        }

        return kind.EndsWith("Options", StringComparison.Ordinal) && _messages.TryGetValue("meta.v1." + kind, out ProtoMessage? options) ? options : null;
    }

    private static string ReadResource()
    {
        using Stream stream = typeof(MessageTable).Assembly.GetManifestResourceStream("KubeGen.Testing.Protobuf.messages.txt")
            ?? throw new InvalidOperationException("the protobuf message table is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <exception cref="FormatException">A line the table's grammar does not allow.</exception>
    internal static MessageTable Parse(string text)
    {
        var messages = new Dictionary<string, ProtoMessage>(StringComparer.Ordinal);
        var packages = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var fields = new List<ProtoField>();
        void Close()
        {
            if (current is not null)
            {
                messages[current] = new ProtoMessage(current, [.. fields]);
            }

            fields.Clear();
        }

        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0].StartsWith('#'))
            {
                continue;
            }

            if (words[0] == "package" && words.Length == 3)
            {
                packages[words[2]] = words[1];
            }
            else if (words[0] == "message" && words.Length == 2)
            {
                Close();
                current = words[1];
            }
            else if (current is not null && words.Length >= 3 && int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                fields.Add(Field(number, words[1], words[2], words[3..]));
            }
            else
            {
                throw new FormatException($"protobuf message table: cannot read \"{line}\"");
            }
        }

        Close();
        return new MessageTable(messages, packages);
    }

    private static ProtoField Field(int number, string jsonName, string type, string[] flags)
    {
        bool repeated = type.StartsWith("[]", StringComparison.Ordinal);
        ProtoType? mapKey = null;
        if (repeated)
        {
            type = type[2..];
        }
        else if (type.StartsWith("map[", StringComparison.Ordinal))
        {
            int close = type.IndexOf(']', StringComparison.Ordinal);
            mapKey = Scalar(type[4..close]) ?? throw new FormatException($"protobuf message table: map key {type}");
            type = type[(close + 1)..];
        }

        ProtoType? scalar = Scalar(type);
        return new ProtoField(number, jsonName == "-" ? "" : jsonName, scalar ?? ProtoType.Message, scalar is null ? type : null, repeated)
        {
            MapKey = mapKey,
            Pointer = flags.Contains("ptr"),
            Keep = flags.Contains("keep"),
            OmitZero = flags.Contains("omitzero"),
            Inline = flags.Contains("inline"),
        };
    }

    private static ProtoType? Scalar(string type) => type switch
    {
        "string" => ProtoType.String,
        "bytes" => ProtoType.Bytes,
        "bool" => ProtoType.Bool,
        "int32" => ProtoType.Int32,
        "int64" => ProtoType.Int64,
        "uint32" => ProtoType.UInt32,
        "uint64" => ProtoType.UInt64,
        "double" => ProtoType.Double,
        "float" => ProtoType.Float,
        _ => null,
    };
}
