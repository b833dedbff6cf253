using System.Globalization;
using System.Text.Json;
using AotApp.Kube;
using AotApp.Kube.CoreV1;
using AotApp.Kube.MetaV1;
using KubeGen.Runtime;

namespace AotApp;

/// <summary>
/// A Native AOT consumer of KubeGen-generated code. It connects in-cluster (or to <c>--server</c>
/// with <c>--token</c>), lists pods, creates/patches/reads a ConfigMap, watches pods until the
/// server ends the stream, and serializes a Pod through its generated JSON metadata. Its stdout is
/// line-oriented so that tests/KubeGen.EndToEnd.Tests can compare it exactly:
/// <code>
/// name phase restarts            (one line per pod; restarts summed over its containers)
/// CONFIGMAP name key=value ...
/// EVENT TYPE name
/// JSON {...}
/// ERROR code reason: message      (a KubeApiException; exit code 1)
/// </code>
/// </summary>
internal static class Program
{
    private const string ConfigMapName = "kubegen-aot";
    private const int WatchTimeoutSeconds = 5;

    private static async Task<int> Main(string[] args)
    {
        KubeClient kube;
        try
        {
            kube = Connect(args);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine($"usage: KubeGen.AotApp [--server URL --token TOKEN [--namespace NS]]: {ex.Message}");
            return 2;
        }

        await using (kube)
        {
            try
            {
                await RunAsync(kube);
                return 0;
            }
            catch (KubeApiException ex)
            {
                int code = ex.Status.Code != 0 ? ex.Status.Code : (int)ex.StatusCode;
                string reason = string.IsNullOrEmpty(ex.Status.Reason) ? ex.StatusCode.ToString() : ex.Status.Reason;
                Console.WriteLine($"ERROR {code.ToString(CultureInfo.InvariantCulture)} {reason}: {ex.Status.Message}");
                return 1;
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"FAILED {ex.GetType().FullName}: {ex.Message}");
                return 3;
            }
        }
    }

    /// <summary>In-cluster by default; <c>--server URL --token T [--namespace NS]</c> for an explicit connection.</summary>
    private static KubeClient Connect(string[] args)
    {
        string? server = null, token = null, ns = null;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--server": server = value; break;
                case "--token": token = value; break;
                case "--namespace": ns = value; break;
                default: throw new ArgumentException($"unknown option {args[i]}.");
            }

            i++;
        }

        if (server is null)
        {
            return token is null && ns is null
                ? KubeClient.InCluster()
                : throw new ArgumentException("--token and --namespace need --server.");
        }

        var connection = new KubeConnection(new KubeConnectionOptions
        {
            Server = new Uri(server, UriKind.Absolute),
            Token = token ?? throw new ArgumentException("--server needs --token."),
            Namespace = ns,
        });
        return new KubeClient(connection);
    }

    private static async Task RunAsync(KubeClient kube)
    {
        string ns = kube.Namespace;

        // 1. list
        PodList pods = await kube.CoreV1.Pods.ListAsync(ns);
        foreach (Pod pod in pods.Items)
        {
            int restarts = pod.Status?.ContainerStatuses?.Sum(s => s.RestartCount) ?? 0;
            Console.WriteLine($"{pod.Metadata?.Name} {pod.Status?.Phase ?? "Unknown"} {restarts.ToString(CultureInfo.InvariantCulture)}");
        }

        // 2. create, merge-patch, read back
        var configMap = new ConfigMap
        {
            Metadata = new ObjectMeta { Name = ConfigMapName, Labels = new Dictionary<string, string> { ["app"] = "kubegen-aot" } },
            Data = new Dictionary<string, string> { ["greeting"] = "hello", ["mode"] = "created" },
        };
        await kube.CoreV1.ConfigMaps.CreateAsync(ns, configMap);
        await kube.CoreV1.ConfigMaps.PatchAsync(ns, ConfigMapName, KubePatch.Merge("""{"data":{"mode":"patched","extra":"1"}}"""));
        ConfigMap readBack = await kube.CoreV1.ConfigMaps.GetAsync(ns, ConfigMapName);
        IEnumerable<string> data = (readBack.Data ?? new Dictionary<string, string>())
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"{pair.Key}={pair.Value}");
        Console.WriteLine($"CONFIGMAP {readBack.Metadata?.Name} {string.Join(' ', data)}");

        // 3. watch until the server ends the stream
        await foreach (WatchEvent<Pod> e in kube.CoreV1.Pods.WatchSingleConnectionAsync(ns, new() { TimeoutSeconds = WatchTimeoutSeconds }))
        {
            Console.WriteLine($"EVENT {WireName(e.Type)} {e.Object.Metadata?.Name}");
        }

        // 4. the generated JSON metadata, outside the HTTP path: serialize, read back, serialize again
        var sample = new Pod
        {
            ApiVersion = Pod.KubeApiVersion,
            Kind = Pod.KubeKind,
            Metadata = new ObjectMeta
            {
                Name = "sample",
                Namespace = ns,
                CreationTimestamp = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
                Labels = new Dictionary<string, string> { ["app"] = "sample" },
            },
            Spec = new PodSpec
            {
                Containers =
                [
                    new Container
                    {
                        Name = "main",
                        Image = "registry.example/app:1",
                        Resources = new ResourceRequirements
                        {
                            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = ResourceQuantity.Parse("500m"), ["memory"] = ResourceQuantity.Parse("128Mi") },
                        },
                    },
                ],
            },
        };
        string json = JsonSerializer.Serialize(sample, Pod.JsonTypeInfo);
        Pod roundTripped = JsonSerializer.Deserialize(json, Pod.JsonTypeInfo) ?? throw new InvalidOperationException("The serialized Pod read back as null.");
        string again = JsonSerializer.Serialize(roundTripped, Pod.JsonTypeInfo);
        if (!string.Equals(json, again, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The Pod did not round-trip: {json} became {again}.");
        }

        Console.WriteLine($"JSON {json}");
    }

    private static string WireName(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        _ => type.ToString().ToUpperInvariant(),
    };
}
