namespace KubeGen.Runtime;

/// <summary>The priorities controllers use (controller-runtime's priority queue); any <see cref="int"/> works, higher first.</summary>
public static class WorkQueuePriority
{
    /// <summary>A change the controller has not seen yet.</summary>
    public const int Normal = 0;

    /// <summary>Objects of an informer's initial list and periodic resyncs: work that is not news, served after fresh changes.</summary>
    public const int Low = -100;
}
