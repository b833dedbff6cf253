namespace KubeGen.Runtime;

/// <summary>How an informer reads the full state before it watches.</summary>
public enum InitialListMode
{
    /// <summary>Paged lists (limit/continue), then a watch from the list's resourceVersion.</summary>
    List,

    /// <summary>A watch streaming the state first (<c>sendInitialEvents=true</c>), falling back to <see cref="List"/> when the server does not support it.</summary>
    Stream,
}
