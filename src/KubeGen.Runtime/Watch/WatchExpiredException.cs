namespace KubeGen.Runtime;

/// <summary>
/// The resourceVersion a watch wanted to resume from is too old (410 Gone, <c>Expired</c>): the server
/// no longer has the events after it. List again and watch from the list's resourceVersion
/// (<see cref="ResourceCache{T, TList}"/> does this by itself).
/// </summary>
public sealed class WatchExpiredException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WatchExpiredException(string? resourceVersion, KubeApiException innerException)
        : base($"The watch cannot resume from resourceVersion {resourceVersion ?? "(none)"}: {innerException?.Message} List again and watch from the list's resourceVersion.", innerException)
    {
        ResourceVersion = resourceVersion;
    }

    /// <summary>The resourceVersion that is too old.</summary>
    public string? ResourceVersion { get; }
}
