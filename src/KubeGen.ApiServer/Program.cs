using System.Globalization;
using System.Runtime.InteropServices;
using KubeGen.Testing;

// KubeGen.ApiServer: runs the KubeGen.Testing API server emulator until Ctrl+C.
//   dotnet run --project src/KubeGen.ApiServer -- --spec <file> [--spec <file>...] [--port N]
//     [--webhook-service NAMESPACE/NAME=HOST:PORT]...
//     [--sa-dir DIR] [--seed manifests.yaml|json]... [--kubeconfig FILE] [--client-cert] [--require-client-cert] [--openapi-v3 FILE]...
//     [--history N] [--watch-queue N] [--bookmark-interval SECONDS] [--max-body BYTES]
//     [--service-account NS/NAME] [--no-bootstrap-rules] [--admin-kubeconfig FILE] [--apply manifests.yaml]...
//     [--no-simulated-rollouts] [--pod-log NS/POD/CONTAINER=FILE]... [--port-forward-to HOST:PORT]

// Rollouts complete, so that `kubectl rollout status` finishes against the command line's emulator.
var options = new KubeApiServerEmulatorOptions { SimulateRollouts = true };
string? adminKubeconfig = null;
var applyFiles = new List<string>();
var podLogs = new List<(string Namespace, string Pod, string Container, string File)>();
for (int i = 0; i < args.Length; i++)
{
    string arg = args[i];
    string Value()
    {
        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"{arg} needs a value");
        }

        return args[++i];
    }

    try
    {
        switch (arg)
        {
            case "--spec":
                options.SpecFiles.Add(Value());
                break;
            case "--webhook-service":
                // NAMESPACE/NAME=HOST:PORT: where an admission webhook's Service is reached (there is no cluster network).
                string[] route = Value().Split('=', 2);
                if (route.Length != 2 || !route[0].Contains('/', StringComparison.Ordinal) || !route[1].Contains(':', StringComparison.Ordinal))
                {
                    throw new ArgumentException("--webhook-service takes NAMESPACE/NAME=HOST:PORT");
                }

                options.WebhookServices[route[0]] = route[1];
                break;
            case "--port":
                options.Port = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--sa-dir":
                options.ServiceAccountDirectory = Path.GetFullPath(Value());
                break;
            case "--seed":
                options.SeedFiles.Add(Value());
                break;
            case "--kubeconfig":
                options.KubeconfigPath = Path.GetFullPath(Value());
                break;
            case "--client-cert":
                // The kubeconfig authenticates with an administrator's client certificate instead of the SA token.
                options.KubeconfigClientCertificate = true;
                break;
            case "--require-client-cert":
                options.ClientCertificates = ClientCertificateAuthentication.Required;
                break;
            case "--openapi-v3":
                options.AddOpenApiV3File(Value());
                break;
            case "--history":
                options.HistoryWindow = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--watch-queue":
                options.WatchQueueLimit = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--bookmark-interval":
                options.BookmarkInterval = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture));
                break;
            case "--max-body":
                options.MaxRequestBodyBytes = long.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--service-account":
                string account = Value();
                int slash = account.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == account.Length - 1)
                {
                    throw new ArgumentException($"--service-account takes NAMESPACE/NAME, not {account}");
                }

                options.ServiceAccountNamespace = account[..slash];
                options.ServiceAccountName = account[(slash + 1)..];
                break;
            case "--no-bootstrap-rules":
                // The service account may do nothing until Roles and bindings (e.g. a generated rbac.yaml) say so.
                options.ServiceAccountRules = [];
                break;
            case "--apply":
                // Unlike --seed, through the API once it runs: validated, defaulted, CRDs served at once.
                applyFiles.Add(Path.GetFullPath(Value()));
                break;
            case "--admin-kubeconfig":
                adminKubeconfig = Path.GetFullPath(Value());
                break;
            case "--no-simulated-rollouts":
                options.SimulateRollouts = false;
                break;
            case "--pod-log":
                podLogs.Add(PodLogArgument(Value()));
                break;
            case "--port-forward-to":
                // What a port-forward reaches, whatever the pod and port: a real endpoint (a local server stands in for the pod).
                options.PortForwardHandler = PodPortForwardHandlers.ToEndPoint(System.Net.IPEndPoint.Parse(Value()));
                break;
            case "--help" or "-h":
                PrintUsage(Console.Out);
                return 0;
            default:
                throw new ArgumentException($"unknown argument {arg}");
        }
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        PrintUsage(Console.Error);
        return 2;
    }
}

if (options.SpecFiles.Count == 0)
{
    Console.Error.WriteLine("error: --spec is required (a Swagger 2.0 document, e.g. from `kubectl get --raw /openapi/v2`)");
    PrintUsage(Console.Error);
    return 2;
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

KubeApiServerEmulator emulator;
try
{
    emulator = await KubeApiServerEmulator.StartAsync(options, stop.Token);
}
catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

await using (emulator)
{
    try
    {
        foreach (string file in applyFiles)
        {
            await emulator.ApplyAsync(await File.ReadAllTextAsync(file, stop.Token), stop.Token);
        }

        foreach ((string ns, string pod, string container, string file) in podLogs)
        {
            // A finished container's log: `logs -f` gets all of it, then the end of the stream.
            emulator.SetPodLog(ns, pod, container, await File.ReadAllTextAsync(file, stop.Token));
            emulator.EndPodLog(ns, pod, container);
        }
    }
    catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }

    Console.WriteLine($"KubeGen API server emulator listening on {emulator.BaseUrl.ToString().TrimEnd('/')}");
    foreach ((string key, string value) in emulator.Environment)
    {
        Console.WriteLine($"{key}={value}");
    }

    Console.WriteLine($"service account directory: {emulator.ServiceAccountDirectory}");
    Console.WriteLine($"kubeconfig: {emulator.KubeconfigPath}");
    if (adminKubeconfig is not null)
    {
        emulator.WriteKubeconfig(adminKubeconfig, options.ServiceAccountNamespace, emulator.AdminToken);
        Console.WriteLine($"admin kubeconfig: {adminKubeconfig}");
    }

    Console.WriteLine($"  kubectl --kubeconfig {emulator.KubeconfigPath} get pods");
    Console.WriteLine("Press Ctrl+C to stop.");
    Console.Out.Flush();
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
}

return 0;

static void PrintUsage(TextWriter writer) => writer.WriteLine("""
    usage: KubeGen.ApiServer --spec <swagger.json> [--spec <file>...] [--port N] [--sa-dir DIR]
                             [--seed manifests.yaml|json]... [--kubeconfig FILE] [--client-cert] [--require-client-cert]
                             [--openapi-v3 FILE]...
                             [--webhook-service NAMESPACE/NAME=HOST:PORT]...
                             [--history N] [--watch-queue N] [--bookmark-interval SECONDS] [--max-body BYTES]
                             [--service-account NAMESPACE/NAME] [--no-bootstrap-rules] [--admin-kubeconfig FILE]
                             [--apply manifests.yaml]... [--no-simulated-rollouts]
                             [--pod-log NAMESPACE/POD/CONTAINER=FILE]... [--port-forward-to HOST:PORT]
    """);

// --pod-log NAMESPACE/POD/CONTAINER=FILE: the container's whole log is the file's text.
static (string Namespace, string Pod, string Container, string File) PodLogArgument(string value)
{
    int equals = value.IndexOf('=', StringComparison.Ordinal);
    string[] names = equals > 0 ? value[..equals].Split('/') : [];
    if (names.Length != 3 || names.Any(n => n.Length == 0) || equals == value.Length - 1)
    {
        throw new ArgumentException($"--pod-log takes NAMESPACE/POD/CONTAINER=FILE, not {value}");
    }

    return (names[0], names[1], names[2], Path.GetFullPath(value[(equals + 1)..]));
}
