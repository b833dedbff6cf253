using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.Shared.Streaming;
using KubeGen.Testing.Lifecycle;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using KubeGen.Testing.Streaming;
using KubeGen.Testing.Streaming.Spdy;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>
/// The pod subresources that are not objects: <c>log</c> (text, followed as the test appends), <c>exec</c> and
/// <c>attach</c> (WebSocket, v5/v4 channel protocol), <c>portforward</c> (WebSocket: v4 channels, or SPDY tunneled as
/// kubectl speaks it), <c>eviction</c> (PodDisruptionBudgets, 429) and <c>binding</c> (assigns a node).
/// </summary>
internal sealed partial class ApiHandler
{
    /// <summary>
    /// Admits a request for one of these subresources (the route and the method; authorization comes after, as for every
    /// request). Returns false for other subresources, which <see cref="Admit"/> checks itself.
    /// </summary>
    private static bool AdmitStreaming(RequestInfo info, ApiResource resource)
    {
        if (resource is not { Group: "", Plural: "pods" } || info.Name is null)
        {
            return false;
        }

        string[]? verbs = info.Subresource switch
        {
            "log" => ["get"],
            "exec" or "attach" or "portforward" => ["get", "create"],
            // eviction and binding are served where the spec has them, like other subresources.
            "eviction" or "binding" when resource.Subresources.ContainsKey(info.Subresource) => ["create"],
            _ => null,
        };
        if (verbs is null)
        {
            return false;
        }

        return verbs.Contains(info.Verb) ? true : throw StatusErrors.MethodNotAllowed();
    }

    /// <summary>Serves the request when it is for one of these subresources.</summary>
    private async Task<bool> TryServeStreamingAsync(HttpContext context, RequestInfo info, EmulatorUser user)
    {
        if (info.Resource is not { Group: "", Plural: "pods" } || info.Name is null)
        {
            return false;
        }

        switch (info.Subresource)
        {
            case "log":
                await ServeLogAsync(context, info);
                return true;
            case "exec" or "attach":
                await ServeRemoteCommandAsync(context, info, user);
                return true;
            case "portforward":
                await ServePortForwardAsync(context, info, user);
                return true;
            case "eviction" when info.Resource.Subresources.ContainsKey("eviction"):
                await ServeEvictionAsync(context, info);
                return true;
            case "binding" when info.Resource.Subresources.ContainsKey("binding"):
                await ServeBindingAsync(context, info);
                return true;
            default:
                return false;
        }
    }

    private JsonObject PodOf(RequestInfo info)
        => _store.Get(info.Resource!.Key, info.ObjectNamespace, info.Name!) ?? throw StatusErrors.NotFound(info.Resource!, info.Name!);

    /// <summary>The container a request means: the one it names (which the pod must have), else the pod's only one.</summary>
    private static string ContainerOf(JsonObject pod, RequestInfo info, string? asked, bool withInitContainers)
    {
        List<string> containers = Names(pod["spec"]?["containers"]);
        List<string> init = withInitContainers ? Names(pod["spec"]?["initContainers"]) : [];
        if (asked is null)
        {
            if (containers.Count == 1)
            {
                return containers[0];
            }

            string choices = $"a container name must be specified for pod {info.Name}, choose one of: [{string.Join(" ", containers)}]";
            throw StatusErrors.BadRequest(init.Count == 0 ? choices : choices + $" or one of the init containers: [{string.Join(" ", init)}]");
        }

        return containers.Contains(asked) || init.Contains(asked)
            ? asked
            : throw StatusErrors.BadRequest($"container {asked} is not valid for pod {info.Name}");

        static List<string> Names(JsonNode? list)
            => list is JsonArray array ? array.Select(c => c?["name"]?.GetValue<string>()).OfType<string>().ToList() : [];
    }

    /// <summary>
    /// A WebSocket upgrade of exec, attach or portforward is a GET, authorized as <c>get</c>; kube-apiserver 1.35+ also
    /// requires <c>create</c> on the subresource (the POST these calls were), so a Role needs both.
    /// </summary>
    private void AuthorizeUpgrade(EmulatorUser user, RequestInfo info)
    {
        if (info.Verb == "create")
        {
            return;
        }

        var asCreate = new RequestInfo("POST", info.Path, info.ApiPath, "create", isWatch: false) { Resource = info.Resource };
        Authorize(user, asCreate);
    }

    private CancellationTokenSource Lifetime(HttpContext context) => CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);

    // ---- log ----------------------------------------------------------------------------------

    private async Task ServeLogAsync(HttpContext context, RequestInfo info)
    {
        JsonObject pod = PodOf(info);
        string container = ContainerOf(pod, info, Query(context, "container"), withInitContainers: true);
        LogRequest request = LogRequest.Read(context);
        if (request.Previous && !_options.PodLogs.Has(info.ObjectNamespace, info.Name!, container, previous: true))
        {
            throw StatusErrors.BadRequest($"previous terminated container \"{container}\" in pod \"{info.Name}\" not found");
        }

        PodLog log = _options.PodLogs.Get(info.ObjectNamespace, info.Name!, container, request.Previous);
        HttpResponse response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/plain";
        response.Headers.CacheControl = "no-cache, private";
        await response.StartAsync(context.RequestAborted);

        using CancellationTokenSource lifetime = Lifetime(context);
        var writer = new LogWriter(response.Body, request);
        (List<(DateTimeOffset Time, string Text)> entries, bool ended, Task changed) = log.Read(0);
        int read = entries.Count;
        if (!await writer.WriteInitialAsync(entries, DateTimeOffset.UtcNow, lifetime.Token))
        {
            return;
        }

        while (request.Follow && !ended)
        {
            try
            {
                await changed.WaitAsync(lifetime.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            (entries, ended, changed) = log.Read(read);
            read += entries.Count;
            if (!await writer.WriteFollowingAsync(entries, lifetime.Token))
            {
                return;
            }
        }
    }

    // ---- exec and attach ------------------------------------------------------------------------

    private async Task ServeRemoteCommandAsync(HttpContext context, RequestInfo info, EmulatorUser user)
    {
        bool attach = info.Subresource == "attach";
        JsonObject pod = PodOf(info);
        if (!WebSocketUpgrade.IsWebSocketRequest(context))
        {
            // kubectl falls back to SPDY (HTTP/1.1 "Upgrade: SPDY/3.1") when WebSockets fail; the emulator speaks only WebSockets.
            throw StatusErrors.BadRequest("Upgrade request required: the emulator serves exec and attach over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io) only");
        }

        AuthorizeUpgrade(user, info);
        string container = ContainerOf(pod, info, Query(context, "container"), withInitContainers: false);
        List<string> command = attach ? [] : context.Request.Query["command"].OfType<string>().ToList();
        var options = new RemoteCommandOptions(QueryBool(context, "stdin"), QueryBool(context, "stdout"), QueryBool(context, "stderr"), QueryBool(context, "tty"), command);
        if (!options.Stdin && !options.Stdout && !options.Stderr)
        {
            throw StatusErrors.BadRequest("you must specify at least 1 of stdin, stdout, stderr");
        }

        if (!attach && command.Count == 0)
        {
            throw StatusErrors.BadRequest("you must specify at least one command for the container");
        }

        string protocol = WebSocketUpgrade.Choose(context, ChannelProtocol.ExecProtocols)
            ?? throw StatusErrors.BadRequest($"requested protocol(s) are not supported: [{string.Join(" ", WebSocketUpgrade.OfferedProtocols(context))}]; supports [{string.Join(" ", ChannelProtocol.ExecProtocols)}]");
        PodExecHandler handler = (attach ? _options.AttachHandler : _options.ExecHandler) ?? (attach ? BuiltInCommands.AttachAsync : BuiltInCommands.ExecAsync);
        using WebSocket socket = await WebSocketUpgrade.AcceptAsync(context, protocol);
        using CancellationTokenSource lifetime = Lifetime(context);
        string ns = info.ObjectNamespace;
        string name = info.Name!;
        await new RemoteCommandServer(socket, protocol).RunAsync(
            handler,
            (stdin, stdout, stderr, resizes) => new PodExecRequest
            {
                Namespace = ns, Pod = name, Container = container, Command = command, IsAttach = attach, Tty = options.Tty,
                Stdin = stdin, Stdout = stdout, Stderr = stderr, Resizes = resizes,
            },
            options,
            lifetime.Token);
    }

    // ---- port-forward ---------------------------------------------------------------------------

    private async Task ServePortForwardAsync(HttpContext context, RequestInfo info, EmulatorUser user)
    {
        JsonObject pod = PodOf(info);
        if (!WebSocketUpgrade.IsWebSocketRequest(context))
        {
            throw StatusErrors.BadRequest("Upgrade request required: the emulator serves portforward over WebSocket (v4.channel.k8s.io, or SPDY/3.1+portforward.k8s.io as kubectl tunnels it) only");
        }

        AuthorizeUpgrade(user, info);
        string protocol = WebSocketUpgrade.Choose(context, [ChannelProtocol.V4, ChannelProtocol.SpdyTunnel])
            ?? throw StatusErrors.BadRequest($"requested protocol(s) are not supported: [{string.Join(" ", WebSocketUpgrade.OfferedProtocols(context))}]; supports [{ChannelProtocol.V4} {ChannelProtocol.SpdyTunnel}]");
        List<int> ports = [];
        if (protocol == ChannelProtocol.V4)
        {
            foreach (string value in context.Request.Query["ports"].OfType<string>())
            {
                foreach (string part in value.Split(','))
                {
                    ports.Add(ushort.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port) && port > 0
                        ? port
                        : throw StatusErrors.BadRequest($"unable to parse \"{value}\" as a port"));
                }
            }

            if (ports.Count == 0)
            {
                throw StatusErrors.BadRequest("query parameter \"ports\" is required");
            }
        }

        string ns = info.ObjectNamespace;
        string name = info.Name!;
        string uid = MetaString(pod, "uid") ?? "";
        PodPortForwardHandler handler = _options.PortForwardHandler ?? NothingListens;
        async Task ForwardAsync(int port, Stream connection, CancellationToken cancellationToken)
        {
            try
            {
                await handler(new PodPortForwardRequest { Namespace = ns, Pod = name, Port = port, Connection = connection }, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The kubelet's words for a failed forward, which kubectl prints.
                throw new IOException($"error forwarding port {port.ToString(CultureInfo.InvariantCulture)} to pod {name}, uid {uid}: {e.Message}", e);
            }
        }

        using WebSocket socket = await WebSocketUpgrade.AcceptAsync(context, protocol);
        using CancellationTokenSource lifetime = Lifetime(context);
        if (protocol == ChannelProtocol.V4)
        {
            await new PortForwardServer(socket).RunAsync(ports, ForwardAsync, lifetime.Token);
            return;
        }

        using var session = new SpdyPortForwardSession(new WebSocketByteStream(socket));
        await session.RunAsync(ForwardAsync, lifetime.Token);
        socket.Abort();
    }

    private static Task NothingListens(PodPortForwardRequest request, CancellationToken cancellationToken)
        => throw new IOException($"failed to connect to localhost:{request.Port.ToString(CultureInfo.InvariantCulture)} inside namespace \"{request.Namespace}\": connection refused (no KubeApiServerEmulator.PortForwardHandler is set)");

    // ---- eviction -------------------------------------------------------------------------------

    /// <summary>
    /// An eviction, as kube-apiserver's eviction REST decides it: a pod that is not running (or is already being deleted)
    /// goes; otherwise the one PodDisruptionBudget that selects it must allow a disruption (its status, as the disruption
    /// controller would have written it: the emulator runs none), which the eviction uses up; else 429 with the budget's cause.
    /// </summary>
    private async Task ServeEvictionAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        JsonObject eviction = await ReadObjectAsync(context, "policy/v1", "Eviction");
        if (MetaString(eviction, "name") is string named && named != info.Name)
        {
            throw StatusErrors.BadRequest($"name in URL does not match name in Eviction object");
        }

        JsonObject pod = PodOf(info);
        bool dryRun = IsDryRun(context) || (eviction["deleteOptions"]?["dryRun"] is JsonArray dry && dry.Any(d => d?.GetValue<string>() == "All"));
        string phase = pod["status"]?["phase"]?.GetValue<string>() ?? "";
        bool ignoreBudgets = phase is "Succeeded" or "Failed" or "Pending" || MetaString(pod, "deletionTimestamp") is not null;
        if (!ignoreBudgets && _catalog.Find("policy", "v1", "poddisruptionbudgets") is { } budgets)
        {
            List<JsonObject> selecting = _store.List(budgets.Key, info.ObjectNamespace).Items.Where(b => Selects(b, pod)).ToList();
            if (selecting.Count > 1)
            {
                throw StatusErrors.InternalError("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            }

            if (selecting.Count == 1)
            {
                UseDisruption(budgets, selecting[0], info.ObjectNamespace, dryRun);
            }
        }

        if (!dryRun)
        {
            EvictPod(resource, info.ObjectNamespace, info.Name!, eviction["deleteOptions"]);
        }

        await WriteJsonAsync(context, 201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 });
    }

    /// <summary>Deletes the evicted pod the way a DELETE with the eviction's deleteOptions would (preconditions, grace period).</summary>
    private void EvictPod(ApiResource resource, string ns, string name, JsonNode? deleteOptions)
    {
        long? grace = Serialization.JsonNodes.TryGetInt64(deleteOptions?["gracePeriodSeconds"], out long seconds) ? seconds : null;
        var request = new DeleteRequest(
            deleteOptions?["preconditions"]?["uid"]?.GetValue<string>(),
            deleteOptions?["preconditions"]?["resourceVersion"]?.GetValue<string>(),
            Propagation: "Background",
            GracePeriodSeconds: grace);
        _deleter.Delete(resource, ns, name, request);
        _controllers.Settle();
    }

    /// <summary>Takes one allowed disruption from a budget, or refuses with 429 as kube-apiserver's checkAndDecrement does.</summary>
    private void UseDisruption(ApiResource budgets, JsonObject budget, string ns, bool dryRun)
    {
        string name = MetaString(budget, "name") ?? "";
        JsonNode? status = budget["status"];
        long generation = budget["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        long observed = status?["observedGeneration"]?.GetValue<long>() ?? 0;
        if (observed < generation || status is null)
        {
            throw BudgetRefusal($"The disruption budget {name} is still being processed by the server.", retryAfterSeconds: 10);
        }

        long allowed = status["disruptionsAllowed"]?.GetValue<long>() ?? 0;
        if (allowed <= 0)
        {
            long desired = status["desiredHealthy"]?.GetValue<long>() ?? 0;
            long current = status["currentHealthy"]?.GetValue<long>() ?? 0;
            throw BudgetRefusal($"The disruption budget {name} needs {desired} healthy pods and has {current} currently", retryAfterSeconds: 0);
        }

        if (!dryRun)
        {
            _store.Mutate(budgets.Key, ns, name, (stored, _) =>
            {
                JsonObject next = stored!.DeepClone().AsObject();
                next["status"]!["disruptionsAllowed"] = allowed - 1;
                return new Mutation.Put(next);
            });
        }
    }

    private static StatusException BudgetRefusal(string cause, int retryAfterSeconds)
    {
        var details = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "DisruptionBudget", ["message"] = cause }) };
        if (retryAfterSeconds > 0)
        {
            details["retryAfterSeconds"] = retryAfterSeconds;
        }

        JsonObject status = StatusErrors.Status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", details);
        return new StatusException(429, status, retryAfterSeconds > 0 ? retryAfterSeconds : null);
    }

    /// <summary>Whether a budget's selector (matchLabels, matchExpressions) selects the pod; an empty selector selects nothing.</summary>
    private static bool Selects(JsonObject budget, JsonObject pod)
    {
        var requirements = new List<string>();
        if (budget["spec"]?["selector"]?["matchLabels"] is JsonObject labels)
        {
            requirements.AddRange(labels.Select(l => $"{l.Key}={l.Value?.GetValue<string>()}"));
        }

        if (budget["spec"]?["selector"]?["matchExpressions"] is JsonArray expressions)
        {
            foreach (JsonNode? expression in expressions)
            {
                string key = expression?["key"]?.GetValue<string>() ?? "";
                string values = string.Join(",", (expression?["values"] as JsonArray ?? []).Select(v => v?.GetValue<string>()));
                requirements.Add((expression?["operator"]?.GetValue<string>()) switch
                {
                    "In" => $"{key} in ({values})",
                    "NotIn" => $"{key} notin ({values})",
                    "Exists" => key,
                    _ => "!" + key,
                });
            }
        }

        return requirements.Count > 0 && LabelSelector.Parse(string.Join(",", requirements)).Matches(pod["metadata"]?["labels"] as JsonObject);
    }

    // ---- binding --------------------------------------------------------------------------------

    /// <summary>Assigns the pod to the binding's node (what a scheduler does), once: a bound pod is a 409.</summary>
    private async Task ServeBindingAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        JsonObject binding = await ReadObjectAsync(context, "v1", "Binding");
        string node = binding["target"]?["name"]?.GetValue<string>() ?? "";
        if (node.Length == 0)
        {
            throw StatusErrors.Invalid("", "Binding", info.Name, new FieldCause("FieldValueRequired", "target.name", ""));
        }

        if (binding["target"]?["kind"]?.GetValue<string>() is { Length: > 0 } kind && kind != "Node")
        {
            throw StatusErrors.Invalid("", "Binding", info.Name, new FieldCause("FieldValueNotSupported", "target.kind", $"Unsupported value: \"{kind}\": supported values: \"Node\""));
        }

        bool dryRun = IsDryRun(context);
        _store.Mutate(resource.Key, info.ObjectNamespace, info.Name!, (current, _) =>
        {
            JsonObject pod = current ?? throw StatusErrors.NotFound(resource, info.Name!);
            if (pod["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 } assigned)
            {
                throw StatusErrors.Conflict(resource, info.Name!, $"pod {info.Name} is already assigned to node \"{assigned}\"");
            }

            if (dryRun)
            {
                return Mutation.None;
            }

            JsonObject next = pod.DeepClone().AsObject();
            ((JsonObject)next["spec"]!)["nodeName"] = node;
            return new Mutation.Put(next);
        });

        await WriteJsonAsync(context, 201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 });
    }

    /// <summary>The query of a log request, checked as kube-apiserver validates PodLogOptions.</summary>
    private sealed record LogRequest(bool Follow, bool Previous, bool Timestamps, long? LimitBytes, long? TailLines, DateTimeOffset? SinceTime, long? SinceSeconds)
    {
        public static LogRequest Read(HttpContext context)
        {
            var causes = new List<FieldCause>();
            long? limitBytes = Number(context, "limitBytes", causes);
            long? tailLines = Number(context, "tailLines", causes);
            long? sinceSeconds = Number(context, "sinceSeconds", causes);
            DateTimeOffset? sinceTime = null;
            if (Query(context, "sinceTime") is string since)
            {
                sinceTime = DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed)
                    ? parsed
                    : throw StatusErrors.BadRequest($"parsing time \"{since}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse");
            }

            if (limitBytes is < 1)
            {
                causes.Add(new FieldCause("FieldValueInvalid", "limitBytes", $"Invalid value: {limitBytes}: must be greater than 0"));
            }

            if (tailLines is < 0)
            {
                causes.Add(new FieldCause("FieldValueInvalid", "tailLines", $"Invalid value: {tailLines}: must be greater than or equal to 0"));
            }

            if (sinceSeconds is < 1)
            {
                causes.Add(new FieldCause("FieldValueInvalid", "sinceSeconds", $"Invalid value: {sinceSeconds}: must be greater than 0"));
            }

            if (sinceSeconds is not null && sinceTime is not null)
            {
                causes.Add(new FieldCause("FieldValueForbidden", "sinceSeconds", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
            }

            if (causes.Count > 0)
            {
                throw StatusErrors.Invalid("", "PodLogOptions", "", [.. causes]);
            }

            return new LogRequest(QueryBool(context, "follow"), QueryBool(context, "previous"), QueryBool(context, "timestamps"), limitBytes, tailLines, sinceTime, sinceSeconds);
        }

        private static long? Number(HttpContext context, string name, List<FieldCause> causes)
        {
            if (Query(context, name) is not string text)
            {
                return null;
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }

            throw StatusErrors.BadRequest($"strconv.ParseInt: parsing \"{text}\": invalid syntax");
        }
    }

    /// <summary>Writes a log as the kubelet serves it: tail, since, timestamps at line starts, and at most limitBytes.</summary>
    private sealed class LogWriter(Stream body, LogRequest request)
    {
        private long _written;
        private bool _atLineStart = true;

        public async Task<bool> WriteInitialAsync(List<(DateTimeOffset Time, string Text)> entries, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var lines = new List<(DateTimeOffset Time, string Text)>();
            bool atStart = true;
            foreach ((DateTimeOffset time, string text) in entries)
            {
                foreach (string piece in Pieces(text))
                {
                    if (atStart || lines.Count == 0)
                    {
                        lines.Add((time, piece));
                    }
                    else
                    {
                        lines[^1] = (lines[^1].Time, lines[^1].Text + piece);
                    }

                    atStart = piece.EndsWith('\n');
                }
            }

            DateTimeOffset? since = request.SinceTime ?? (request.SinceSeconds is long seconds ? now.AddSeconds(-seconds) : null);
            IEnumerable<(DateTimeOffset Time, string Text)> selected = since is null ? lines : lines.Where(l => l.Time >= since);
            if (request.TailLines is long tail)
            {
                selected = selected.TakeLast((int)Math.Min(tail, int.MaxValue));
            }

            foreach ((DateTimeOffset time, string text) in selected)
            {
                if (!await WriteAsync(request.Timestamps ? Timestamp(time) + text : text, cancellationToken))
                {
                    return false;
                }
            }

            _atLineStart = atStart;
            return true;
        }

        public async Task<bool> WriteFollowingAsync(List<(DateTimeOffset Time, string Text)> entries, CancellationToken cancellationToken)
        {
            foreach ((DateTimeOffset time, string text) in entries)
            {
                foreach (string piece in Pieces(text))
                {
                    if (!await WriteAsync(request.Timestamps && _atLineStart ? Timestamp(time) + piece : piece, cancellationToken))
                    {
                        return false;
                    }

                    _atLineStart = piece.EndsWith('\n');
                }
            }

            return true;
        }

        /// <summary>Writes and flushes; false once limitBytes is reached (the response ends there) or the client is gone.</summary>
        private async Task<bool> WriteAsync(string text, CancellationToken cancellationToken)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            int length = request.LimitBytes is long limit ? (int)Math.Min(bytes.Length, Math.Max(0, limit - _written)) : bytes.Length;
            try
            {
                await body.WriteAsync(bytes.AsMemory(0, length), cancellationToken);
                await body.FlushAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                return false;
            }

            _written += length;
            return request.LimitBytes is not long max || _written < max;
        }

        /// <summary>The text cut after each line break (the last piece may have none).</summary>
        private static IEnumerable<string> Pieces(string text)
        {
            int start = 0;
            while (start < text.Length)
            {
                int newline = text.IndexOf('\n', start);
                int end = newline < 0 ? text.Length : newline + 1;
                yield return text[start..end];
                start = end;
            }
        }

        /// <summary>RFC 3339 with nanoseconds, trailing zeros dropped (Go's time.RFC3339Nano), then a space.</summary>
        private static string Timestamp(DateTimeOffset time)
        {
            string fraction = time.UtcDateTime.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
            return time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z ";
        }
    }
}
