namespace KubeGen.Runtime;

/// <summary>
/// Metadata-only lists, watches and informer caches of any resource (client-go's metadata client, controller-runtime's
/// <c>PartialObjectMetadata</c>): the server is asked for <c>as=PartialObjectMetadataList</c> (lists) and
/// <c>as=PartialObjectMetadata</c> (watches), so only each object's metadata crosses the wire and is kept, for controllers
/// that need names, labels, annotations, owners and finalizers but not specs. Plain JSON is the fallback the Accept header
/// names: a server or proxy that ignores the request sends full objects, which are read the same way (everything but the
/// metadata is skipped). RBAC is the resource's own (<c>list</c>, <c>watch</c>).
/// </summary>
/// <param name="connection">The connection (the generated client's <c>Connection</c>).</param>
public sealed class MetadataClient(KubeConnection connection)
{
    private const string ListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    private const string ObjectAccept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

    private readonly KubeConnection _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    /// <summary>Lists one page of the collection's metadata.</summary>
    public Task<PartialObjectMetadataList> ListAsync(MetadataResource resource, ListRequest request, string? labelSelector = null, string? fieldSelector = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        string path = resource.Path()
            .AddQuery("labelSelector", labelSelector)
            .AddQuery("fieldSelector", fieldSelector)
            .AddQuery("limit", request.Limit)
            .AddQuery("continue", request.Continue)
            .AddQuery("resourceVersion", request.ResourceVersion)
            .ToString();
        return _connection.SendAsync(HttpMethod.Get, path, null, PartialObjectMetadataList.JsonTypeInfo, ListAccept, cancellationToken);
    }

    /// <summary>One watch connection of the collection's metadata (build resuming loops on it with <see cref="ResumableWatch"/>).</summary>
    public IAsyncEnumerable<WatchEvent<PartialObjectMetadata>> WatchSingleConnectionAsync(MetadataResource resource, WatchRequest request, string? labelSelector = null, string? fieldSelector = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        string path = resource.Path()
            .AddQuery("watch", true)
            .AddQuery("labelSelector", labelSelector)
            .AddQuery("fieldSelector", fieldSelector)
            .AddQuery("resourceVersion", request.ResourceVersion)
            .AddQuery("timeoutSeconds", request.TimeoutSeconds)
            .AddQuery("allowWatchBookmarks", request.AllowWatchBookmarks ? true : null)
            .AddQuery("sendInitialEvents", request.SendInitialEvents)
            .AddQuery("resourceVersionMatch", request.ResourceVersionMatch)
            .ToString();
        return _connection.WatchAsync(path, PartialObjectMetadata.JsonTypeInfo, ObjectAccept, cancellationToken);
    }

    /// <summary>A metadata-only informer cache of the collection (the selectors of <paramref name="options"/> apply).</summary>
    public ResourceCache<PartialObjectMetadata, PartialObjectMetadataList> CreateCache(MetadataResource resource, ResourceCacheOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return new ResourceCache<PartialObjectMetadata, PartialObjectMetadataList>(
            (request, ct) => ListAsync(resource, request, options?.LabelSelector, options?.FieldSelector, ct),
            (request, ct) => WatchSingleConnectionAsync(resource, request, options?.LabelSelector, options?.FieldSelector, ct),
            options);
    }
}
