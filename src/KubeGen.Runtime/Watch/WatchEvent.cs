namespace KubeGen.Runtime;

/// <summary>One event of a watch stream.</summary>
/// <typeparam name="T">The watched object type.</typeparam>
public sealed class WatchEvent<T>
{
    /// <summary>Creates an event.</summary>
    public WatchEvent(WatchEventType type, T @object)
    {
        if (@object is null)
        {
            throw new ArgumentNullException(nameof(@object));
        }

        Type = type;
        Object = @object;
    }

    /// <summary>What happened.</summary>
    public WatchEventType Type { get; }

    /// <summary>The object after the change (for <see cref="WatchEventType.Deleted"/>, its last state).</summary>
    public T Object { get; }
}
