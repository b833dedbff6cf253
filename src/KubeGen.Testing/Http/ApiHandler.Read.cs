using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

internal sealed partial class ApiHandler
{
    private async Task GetAsync(HttpContext context, RequestInfo info)
    {
        CheckAcceptable(context);
        ApiResource resource = info.Resource!;
        JsonObject obj = _store.Get(resource.Key, info.ObjectNamespace, info.Name!) ?? throw StatusErrors.NotFound(resource, info.Name!);
        if (info.Subresource == "scale")
        {
            await WriteJsonAsync(context, 200, ScaleOf(resource, obj));
            return;
        }

        if (WantsTable(context) && info.Subresource is null)
        {
            await WriteJsonAsync(context, 200, Tables.Build(resource, [obj], MetaString(obj, "resourceVersion") ?? "", null, context.Request.Query["includeObject"].ToString()), Tables.ContentType);
            return;
        }

        await WriteJsonAsync(context, 200, obj);
    }

    private (LabelSelector Labels, FieldSelector Fields) Selectors(HttpContext context, RequestInfo info)
    {
        LabelSelector labels = LabelSelector.Parse(Query(context, "labelSelector"));
        FieldSelector fields = FieldSelector.Parse(Query(context, "fieldSelector"), info.Resource!.Group, info.Resource.Plural);
        return (labels, fields);
    }

    private static bool Matches(JsonObject obj, LabelSelector labels, FieldSelector fields)
        => labels.Matches(obj["metadata"]?["labels"] as JsonObject) && fields.Matches(obj);

    private sealed record ContinueToken(long ResourceVersion, string Start);

    private static string EncodeContinue(long rv, string lastKey)
    {
        var token = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = rv, ["start"] = lastKey + "\u0000" };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(token.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static ContinueToken DecodeContinue(string text)
    {
        try
        {
            string padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            JsonNode? node = JsonNode.Parse(Convert.FromBase64String(padded));
            if (node is JsonObject o && o["v"]?.GetValue<string>() == "meta.k8s.io/v1" && Serialization.JsonNodes.TryGetInt64(o["rv"], out long version) && o["start"]?.GetValue<string>() is string start)
            {
                return new ContinueToken(version, start);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
        }

        throw StatusErrors.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    }

    private const string ContinueExpiredMessage = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

    private async Task ListAsync(HttpContext context, RequestInfo info)
    {
        CheckAcceptable(context);
        ApiResource resource = info.Resource!;
        (LabelSelector labels, FieldSelector fields) = Selectors(context, info);
        string? ns = resource.Namespaced ? info.Namespace : null;
        int limit = 0;
        if (Query(context, "limit") is string limitText && (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 0))
        {
            throw StatusErrors.BadRequest($"invalid limit: {limitText}");
        }

        string? continueText = Query(context, "continue");
        string? rvText = Query(context, "resourceVersion");
        string? rvMatch = Query(context, "resourceVersionMatch");
        if (rvMatch is not null and not ("Exact" or "NotOlderThan"))
        {
            throw ListOptionsInvalid(new FieldCause("FieldValueNotSupported", "resourceVersionMatch", $"Unsupported value: \"{rvMatch}\": supported values: \"Exact\", \"NotOlderThan\""));
        }

        if (rvMatch is not null && string.IsNullOrEmpty(rvText))
        {
            throw ListOptionsInvalid(new FieldCause("FieldValueForbidden", "resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }

        List<JsonObject> items;
        long listVersion;
        string startAfter = "";
        if (continueText is not null)
        {
            if (rvText is not null and not "0")
            {
                throw ListOptionsInvalid(new FieldCause("FieldValueForbidden", "resourceVersion", "specifying resource version is not allowed when using continue"));
            }

            ContinueToken token = DecodeContinue(continueText);
            listVersion = token.ResourceVersion;
            startAfter = token.Start.TrimEnd('\u0000');
            items = _store.ListAt(resource.Key, ns, listVersion, () => StatusErrors.Expired(ContinueExpiredMessage));
        }
        else if (rvMatch == "Exact")
        {
            listVersion = ParseResourceVersion(rvText!);
            items = _store.ListAt(resource.Key, ns, listVersion, () => StatusErrors.Expired($"The resourceVersion for the provided list is too old."));
        }
        else
        {
            (items, listVersion) = _store.List(resource.Key, ns);
        }

        var selected = new List<JsonObject>();
        foreach (JsonObject obj in items)
        {
            if (startAfter.Length > 0 && string.CompareOrdinal(KeyOf(obj), startAfter) <= 0)
            {
                continue;
            }

            if (Matches(obj, labels, fields))
            {
                selected.Add(obj);
            }
        }

        string? next = null;
        long? remaining = null;
        if (limit > 0 && selected.Count > limit)
        {
            next = EncodeContinue(listVersion, KeyOf(selected[limit - 1]));
            remaining = selected.Count - limit;
            selected = selected.GetRange(0, limit);
        }

        string rvString = listVersion.ToString(CultureInfo.InvariantCulture);
        if (WantsTable(context))
        {
            await WriteJsonAsync(context, 200, Tables.Build(resource, selected, rvString, next, context.Request.Query["includeObject"].ToString()), Tables.ContentType);
            return;
        }

        var metadata = new JsonObject { ["resourceVersion"] = rvString };
        if (next is not null)
        {
            metadata["continue"] = next;
            if (labels.IsEmpty && fields.IsEmpty)
            {
                metadata["remainingItemCount"] = remaining;
            }
        }

        await WriteListAsync(context, resource, metadata, selected);
    }

    private static string KeyOf(JsonObject obj) => ObjectStore.StorageKey(MetaString(obj, "namespace") ?? "", MetaString(obj, "name") ?? "");

    private static long ParseResourceVersion(string text)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long rv)
            ? rv
            : throw StatusErrors.BadRequest($"invalid resource version: {text}");

    private static StatusException ListOptionsInvalid(params FieldCause[] causes)
        => StatusErrors.Invalid("meta.k8s.io", "ListOptions", "", causes);

    /// <summary>Writes a list without copying the (immutable, shared) stored objects.</summary>
    private static async Task WriteListAsync(HttpContext context, ApiResource resource, JsonObject metadata, IEnumerable<JsonObject> items)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", resource.ListKind);
            writer.WriteString("apiVersion", resource.GroupVersion);
            writer.WritePropertyName("metadata");
            metadata.WriteTo(writer);
            writer.WritePropertyName("items");
            writer.WriteStartArray();
            foreach (JsonObject item in items)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await WriteBytesAsync(context, 200, "application/json", stream.ToArray());
    }

    // ---- scale --------------------------------------------------------------------------

    private static JsonObject ScaleOf(ApiResource resource, JsonObject obj)
    {
        ApiSubresource sub = resource.Subresources["scale"];
        JsonObject meta = Metadata(obj);
        var scaleMeta = new JsonObject();
        foreach (string field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[field] is JsonNode value)
            {
                scaleMeta[field] = value.DeepClone();
            }
        }

        var spec = new JsonObject();
        if (obj["spec"]?["replicas"] is JsonNode replicas)
        {
            spec["replicas"] = replicas.DeepClone();
        }

        var status = new JsonObject { ["replicas"] = obj["status"]?["replicas"]?.DeepClone() ?? 0 };
        string? selector = obj["status"]?["selector"] is JsonValue sv && sv.TryGetValue(out string? s) ? s : SelectorString(obj["spec"]?["selector"] as JsonObject);
        if (!string.IsNullOrEmpty(selector))
        {
            status["selector"] = selector;
        }

        return new JsonObject
        {
            ["kind"] = sub.Kind,
            ["apiVersion"] = sub.Group.Length == 0 ? sub.Version : sub.Group + "/" + sub.Version,
            ["metadata"] = scaleMeta,
            ["spec"] = spec,
            ["status"] = status,
        };
    }

    private static string? SelectorString(JsonObject? selector)
    {
        if (selector?["matchLabels"] is not JsonObject matchLabels)
        {
            return null;
        }

        return string.Join(",", matchLabels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value?.GetValue<string>()}"));
    }

    // ---- watch --------------------------------------------------------------------------

    private async Task WatchAsync(HttpContext context, RequestInfo info, Fault? fault)
    {
        CheckAcceptable(context);
        ApiResource resource = info.Resource!;
        (LabelSelector labels, FieldSelector fields) = Selectors(context, info);
        if (info.Name is not null)
        {
            // Watching one object: /…/pods/{name}?watch=true or /watch/…/pods/{name}.
            fields = FieldSelector.Parse(AppendSelector(Query(context, "fieldSelector"), $"metadata.name={info.Name}"), resource.Group, resource.Plural);
        }

        string? rvText = Query(context, "resourceVersion");
        string? rvMatch = Query(context, "resourceVersionMatch");
        bool bookmarks = QueryBool(context, "allowWatchBookmarks");
        string? sendInitialText = Query(context, "sendInitialEvents");
        bool? sendInitial = sendInitialText is null ? null : sendInitialText is "true" or "1" or "True";
        if (sendInitial is not null)
        {
            var causes = new List<FieldCause>();
            if (rvMatch != "NotOlderThan")
            {
                causes.Add(new FieldCause("FieldValueForbidden", "resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
            }

            if (sendInitial == true && !bookmarks)
            {
                causes.Add(new FieldCause("FieldValueForbidden", "allowWatchBookmarks", "sendInitialEvents requires setting allowWatchBookmarks to true"));
            }

            if (causes.Count > 0)
            {
                throw ListOptionsInvalid([.. causes]);
            }
        }
        else if (rvMatch is not null)
        {
            throw ListOptionsInvalid(new FieldCause("FieldValueForbidden", "resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
        }

        TimeSpan timeout = _options.DefaultWatchTimeout;
        if (Query(context, "timeoutSeconds") is string timeoutText)
        {
            if (!long.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                throw StatusErrors.BadRequest($"invalid timeoutSeconds: {timeoutText}");
            }

            timeout = TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000));
        }

        // Where to start: legacy semantics (no or "0" resourceVersion: synthetic ADDED for the
        // current state), an exact version (changes after it), or the streaming list.
        long? from;
        bool initialEvents;
        if (sendInitial == true)
        {
            from = null;
            initialEvents = true;
        }
        else if (rvText is null or "0")
        {
            from = sendInitial == false ? _store.CurrentResourceVersion : null;
            initialEvents = false;
        }
        else
        {
            from = ParseResourceVersion(rvText);
            initialEvents = false;
        }

        HttpResponse response = context.Response;
        bool table = WantsTable(context);
        StoreWatcher watcher;
        List<StoreEvent> backlog;
        long snapshot;
        try
        {
            watcher = _store.Subscribe(resource.Key, resource.Namespaced ? info.Namespace : null, from, out backlog, out snapshot);
        }
        catch (StatusException e) when (e.Code == 410)
        {
            // kube-apiserver answers 200 and sends the error as the only event.
            response.StatusCode = 200;
            response.ContentType = "application/json";
            await response.StartAsync(context.RequestAborted);
            await WriteEventAsync(response, "ERROR", e.Status, context.RequestAborted);
            return;
        }

        using (watcher)
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping))
        using (_watches.Register(cancel))
        {
            CancellationToken ct = cancel.Token;
            cancel.CancelAfter(timeout);
            response.StatusCode = 200;
            response.ContentType = table ? Tables.ContentType : "application/json";
            response.Headers.CacheControl = "no-cache, private";
            await response.StartAsync(ct);
            await response.Body.FlushAsync(ct);

            int sent = 0;
            int? dropAfter = fault is DropWatchFault drop ? drop.AfterEvents : fault is CloseMidBodyFault ? 1 : null;
            int? stallAfter = fault is StallWatchFault stall ? stall.AfterEvents : null;

            async Task<bool> SendAsync(string type, JsonObject obj)
            {
                if (await DropIfDueAsync())
                {
                    return false;
                }

                if (stallAfter is int s && sent >= s)
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }

                JsonNode payload = table && type != "ERROR" && type != "BOOKMARK" ? Tables.Build(resource, [obj], MetaString(obj, "resourceVersion") ?? "", null, context.Request.Query["includeObject"].ToString(), includeColumns: true) : obj;
                await WriteEventAsync(response, type, payload, ct);
                sent++;
                return !await DropIfDueAsync();
            }

            // A drop fault ends the watch as soon as its events are out, not when a further event happens to come.
            async Task<bool> DropIfDueAsync()
            {
                if (dropAfter is int d && sent >= d)
                {
                    // Let the client read what was sent before the connection goes away.
                    await Task.Delay(100, ct);
                    Abort(context);
                    return true;
                }

                return false;
            }

            try
            {
                if (await DropIfDueAsync())
                {
                    return;
                }

                foreach (StoreEvent e in backlog)
                {
                    if (Filter(e, labels, fields) is (string type, JsonObject obj) && !await SendAsync(type, obj))
                    {
                        return;
                    }
                }

                if (initialEvents && !await SendAsync("BOOKMARK", Bookmark(resource, snapshot, initialEventsEnd: true)))
                {
                    return;
                }

                TimeSpan interval = _options.BookmarkInterval;
                DateTime nextBookmark = DateTime.UtcNow + interval;
                Task<bool>? ready = null;
                while (!ct.IsCancellationRequested)
                {
                    ready ??= watcher.Reader.WaitToReadAsync(ct).AsTask();
                    if (bookmarks && !ready.IsCompleted)
                    {
                        TimeSpan wait = nextBookmark - DateTime.UtcNow;
                        if (wait < TimeSpan.Zero)
                        {
                            wait = TimeSpan.Zero;
                        }

                        Task delay = Task.Delay(wait, ct);
                        Task finished = await Task.WhenAny(ready, delay);
                        if (finished == delay && !ready.IsCompleted)
                        {
                            ct.ThrowIfCancellationRequested();
                            if (_store.BookmarkVersion(watcher) is long bookmarkVersion)
                            {
                                if (!await SendAsync("BOOKMARK", Bookmark(resource, bookmarkVersion, initialEventsEnd: false)))
                                {
                                    return;
                                }

                                nextBookmark = DateTime.UtcNow + interval;
                            }
                            else
                            {
                                nextBookmark = DateTime.UtcNow + TimeSpan.FromMilliseconds(10);
                            }

                            continue;
                        }
                    }

                    bool more = await ready;
                    ready = null;
                    if (!more)
                    {
                        return;
                    }

                    while (watcher.Reader.TryRead(out StoreEvent? e))
                    {
                        if (Filter(e, labels, fields) is (string type, JsonObject obj) && !await SendAsync(type, obj))
                        {
                            return;
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // timeout, client gone, emulator stopping, or dropped by the test
                if (_watches.WasDropped(cancel))
                {
                    Abort(context);
                }
            }
        }
    }

    private static string AppendSelector(string? existing, string term) => string.IsNullOrEmpty(existing) ? term : existing + "," + term;

    private static (string Type, JsonObject Object)? Filter(StoreEvent e, LabelSelector labels, FieldSelector fields)
    {
        if (labels.IsEmpty && fields.IsEmpty)
        {
            return (e.Type, e.Object);
        }

        switch (e.Type)
        {
            case "ADDED":
                return Matches(e.Object, labels, fields) ? (e.Type, e.Object) : null;
            case "DELETED":
                return e.Previous is not null && Matches(e.Previous, labels, fields) ? (e.Type, e.Object) : null;
            default:
                bool now = Matches(e.Object, labels, fields);
                bool before = e.Previous is not null && Matches(e.Previous, labels, fields);
                return (now, before) switch
                {
                    (true, true) => ("MODIFIED", e.Object),
                    (true, false) => ("ADDED", e.Object),
                    (false, true) => ("DELETED", e.Object),
                    _ => null,
                };
        }
    }

    private static JsonObject Bookmark(ApiResource resource, long rv, bool initialEventsEnd)
    {
        var metadata = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject { ["kind"] = resource.Kind, ["apiVersion"] = resource.GroupVersion, ["metadata"] = metadata };
    }

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonNode obj, CancellationToken ct)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            obj.WriteTo(writer);
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        await response.Body.WriteAsync(stream.ToArray(), ct);
        await response.Body.FlushAsync(ct);
    }
}
