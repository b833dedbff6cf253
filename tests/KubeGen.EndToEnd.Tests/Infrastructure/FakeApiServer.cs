using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Just enough of a Kubernetes API server for KubeGen.AotApp, on a <see cref="LoopbackServer"/>:
/// a pod list, ConfigMap create / merge-patch / get kept in memory, a pod watch that sends two
/// events and ends, bearer-token checks and Kubernetes Status errors.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    public const string Namespace = "aot-demo";
    public const string Token = "e2e-token-3f9a1c";

    public const string ForbiddenListMessage =
        "pods is forbidden: User \"system:serviceaccount:aot-demo:kubegen-aot\" cannot list resource \"pods\" in API group \"\" in the namespace \"aot-demo\"";

    private readonly LoopbackServer _server;
    private readonly Dictionary<string, JsonObject> _configMaps = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private int _resourceVersion = 100;

    private FakeApiServer(LoopbackServer server, bool forbidPodList)
    {
        _server = server;
        ForbidPodList = forbidPodList;
        server.Fallback = HandleAsync;
    }

    public Uri BaseUri => _server.BaseUri;

    /// <summary>Answer the pod list with 403 Forbidden, as for a service account without RBAC for it.</summary>
    public bool ForbidPodList { get; }

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>Starts the server: HTTPS with <paramref name="certificate"/>, or plain HTTP without one.</summary>
    public static async Task<FakeApiServer> StartAsync(X509Certificate2? certificate, bool forbidPodList = false)
        => new(await LoopbackServer.StartAsync(certificate), forbidPodList);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The pods in the namespace, as the list returns them.</summary>
    public static string PodListJson() => new JsonObject
    {
        ["kind"] = "PodList",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject { ["resourceVersion"] = "100" },
        ["items"] = new JsonArray(
            Pod("web-0", "Running", ("app", 0)),
            Pod("web-1", "Pending"),
            Pod("worker-0", "Running", ("worker", 2), ("sidecar", 1))),
    }.ToJsonString();

    private static JsonObject Pod(string name, string phase, params (string Container, int Restarts)[] containers)
    {
        var status = new JsonObject
        {
            ["phase"] = phase,
            ["qosClass"] = "Burstable",
            ["startTime"] = "2024-05-06T07:08:09Z",
            // A field newer than the spec: must land in ExtensionData, not fail the read.
            ["someFutureField"] = new JsonObject { ["enabled"] = true },
        };
        if (containers.Length > 0)
        {
            status["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Container,
                ["image"] = "registry.example/" + c.Container + ":1",
                ["imageID"] = "registry.example/" + c.Container + "@sha256:0123",
                ["ready"] = phase == "Running",
                ["restartCount"] = c.Restarts,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2024-05-06T07:08:10Z" } },
            }).ToArray());
        }

        string[] containerNames = containers.Length > 0 ? containers.Select(c => c.Container).ToArray() : ["app"];
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = Namespace,
                ["uid"] = "uid-" + name,
                ["resourceVersion"] = "42",
                ["creationTimestamp"] = "2024-05-06T07:08:09Z",
                ["labels"] = new JsonObject { ["app"] = name.Split('-')[0] },
            },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(containerNames.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c,
                    ["image"] = "registry.example/" + c + ":1",
                    ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "TCP" }),
                    ["resources"] = new JsonObject
                    {
                        ["limits"] = new JsonObject { ["cpu"] = "250m", ["memory"] = "64Mi" },
                        ["requests"] = new JsonObject { ["cpu"] = "0.1", ["memory"] = "32M" },
                    },
                }).ToArray()),
                ["restartPolicy"] = "Always",
            },
            ["status"] = status,
        };
    }

    private async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        if (request.Header("Authorization") != "Bearer " + Token)
        {
            await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
            return;
        }

        string[] path = context.Request.Path.Value!.Trim('/').Split('/');
        bool inNamespace = path.Length >= 5 && path[0] == "api" && path[1] == "v1" && path[2] == "namespaces" && path[3] == Namespace;
        string method = context.Request.Method;
        if (inNamespace && path.Length == 5 && path[4] == "pods" && method == "GET")
        {
            if (context.Request.Query["watch"] == "true")
            {
                await WatchPodsAsync(context);
            }
            else if (ForbidPodList)
            {
                await WriteStatusAsync(context, 403, "Forbidden", ForbiddenListMessage, new JsonObject { ["kind"] = "pods" });
            }
            else
            {
                await WriteJsonAsync(context, 200, PodListJson());
            }
        }
        else if (inNamespace && path.Length == 5 && path[4] == "configmaps" && method == "POST")
        {
            await CreateConfigMapAsync(context, request);
        }
        else if (inNamespace && path.Length == 6 && path[4] == "configmaps" && method == "PATCH")
        {
            await PatchConfigMapAsync(context, request, path[5]);
        }
        else if (inNamespace && path.Length == 6 && path[4] == "configmaps" && method == "GET")
        {
            JsonObject? stored;
            lock (_gate)
            {
                stored = _configMaps.GetValueOrDefault(path[5])?.DeepClone().AsObject();
            }

            await (stored is null
                ? WriteStatusAsync(context, 404, "NotFound", $"configmaps \"{path[5]}\" not found")
                : WriteJsonAsync(context, 200, stored.ToJsonString()));
        }
        else
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the fake API server has no route for {method} {request.PathAndQuery}");
        }
    }

    private async Task CreateConfigMapAsync(HttpContext context, RecordedRequest request)
    {
        if (JsonNode.Parse(request.Body) is not JsonObject body
            || (string?)body["kind"] != "ConfigMap" || (string?)body["apiVersion"] != "v1"
            || body["metadata"]?["name"] is not JsonValue nameValue || nameValue.GetValue<string>() is not { Length: > 0 } name)
        {
            await WriteStatusAsync(context, 400, "BadRequest", "the body is not a v1 ConfigMap with a name: " + request.BodyText);
            return;
        }

        JsonObject? created = null;
        lock (_gate)
        {
            if (!_configMaps.ContainsKey(name))
            {
                JsonObject metadata = body["metadata"]!.AsObject();
                metadata["namespace"] = Namespace;
                metadata["uid"] = "uid-" + name;
                metadata["resourceVersion"] = NextResourceVersion();
                metadata["creationTimestamp"] = "2024-05-06T07:08:09Z";
                _configMaps[name] = body;
                created = body.DeepClone().AsObject();
            }
        }

        await (created is null
            ? WriteStatusAsync(context, 409, "AlreadyExists", $"configmaps \"{name}\" already exists")
            : WriteJsonAsync(context, 201, created.ToJsonString()));
    }

    private async Task PatchConfigMapAsync(HttpContext context, RecordedRequest request, string name)
    {
        if (request.Header("Content-Type")?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
        {
            await WriteStatusAsync(context, 415, "UnsupportedMediaType", $"expected a merge patch, got Content-Type '{request.Header("Content-Type")}'");
            return;
        }

        if (JsonNode.Parse(request.Body) is not JsonObject patch)
        {
            await WriteStatusAsync(context, 400, "BadRequest", "the merge patch is not a JSON object: " + request.BodyText);
            return;
        }

        JsonObject? result = null;
        lock (_gate)
        {
            if (_configMaps.TryGetValue(name, out JsonObject? stored))
            {
                MergePatch(stored, patch);
                stored["metadata"]!.AsObject()["resourceVersion"] = NextResourceVersion();
                result = stored.DeepClone().AsObject();
            }
        }

        await (result is null
            ? WriteStatusAsync(context, 404, "NotFound", $"configmaps \"{name}\" not found")
            : WriteJsonAsync(context, 200, result.ToJsonString()));
    }

    /// <summary>Two events, flushed one by one, then the end of the stream (as when timeoutSeconds runs out).</summary>
    private static async Task WatchPodsAsync(HttpContext context)
    {
        JsonObject added = Pod("web-2", "Pending");
        JsonObject modified = Pod("web-0", "Running", ("app", 1));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        foreach ((string type, JsonObject pod) in new[] { ("ADDED", added), ("MODIFIED", modified) })
        {
            string line = new JsonObject { ["type"] = type, ["object"] = pod }.ToJsonString() + "\n";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(50, context.RequestAborted);
        }
    }

    /// <summary>RFC 7386: null removes, objects merge recursively, anything else replaces.</summary>
    private static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach ((string key, JsonNode? value) in patch.ToArray())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
            {
                MergePatch(targetObject, patchObject);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    private string NextResourceVersion() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private static Task WriteStatusAsync(HttpContext context, int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        status["code"] = code;
        return WriteJsonAsync(context, code, status.ToJsonString());
    }

    private static async Task WriteJsonAsync(HttpContext context, int statusCode, string json)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>For assertion messages: the requests the server saw.</summary>
    public string DescribeRequests()
        => string.Join('\n', Requests.Select(r => $"  {r.Method} {r.PathAndQuery} ({r.Protocol}, Content-Type {r.Header("Content-Type") ?? "-"}) {Truncate(r.BodyText)}"));

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
