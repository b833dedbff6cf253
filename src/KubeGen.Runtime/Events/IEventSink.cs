namespace KubeGen.Runtime;

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
