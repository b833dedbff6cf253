using KubeGen.Runtime;
using PodTool.Kube;

namespace PodTool;

/// <summary>
/// <c>port-forward</c>: a local listener whose every connection is forwarded to the pod's port over a WebSocket of its own
/// (v4.channel.k8s.io), until Ctrl+C or SIGTERM, as <c>kubectl port-forward</c> does.
/// </summary>
internal static class PortForward
{
    public static async Task<int> RunAsync(KubeClient kube, string ns, ToolArguments arguments, CancellationToken cancellationToken)
    {
        var local = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, arguments.LocalPort);
        await using PortForwarder forwarder = await kube.CoreV1.Pods.PortForwardAsync(ns, arguments.Pod, arguments.RemotePort, local, cancellationToken);

        // One connection failing (the pod's port refused it) is reported and the others carry on, as kubectl does.
        forwarder.ConnectionFailed += error => Console.Error.WriteLine($"error: forwarding a connection: {error.Message}");
        Console.WriteLine($"Forwarding from {forwarder.LocalEndPoint} -> {arguments.RemotePort}");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return 0;
    }
}
