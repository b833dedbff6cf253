using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>Watch options that start right after a known resourceVersion (a list's, or the one before a test's changes).</summary>
internal static class WatchStart
{
    public static ResumableWatchOptions StartingAt(string? resourceVersion, ResumableWatchOptions options)
    {
        options.ResourceVersion = resourceVersion;
        return options;
    }
}
