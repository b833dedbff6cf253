using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>What the next watch connection does wrong.</summary>
internal enum WatchFault
{
    /// <summary>Writes half of an event, then resets the connection.</summary>
    DropMidEvent,

    /// <summary>Keeps the connection open and sends nothing more.</summary>
    Stall,

    /// <summary>
    /// Flushes the events so far and holds the connection until <see cref="FakeCluster.ReleaseHeldWatch"/>, then writes half of
    /// the next event and resets the connection. The test decides when the drop happens (after it has seen the events), so
    /// what the client received before the drop is exact: a reset right after a write may discard unread data.
    /// </summary>
    HoldThenDrop,
}

/// <summary>One successful write of a Lease, as the server saw it.</summary>
internal sealed record LeaseWrite(TimeSpan At, string? Holder, string ResourceVersion);

/// <summary>
/// A small in-memory API server on 127.0.0.1 for the controller tests: list (limit/continue), watch
/// (resourceVersion, bookmarks, 410 after compaction, streamed initial events ended by the
/// <c>k8s.io/initial-events-end</c> bookmark), get, create, update (409 on a stale resourceVersion) and
/// delete of pods, configmaps and leases, with fault injection.
/// </summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal); // "resource/ns/name"
    private readonly List<(long Version, string Resource, string Type, string Json, string Key)> _log = new();
    private readonly Queue<(WatchFault Fault, int AfterEvents)> _watchFaults = new();
    private readonly Queue<int> _listFailures = new();
    private readonly TaskCompletionSource _releaseHeldWatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<LeaseWrite> _leaseWrites = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _dropWatches = new();
    private long _version = 100;
    private long _compactedThrough;

    private FakeCluster(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Bookmark interval for watches that ask for bookmarks (null: none).</summary>
    public TimeSpan? BookmarkInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>End every watch cleanly after this many events (null: never).</summary>
    public int? MaxEventsPerWatch { get; set; }

    /// <summary>Answer watches with 503 (an outage).</summary>
    public bool RejectWatches { get; set; }

    /// <summary>Resources whose lists are refused with 403, as the API server does when the RBAC rule is missing.</summary>
    public HashSet<string> ForbiddenLists { get; } = new(StringComparer.Ordinal);

    /// <summary>Called after each list page is computed (before it is sent): lets a test change the cluster between pages.</summary>
    public Action? AfterListPage { get; set; }

    /// <summary>Probability that a Lease update gets a 409 before being applied.</summary>
    public double LeaseConflictProbability { get; set; }

    /// <summary>Random latency (0..this) before and after each Lease request is handled.</summary>
    public TimeSpan LeaseLatency { get; set; }

    public int WatchConnections;

    public System.Collections.Concurrent.ConcurrentBag<int> WatchTimeouts { get; } = new();

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<LeaseWrite> LeaseWrites
    {
        get
        {
            lock (_gate)
            {
                return _leaseWrites.ToArray();
            }
        }
    }

    public static async Task<FakeCluster> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        FakeCluster? cluster = null;
        app.Run(context => cluster!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Urls.First();
        cluster = new FakeCluster(app, new Uri(address));
        return cluster;
    }

    public void InjectWatchFault(WatchFault fault, int afterEvents)
    {
        lock (_gate)
        {
            _watchFaults.Enqueue((fault, afterEvents));
        }
    }

    /// <summary>Lets a watch held by <see cref="WatchFault.HoldThenDrop"/> break.</summary>
    public void ReleaseHeldWatch() => _releaseHeldWatch.TrySetResult();

    /// <summary>The next lists (any resource) are answered with <paramref name="status"/>, one each.</summary>
    public void FailNextLists(int status, int count)
    {
        lock (_gate)
        {
            for (int i = 0; i < count; i++)
            {
                _listFailures.Enqueue(status);
            }
        }
    }

    /// <summary>Resets every open watch connection.</summary>
    public void DropWatches()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            old = _dropWatches;
            _dropWatches = new CancellationTokenSource();
        }

        old.Cancel();
    }

    /// <summary>Forgets every event so far: resuming from an older resourceVersion gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedThrough = _version;
        }
    }

    public string CurrentVersion()
    {
        lock (_gate)
        {
            return _version.ToString();
        }
    }

    /// <summary>Creates or updates an object directly; returns its new resourceVersion.</summary>
    public string Put(string resource, string ns, string name, JsonObject? data = null)
    {
        lock (_gate)
        {
            string key = $"{resource}/{ns}/{name}";
            bool exists = _objects.TryGetValue(key, out JsonObject? current);
            JsonObject obj = current is null ? NewObject(resource, ns, name) : (JsonObject)current.DeepClone();
            if (data is not null)
            {
                obj["data"] = data.DeepClone();
            }

            return StoreLocked(resource, key, obj, exists ? "MODIFIED" : "ADDED");
        }
    }

    public void Delete(string resource, string ns, string name)
    {
        lock (_gate)
        {
            string key = $"{resource}/{ns}/{name}";
            if (_objects.Remove(key, out JsonObject? obj))
            {
                _version++;
                obj = (JsonObject)obj.DeepClone();
                obj["metadata"]!["resourceVersion"] = _version.ToString();
                AppendLocked(resource, "DELETED", obj, key);
            }
        }
    }

    /// <summary>The server's objects of a resource: "ns/name" → resourceVersion.</summary>
    public Dictionary<string, string> Snapshot(string resource)
    {
        lock (_gate)
        {
            return _objects.Where(p => p.Key.StartsWith(resource + "/", StringComparison.Ordinal))
                .ToDictionary(p => p.Key[(resource.Length + 1)..], p => (string)p.Value["metadata"]!["resourceVersion"]!);
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static JsonObject NewObject(string resource, string ns, string name) => new()
    {
        ["apiVersion"] = resource == "leases" ? "coordination.k8s.io/v1" : "v1",
        ["kind"] = resource switch { "pods" => "Pod", "configmaps" => "ConfigMap", _ => "Lease" },
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = Guid.NewGuid().ToString() },
    };

    private string StoreLocked(string resource, string key, JsonObject obj, string type)
    {
        _version++;
        string version = _version.ToString();
        obj["metadata"]!["resourceVersion"] = version;
        _objects[key] = obj;
        AppendLocked(resource, type, obj, key);
        if (resource == "leases")
        {
            _leaseWrites.Add(new LeaseWrite(_clock.Elapsed, (string?)obj["spec"]?["holderIdentity"], version));
        }

        return version;
    }

    private void AppendLocked(string resource, string type, JsonObject obj, string key)
    {
        _log.Add((_version, resource, type, obj.ToJsonString(), key));
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    private async Task HandleAsync(HttpContext context)
    {
        // /api/v1/namespaces/{ns}/{resource}[/{name}], /api/v1/{resource}, /apis/coordination.k8s.io/v1/namespaces/{ns}/leases[/{name}]
        string path = context.Request.Path.Value ?? "";
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int i = parts[0] == "api" ? 2 : 3;
        string? ns = null;
        if (parts.Length > i && parts[i] == "namespaces")
        {
            ns = parts[i + 1];
            i += 2;
        }

        string resource = parts[i];
        string? name = parts.Length > i + 1 ? parts[i + 1] : null;
        IQueryCollection query = context.Request.Query;
        bool lease = resource == "leases";
        if (lease && LeaseLatency > TimeSpan.Zero)
        {
            await Task.Delay(Random.Shared.Next((int)LeaseLatency.TotalMilliseconds + 1));
        }

        string method = context.Request.Method;
        if (method == "GET" && name is null && query["watch"] == "true")
        {
            await WatchAsync(context, resource, ns);
            return;
        }

        (int status, string body) = method switch
        {
            "GET" when name is null => ListOrFault(resource, ns, query),
            "GET" => Get(resource, ns!, name!),
            "POST" => Create(resource, ns!, await ReadBodyAsync(context)),
            "PUT" => Update(resource, ns!, name!, await ReadBodyAsync(context)),
            "DELETE" => DeleteRequest(resource, ns!, name!),
            _ => (405, StatusJson(405, "MethodNotAllowed", "no")),
        };
        if (lease && LeaseLatency > TimeSpan.Zero)
        {
            await Task.Delay(Random.Shared.Next((int)LeaseLatency.TotalMilliseconds + 1));
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    /// <summary>The current state as synthetic ADDED events, in key order (as etcd returns it), not in version order.</summary>
    private void AddCurrentStateLocked(string prefix, List<string> pending)
    {
        foreach (var (_, obj) in _objects.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            pending.Add($"{{\"type\":\"ADDED\",\"object\":{obj.ToJsonString()}}}");
        }
    }

    private static string BookmarkJson(string resource, string version, bool initialEventsEnd)
    {
        var metadata = new JsonObject { ["resourceVersion"] = version };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        var bookmark = new JsonObject { ["kind"] = resource switch { "pods" => "Pod", "configmaps" => "ConfigMap", _ => "Lease" }, ["apiVersion"] = "v1", ["metadata"] = metadata };
        return new JsonObject { ["type"] = "BOOKMARK", ["object"] = bookmark }.ToJsonString();
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context)
        => (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;

    private static string StatusJson(int code, string reason, string message)
        => new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["code"] = code, ["reason"] = reason, ["message"] = message }.ToJsonString();

    private (int, string) ListOrFault(string resource, string? ns, IQueryCollection query)
    {
        if (ForbiddenLists.Contains(resource))
        {
            string scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
            return (403, StatusJson(403, "Forbidden", $"{resource} is forbidden: User \"system:serviceaccount:default:test\" cannot list resource \"{resource}\" in API group \"\" {scope}"));
        }

        lock (_gate)
        {
            if (_listFailures.TryDequeue(out int failure))
            {
                return (failure, StatusJson(failure, "ServiceUnavailable", "injected list failure"));
            }
        }

        (int, string) page = List(resource, ns, query);
        AfterListPage?.Invoke();
        return page;
    }

    private (int, string) List(string resource, string? ns, IQueryCollection query)
    {
        lock (_gate)
        {
            string prefix = ns is null ? resource + "/" : $"{resource}/{ns}/";
            var keys = _objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            int offset = 0;
            string listVersion = _version.ToString();
            if (query["continue"].FirstOrDefault() is { Length: > 0 } token)
            {
                string[] t = token.Split(':');
                offset = int.Parse(t[0]);
                listVersion = t[1];
                if (long.Parse(listVersion) < _compactedThrough)
                {
                    return (410, StatusJson(410, "Expired", "continue token expired"));
                }
            }

            int limit = int.TryParse(query["limit"], out int l) ? l : int.MaxValue;
            var page = keys.Skip(offset).Take(limit).ToList();
            var items = new JsonArray(page.Select(k => (JsonNode)_objects[k].DeepClone()).ToArray());
            var meta = new JsonObject { ["resourceVersion"] = listVersion };
            if (offset + page.Count < keys.Count)
            {
                meta["continue"] = $"{offset + page.Count}:{listVersion}";
            }

            return (200, new JsonObject { ["kind"] = "List", ["apiVersion"] = "v1", ["metadata"] = meta, ["items"] = items }.ToJsonString());
        }
    }

    private (int, string) Get(string resource, string ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue($"{resource}/{ns}/{name}", out JsonObject? obj)
                ? (200, obj.ToJsonString())
                : (404, StatusJson(404, "NotFound", $"{resource} \"{name}\" not found"));
        }
    }

    private (int, string) Create(string resource, string ns, JsonObject body)
    {
        lock (_gate)
        {
            string name = (string)body["metadata"]!["name"]!;
            string key = $"{resource}/{ns}/{name}";
            if (_objects.ContainsKey(key))
            {
                return (409, StatusJson(409, "AlreadyExists", $"{resource} \"{name}\" already exists"));
            }

            body["metadata"]!["uid"] = Guid.NewGuid().ToString();
            body["metadata"]!["namespace"] = ns;
            StoreLocked(resource, key, body, "ADDED");
            return (201, body.ToJsonString());
        }
    }

    private (int, string) Update(string resource, string ns, string name, JsonObject body)
    {
        lock (_gate)
        {
            string key = $"{resource}/{ns}/{name}";
            if (!_objects.TryGetValue(key, out JsonObject? current))
            {
                return (404, StatusJson(404, "NotFound", $"{resource} \"{name}\" not found"));
            }

            string? wanted = (string?)body["metadata"]?["resourceVersion"];
            if (resource == "leases" && Random.Shared.NextDouble() < LeaseConflictProbability)
            {
                return (409, StatusJson(409, "Conflict", "injected conflict"));
            }

            if (string.IsNullOrEmpty(wanted) || wanted != (string)current["metadata"]!["resourceVersion"]!)
            {
                return (409, StatusJson(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again"));
            }

            body["metadata"]!["uid"] = current["metadata"]!["uid"]!.DeepClone();
            StoreLocked(resource, key, body, "MODIFIED");
            return (200, body.ToJsonString());
        }
    }

    private (int, string) DeleteRequest(string resource, string ns, string name)
    {
        Delete(resource, ns, name);
        return (200, StatusJson(200, "", "deleted").Replace("Failure", "Success"));
    }

    private async Task WatchAsync(HttpContext context, string resource, string? ns)
    {
        Interlocked.Increment(ref WatchConnections);
        if (RejectWatches)
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync(StatusJson(503, "ServiceUnavailable", "outage"));
            return;
        }

        IQueryCollection query = context.Request.Query;
        if (int.TryParse(query["timeoutSeconds"], out int timeoutSeconds))
        {
            WatchTimeouts.Add(timeoutSeconds);
        }

        bool bookmarks = query["allowWatchBookmarks"] == "true";
        string prefix = ns is null ? resource + "/" : $"{resource}/{ns}/";
        (WatchFault Fault, int AfterEvents)? fault = null;
        CancellationToken dropped;
        var pending = new List<string>();
        int position;
        lock (_gate)
        {
            if (_watchFaults.Count > 0)
            {
                fault = _watchFaults.Dequeue();
            }

            dropped = _dropWatches.Token;
            string? rv = query["resourceVersion"].FirstOrDefault();
            if (query["sendInitialEvents"] == "true")
            {
                if (query["resourceVersionMatch"] != "NotOlderThan" || !bookmarks || !string.IsNullOrEmpty(rv))
                {
                    // The API server's validation (the fake only knows the consistent-read form).
                    pending.Add($"{{\"type\":\"ERROR\",\"object\":{StatusJson(422, "Invalid", "sendInitialEvents needs resourceVersionMatch=NotOlderThan, allowWatchBookmarks=true and an empty resourceVersion")}}}");
                    position = -1;
                }
                else
                {
                    AddCurrentStateLocked(prefix, pending);
                    pending.Add(BookmarkJson(resource, _version.ToString(), initialEventsEnd: true));
                    position = _log.Count;
                }
            }
            else if (string.IsNullOrEmpty(rv) || rv == "0")
            {
                AddCurrentStateLocked(prefix, pending);
                position = _log.Count;
            }
            else if (long.Parse(rv) < _compactedThrough)
            {
                pending.Add($"{{\"type\":\"ERROR\",\"object\":{StatusJson(410, "Expired", $"too old resource version: {rv} ({_compactedThrough})")}}}");
                position = -1;
            }
            else
            {
                long from = long.Parse(rv);
                position = _log.FindIndex(e => e.Version > from);
                if (position < 0)
                {
                    position = _log.Count;
                }
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, dropped);
        CancellationToken ct = stop.Token;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(ct);
        int sent = 0;
        try
        {
            DateTime nextBookmark = DateTime.UtcNow + (BookmarkInterval ?? TimeSpan.Zero);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    while (position >= 0 && position < _log.Count)
                    {
                        var e = _log[position++];
                        if (e.Key.StartsWith(prefix, StringComparison.Ordinal))
                        {
                            pending.Add($"{{\"type\":\"{e.Type}\",\"object\":{e.Json}}}");
                        }
                    }

                    changed = _changed.Task;
                }

                foreach (string line in pending)
                {
                    byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
                    if (fault is { } f && sent >= f.AfterEvents)
                    {
                        if (f.Fault == WatchFault.HoldThenDrop)
                        {
                            await context.Response.Body.FlushAsync(ct);
                            await _releaseHeldWatch.Task.WaitAsync(ct);
                        }

                        if (f.Fault is WatchFault.DropMidEvent or WatchFault.HoldThenDrop)
                        {
                            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), ct);
                            await context.Response.Body.FlushAsync(ct);
                            context.Abort();
                            return;
                        }

                        await Task.Delay(Timeout.Infinite, ct); // stalled: the socket stays open, nothing is sent
                    }

                    await context.Response.Body.WriteAsync(bytes, ct);
                    sent++;
                    if (MaxEventsPerWatch is { } max && sent >= max)
                    {
                        await context.Response.Body.FlushAsync(ct);
                        return;
                    }
                }

                if (position < 0)
                {
                    return; // the ERROR event has been sent
                }

                pending.Clear();
                await context.Response.Body.FlushAsync(ct);
                if (bookmarks && BookmarkInterval is { } interval)
                {
                    TimeSpan wait = nextBookmark - DateTime.UtcNow;
                    if (wait <= TimeSpan.Zero)
                    {
                        nextBookmark = DateTime.UtcNow + interval;
                        if (fault is null)
                        {
                            string version;
                            lock (_gate)
                            {
                                version = position > 0 ? _log[position - 1].Version.ToString() : _version.ToString();
                            }

                            pending.Add(BookmarkJson(resource, version, initialEventsEnd: false));
                        }

                        continue;
                    }

                    await Task.WhenAny(changed, Task.Delay(wait, ct));
                }
                else
                {
                    await changed.WaitAsync(ct);
                }

                ct.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException)
        {
            if (dropped.IsCancellationRequested)
            {
                context.Abort();
            }
        }
    }
}
