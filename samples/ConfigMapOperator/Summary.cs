using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ConfigMapOperator.Kube.CoreV1;
using ConfigMapOperator.Kube.MetaV1;
using KubeGen.Samples;

namespace ConfigMapOperator;

/// <summary>
/// What the operator derives from a source ConfigMap: the ConfigMap <c>&lt;name&gt;-summary</c> in the
/// same namespace, controlled by the source (so that Kubernetes garbage-collects it with the source),
/// holding the number of keys, their total size and a content hash. A pure function of the source.
/// </summary>
internal static class Summary
{
    /// <summary>The label that marks the operator's own objects (its second cache selects on it).</summary>
    public const string ManagedByLabel = OwnedChild.ManagedByLabel;

    public const string ManagedByValue = "configmap-operator";

    /// <summary>The server-side apply field manager: the fields it sets belong to this operator.</summary>
    public const string FieldManager = "configmap-operator";

    /// <summary>How a summary is named, marked and compared.</summary>
    private static readonly OwnedChild Child = new("-summary", ManagedByValue);

    public static string NameFor(string sourceName) => Child.NameFor(sourceName);

    public static bool NameFits(string sourceName) => Child.NameFits(sourceName);

    /// <summary>
    /// The summary as the operator applies it: only the fields it owns. Server-side apply sets
    /// these, leaves other managers' fields alone, and removes fields this manager applied before
    /// and no longer applies.
    /// </summary>
    public static ConfigMap Desired(ConfigMap source)
    {
        ObjectMeta meta = source.Metadata ?? throw new ArgumentException("The source has no metadata.", nameof(source));
        string name = meta.Name ?? throw new ArgumentException("The source has no name.", nameof(source));
        return new ConfigMap
        {
            ApiVersion = ConfigMap.KubeApiVersion,
            Kind = ConfigMap.KubeKind,
            Metadata = new ObjectMeta
            {
                Name = NameFor(name),
                Namespace = meta.Namespace,
                Labels = Child.Labels(),
                // controller: true makes the source the one owner that the garbage collector and
                // other controllers respect. No blockOwnerDeletion: setting it needs the "update"
                // verb on configmaps/finalizers, which this operator does not otherwise need.
                OwnerReferences =
                [
                    new OwnerReference
                    {
                        ApiVersion = ConfigMap.KubeApiVersion,
                        Kind = ConfigMap.KubeKind,
                        Name = name,
                        Uid = meta.Uid ?? throw new ArgumentException("The source has no uid.", nameof(source)),
                        Controller = true,
                    },
                ],
            },
            Data = Compute(source),
        };
    }

    /// <summary>
    /// Whether <paramref name="observed"/> already carries everything <paramref name="desired"/>
    /// applies (fields that other managers added are theirs and do not count).
    /// </summary>
    public static bool IsUpToDate(ConfigMap observed, ConfigMap desired)
        => Child.IsUpToDate(observed, observed.Data, desired.Metadata!.OwnerReferences![0], desired.Data!);

    /// <summary>The controller owner reference of an object (the one with <c>controller: true</c>), or null.</summary>
    public static OwnerReference? ControllerOf(ConfigMap configMap)
        => configMap.Metadata?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    /// <summary>
    /// <c>keys</c>: the number of keys in data and binaryData; <c>bytes</c>: the total size of the
    /// values (UTF-8 for data); <c>sha256</c>: the hex SHA-256 over every key in ordinal order, each
    /// written as the key's UTF-8 bytes, a NUL, the value's length as 8 bytes big-endian and the value;
    /// <c>source</c>: the source's name.
    /// </summary>
    private static Dictionary<string, string> Compute(ConfigMap source)
    {
        var entries = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string key, string value) in source.Data ?? new Dictionary<string, string>())
        {
            entries[key] = Encoding.UTF8.GetBytes(value);
        }

        foreach ((string key, byte[] value) in source.BinaryData ?? new Dictionary<string, byte[]>())
        {
            entries[key] = value;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        long bytes = 0;
        foreach ((string key, byte[] value) in entries)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            hash.AppendData([0]);
            BinaryPrimitives.WriteInt64BigEndian(length, value.Length);
            hash.AppendData(length);
            hash.AppendData(value);
            bytes += value.Length;
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["source"] = source.Metadata!.Name!,
            ["keys"] = entries.Count.ToString(CultureInfo.InvariantCulture),
            ["bytes"] = bytes.ToString(CultureInfo.InvariantCulture),
            ["sha256"] = Convert.ToHexStringLower(hash.GetHashAndReset()),
        };
    }
}
