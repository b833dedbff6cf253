namespace KubeGen.Runtime;

/// <summary>The object an event is about: an object reference as events carry it.</summary>
/// <param name="ApiVersion">Its apiVersion.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Namespace">Its namespace; null for cluster-scoped objects (their events go to "default").</param>
/// <param name="Name">Its name.</param>
/// <param name="Uid">Its uid, when known.</param>
/// <param name="ResourceVersion">The version the event is about, when known.</param>
public sealed record KubeObjectReference(string ApiVersion, string Kind, string? Namespace, string Name, string? Uid = null, string? ResourceVersion = null)
{
    /// <summary>The reference to an object read from the server.</summary>
    /// <param name="item">The object.</param>
    /// <param name="apiVersion">Its apiVersion when the object does not carry it (list items may not): the kind's <c>KubeApiVersion</c>.</param>
    /// <param name="kind">Its kind when the object does not carry it: the kind's <c>KubeKind</c>.</param>
    public static KubeObjectReference For(IKubeObject item, string? apiVersion = null, string? kind = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        IKubeObjectMetadata metadata = item.ObjectMetadata ?? throw new ArgumentException("The object has no metadata.", nameof(item));
        return new KubeObjectReference(
            item.ApiVersion is { Length: > 0 } a ? a : apiVersion ?? throw new ArgumentException("The object carries no apiVersion: pass it.", nameof(apiVersion)),
            item.Kind is { Length: > 0 } k ? k : kind ?? throw new ArgumentException("The object carries no kind: pass it.", nameof(kind)),
            string.IsNullOrEmpty(metadata.Namespace) ? null : metadata.Namespace,
            metadata.Name is { Length: > 0 } n ? n : throw new ArgumentException("The object has no name.", nameof(item)),
            metadata.Uid,
            metadata.ResourceVersion);
    }
}
