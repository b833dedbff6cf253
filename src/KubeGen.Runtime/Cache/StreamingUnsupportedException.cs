namespace KubeGen.Runtime;

/// <summary>
/// The API server does not stream initial events (the WatchList feature): it refused <c>sendInitialEvents</c>, or never sent
/// the <c>k8s.io/initial-events-end</c> bookmark. A <see cref="ResourceCache{T, TList}"/> reports it to its error handler and
/// reads the state by lists from then on.
/// </summary>
public sealed class StreamingUnsupportedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamingUnsupportedException(string message, Exception? innerException = null)
        : base("The API server does not stream initial events; the cache lists instead. " + message, innerException)
    {
    }
}
