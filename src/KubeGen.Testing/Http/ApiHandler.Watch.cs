using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>Watch: the event stream, initial events, bookmarks, and the faults that act on it.</summary>
internal sealed partial class ApiHandler
{
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
