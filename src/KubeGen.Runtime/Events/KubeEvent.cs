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

/// <summary>The event types.</summary>
public static class KubeEventType
{
    /// <summary>Something expected happened.</summary>
    public const string Normal = "Normal";

    /// <summary>Something went wrong, or may.</summary>
    public const string Warning = "Warning";
}

/// <summary>
/// One event as the recorder writes it, in the terms of events.k8s.io/v1 (an <see cref="IEventSink"/> maps it to the API's
/// Event, or to core/v1's).
/// </summary>
public sealed record KubeEvent
{
    /// <summary>The Event object's name: the regarding object's name, a dot and a hex timestamp, as client-go names them.</summary>
    public required string Name { get; init; }

    /// <summary>The Event object's namespace: the regarding object's, or "default" for cluster-scoped objects.</summary>
    public required string Namespace { get; init; }

    /// <summary>What the event is about.</summary>
    public required KubeObjectReference Regarding { get; init; }

    /// <summary>A second object involved, if any.</summary>
    public KubeObjectReference? Related { get; init; }

    /// <summary><see cref="KubeEventType.Normal"/> or <see cref="KubeEventType.Warning"/>.</summary>
    public required string Type { get; init; }

    /// <summary>Why, in UpperCamelCase ("Created", "ApplyFailed").</summary>
    public required string Reason { get; init; }

    /// <summary>What the controller did or failed to do, in UpperCamelCase ("Reconcile").</summary>
    public required string Action { get; init; }

    /// <summary>A human-readable description (at most 1 kB is kept).</summary>
    public string? Note { get; init; }

    /// <summary>The controller that reports it ("example.com/my-operator").</summary>
    public required string ReportingController { get; init; }

    /// <summary>The controller instance (the pod name).</summary>
    public required string ReportingInstance { get; init; }

    /// <summary>When it first happened.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>How many times it happened (1 until it repeats).</summary>
    public int Count { get; init; } = 1;

    /// <summary>When it last happened.</summary>
    public DateTimeOffset LastObservedTime { get; init; }
}

/// <summary>
/// Where an <see cref="EventRecorder"/> writes: create an Event, update a repeated one's count. <see cref="EventSinks"/> builds
/// one over the generated client's create and patch calls (events.k8s.io/v1, or core/v1 when only that is selected).
/// </summary>
public interface IEventSink
{
    /// <summary>Creates the Event.</summary>
    Task CreateAsync(KubeEvent kubeEvent, CancellationToken cancellationToken);

    /// <summary>Writes the new <see cref="KubeEvent.Count"/> and <see cref="KubeEvent.LastObservedTime"/> of an Event created earlier.</summary>
    Task UpdateSeriesAsync(KubeEvent kubeEvent, CancellationToken cancellationToken);
}
