using PodTool.Kube;

namespace PodTool;

/// <summary><c>logs</c>: the container's log line by line as the API server sends it, so a followed log is never held whole.</summary>
internal static class Logs
{
    public static async Task<int> RunAsync(KubeClient kube, string ns, ToolArguments arguments, CancellationToken cancellationToken)
    {
        var options = new LogOptions
        {
            Container = arguments.Container,
            Follow = arguments.Follow ? true : null,
            TailLines = arguments.TailLines,
            SinceSeconds = arguments.SinceSeconds,
            Timestamps = arguments.Timestamps ? true : null,
            Previous = arguments.Previous ? true : null,
            LimitBytes = arguments.LimitBytes,
        };

        // The enumeration ends when the log does: at once without -f, when the container ends with it. Ctrl+C
        // cancels the request (the caller reports nothing for that).
        await foreach (string line in kube.CoreV1.Pods.StreamLogLinesAsync(ns, arguments.Pod, options, cancellationToken))
        {
            Console.WriteLine(line);
        }

        return 0;
    }
}
