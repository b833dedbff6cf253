using Microsoft.Extensions.Logging;

namespace KubeGen.Hosting;

/// <summary>The host's log messages (source-generated: no boxing, no reflection).</summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Warning, "{Controller}: reconcile {Key} failed (terminal: {Terminal}, earlier failures: {Retries})")]
    public static partial void ReconcileFailed(ILogger logger, string controller, string key, bool terminal, int retries, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Started leading")]
    public static partial void StartedLeading(ILogger logger);

    [LoggerMessage(3, LogLevel.Information, "Stopped leading")]
    public static partial void StoppedLeading(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Leader is {Holder}")]
    public static partial void NewLeader(ILogger logger, string holder);

    [LoggerMessage(5, LogLevel.Information, "Serving /healthz, /readyz and /metrics on port {Port}")]
    public static partial void Serving(ILogger logger, int port);

    [LoggerMessage(6, LogLevel.Information, "Controllers stopped")]
    public static partial void Stopped(ILogger logger);
}
