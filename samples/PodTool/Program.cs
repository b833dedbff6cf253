using System.Runtime.InteropServices;
using KubeGen.Runtime;
using PodTool.Kube;

namespace PodTool;

/// <summary>
/// kubectl's logs, exec and port-forward for one pod, over the generated client's streaming calls. It connects with
/// <see cref="KubeClient.Connect"/>, so the same binary runs in a pod (service account) and on a laptop (kubeconfig).
/// Exit codes: 0 done, 1 an API or connection error, 2 bad arguments; <c>exec</c> exits with the command's code.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: PodTool [-n NAMESPACE] [--context NAME] [-c CONTAINER] COMMAND
          logs POD [-f] [--tail N] [--since SECONDS] [--timestamps] [--previous] [--limit-bytes N]
                                   print the container's log; -f follows it until the container ends or Ctrl+C
          exec POD -- CMD [ARG...] run CMD in the container to its end, print its output and exit code,
                                   and exit with that code
          port-forward POD [LOCAL:]REMOTE
                                   listen on 127.0.0.1:LOCAL (default: a free port) and forward every connection
                                   to the pod's REMOTE port until Ctrl+C
          --print-rbac             print the RBAC rules this build needs and exit
        """;

    private static async Task<int> Main(string[] args)
    {
        ToolArguments arguments;
        try
        {
            arguments = ToolArguments.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        switch (arguments.Command)
        {
            case "help":
                Console.WriteLine(Usage);
                return 0;
            case "print-rbac":
                Console.Write(KubeClient.RbacRules);
                return 0;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        KubeClient kube;
        try
        {
            kube = KubeClient.Connect(new KubeConnectOptions { Context = arguments.Context });
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"error: cannot connect: {ex.Message}");
            return 1;
        }

        await using (kube)
        {
            string ns = arguments.Namespace ?? kube.Namespace;
            try
            {
                return arguments.Command switch
                {
                    "logs" => await Logs.RunAsync(kube, ns, arguments, stop.Token),
                    "exec" => await Exec.RunAsync(kube, ns, arguments, stop.Token),
                    _ => await PortForward.RunAsync(kube, ns, arguments, stop.Token),
                };
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return 0;
            }
            catch (KubeApiException ex)
            {
                // The API server's Status message; a 403 also names the permission the request needed.
                Console.Error.WriteLine($"error: {ex.Message}");
                if (ex.IsForbidden)
                {
                    Console.Error.WriteLine("The service account needs the rules of `PodTool --print-rbac`.");
                }

                return 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException or IOException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 1;
            }
            catch (KubeconfigException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 1;
            }
        }
    }
}
