namespace KubeGen.Runtime;

/// <summary>
/// A Kubernetes object with apiVersion, kind and ObjectMeta. Generated kinds implement it so
/// runtime code (watch resume, caches, leader election) can work with any of them.
/// </summary>
public interface IKubeObject
{
    /// <summary>The object's apiVersion ("v1", "apps/v1").</summary>
    string? ApiVersion { get; set; }

    /// <summary>The object's kind ("Pod").</summary>
    string? Kind { get; set; }

    /// <summary>The object's metadata, or null when it has none yet.</summary>
    IKubeObjectMetadata? ObjectMetadata { get; }
}

/// <summary>The parts of meta/v1 ObjectMeta that runtime code relies on.</summary>
public interface IKubeObjectMetadata
{
    /// <summary>metadata.name.</summary>
    string? Name { get; }

    /// <summary>metadata.namespace.</summary>
    string? Namespace { get; }

    /// <summary>metadata.resourceVersion.</summary>
    string? ResourceVersion { get; }

    /// <summary>metadata.uid.</summary>
    string? Uid { get; }

    /// <summary>metadata.generation.</summary>
    long? Generation { get; }

    /// <summary>metadata.deletionTimestamp.</summary>
    DateTimeOffset? DeletionTimestamp { get; }

    /// <summary>metadata.labels.</summary>
    IDictionary<string, string>? Labels { get; }

    /// <summary>metadata.annotations.</summary>
    IDictionary<string, string>? Annotations { get; }
}

/// <summary>A Kubernetes list (PodList, ...): its items and the ListMeta fields used for paging and watching.</summary>
public interface IKubeList<T>
{
    /// <summary>The items.</summary>
    IList<T>? Items { get; }

    /// <summary>metadata.continue: the token for the next page, if any.</summary>
    string? Continue { get; }

    /// <summary>metadata.resourceVersion: where a watch after this list starts.</summary>
    string? ResourceVersion { get; }
}
