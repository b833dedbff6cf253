using KubeGen.Runtime;
using PodTool.Kube;

namespace PodTool;

/// <summary>
/// <c>exec</c>: runs the command to its end over the generated <c>RunAsync</c> (WebSocket, v5.channel.k8s.io), prints
/// what it wrote to each stream, then its exit code, which is also the tool's: a failing command is not an error of the tool.
/// </summary>
internal static class Exec
{
    public static async Task<int> RunAsync(KubeClient kube, string ns, ToolArguments arguments, CancellationToken cancellationToken)
    {
        var options = new ExecOptions { Container = arguments.Container };
        ExecResult result = await kube.CoreV1.Pods.RunAsync(ns, arguments.Pod, arguments.ExecCommand, stdin: null, options, cancellationToken);
        Console.Out.Write(result.Stdout);
        Console.Error.Write(result.Stderr);
        if (result.ExitCode is not { } code)
        {
            // The status channel said the command failed without an exit code (not found, not runnable).
            Console.Error.WriteLine($"error: {result.Exit.Message}");
            return 1;
        }

        Console.WriteLine($"exit code: {code}");
        return code;
    }
}
