namespace KubeGen.Runtime;

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
