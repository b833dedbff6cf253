using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// <see cref="IEventSink"/>s over a generated client's Event calls: the recorder writes the Event's JSON itself and reads it
/// into the generated type through that type's reflection-free JSON metadata, so any generated Event type works.
/// </summary>
public static class EventSinks
{
    /// <summary>A sink writing events.k8s.io/v1 Events (series for repeats).</summary>
    /// <example><code>
    /// EventSinks.EventsV1(EventsV1.Event.JsonTypeInfo,
    ///     (ns, e, ct) => kube.EventsV1.Events.CreateAsync(ns, e, cancellationToken: ct),
    ///     (ns, name, patch, ct) => kube.EventsV1.Events.PatchAsync(ns, name, patch, cancellationToken: ct))
    /// </code></example>
    public static IEventSink EventsV1<TEvent>(JsonTypeInfo<TEvent> type, Func<string, TEvent, CancellationToken, Task> create, Func<string, string, KubePatch, CancellationToken, Task> patch)
        => new JsonEventSink<TEvent>(type, create, patch, EventsV1Json, EventsV1Series);

    /// <summary>A sink writing core/v1 Events (count and lastTimestamp for repeats), for a selection without events.k8s.io.</summary>
    public static IEventSink CoreV1<TEvent>(JsonTypeInfo<TEvent> type, Func<string, TEvent, CancellationToken, Task> create, Func<string, string, KubePatch, CancellationToken, Task> patch)
        => new JsonEventSink<TEvent>(type, create, patch, CoreV1Json, CoreV1Count);

    private static void EventsV1Json(Utf8JsonWriter w, KubeEvent e)
    {
        w.WriteString("apiVersion", "events.k8s.io/v1");
        w.WriteString("kind", "Event");
        Metadata(w, e);
        w.WriteString("eventTime", MicroTime(e.EventTime));
        w.WriteString("reportingController", e.ReportingController);
        w.WriteString("reportingInstance", e.ReportingInstance);
        w.WriteString("action", e.Action);
        w.WriteString("reason", e.Reason);
        w.WriteString("type", e.Type);
        if (e.Note is not null)
        {
            w.WriteString("note", e.Note);
        }

        Reference(w, "regarding", e.Regarding);
        if (e.Related is not null)
        {
            Reference(w, "related", e.Related);
        }

        if (e.Count > 1)
        {
            EventsV1Series(w, e);
        }
    }

    private static void EventsV1Series(Utf8JsonWriter w, KubeEvent e)
    {
        w.WriteStartObject("series");
        w.WriteNumber("count", e.Count);
        w.WriteString("lastObservedTime", MicroTime(e.LastObservedTime));
        w.WriteEndObject();
    }

    private static void CoreV1Json(Utf8JsonWriter w, KubeEvent e)
    {
        w.WriteString("apiVersion", "v1");
        w.WriteString("kind", "Event");
        Metadata(w, e);
        Reference(w, "involvedObject", e.Regarding);
        if (e.Related is not null)
        {
            Reference(w, "related", e.Related);
        }

        w.WriteString("reason", e.Reason);
        w.WriteString("type", e.Type);
        w.WriteString("action", e.Action);
        if (e.Note is not null)
        {
            w.WriteString("message", e.Note);
        }

        w.WriteStartObject("source");
        w.WriteString("component", e.ReportingController);
        w.WriteEndObject();
        w.WriteString("reportingComponent", e.ReportingController);
        w.WriteString("reportingInstance", e.ReportingInstance);
        w.WriteString("firstTimestamp", Time(e.EventTime));
        CoreV1Count(w, e);
    }

    private static void CoreV1Count(Utf8JsonWriter w, KubeEvent e)
    {
        w.WriteNumber("count", e.Count);
        w.WriteString("lastTimestamp", Time(e.Count > 1 ? e.LastObservedTime : e.EventTime));
    }

    private static void Metadata(Utf8JsonWriter w, KubeEvent e)
    {
        w.WriteStartObject("metadata");
        w.WriteString("name", e.Name);
        w.WriteString("namespace", e.Namespace);
        w.WriteEndObject();
    }

    private static void Reference(Utf8JsonWriter w, string property, KubeObjectReference r)
    {
        w.WriteStartObject(property);
        w.WriteString("apiVersion", r.ApiVersion);
        w.WriteString("kind", r.Kind);
        if (r.Namespace is not null)
        {
            w.WriteString("namespace", r.Namespace);
        }

        w.WriteString("name", r.Name);
        if (r.Uid is not null)
        {
            w.WriteString("uid", r.Uid);
        }

        if (r.ResourceVersion is not null)
        {
            w.WriteString("resourceVersion", r.ResourceVersion);
        }

        w.WriteEndObject();
    }

    private static string MicroTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed class JsonEventSink<TEvent>(
        JsonTypeInfo<TEvent> type,
        Func<string, TEvent, CancellationToken, Task> create,
        Func<string, string, KubePatch, CancellationToken, Task> patch,
        Action<Utf8JsonWriter, KubeEvent> writeEvent,
        Action<Utf8JsonWriter, KubeEvent> writeSeries) : IEventSink
    {
        public Task CreateAsync(KubeEvent kubeEvent, CancellationToken cancellationToken)
        {
            byte[] json = Write(writer => writeEvent(writer, kubeEvent));
            TEvent body = JsonSerializer.Deserialize(json, type) ?? throw new JsonException($"{typeof(TEvent).Name} read back as null.");
            return create(kubeEvent.Namespace, body, cancellationToken);
        }

        public Task UpdateSeriesAsync(KubeEvent kubeEvent, CancellationToken cancellationToken)
            => patch(kubeEvent.Namespace, kubeEvent.Name, KubePatch.Merge(Encoding.UTF8.GetString(Write(writer => writeSeries(writer, kubeEvent)))), cancellationToken);

        private static byte[] Write(Action<Utf8JsonWriter> write)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                write(writer);
                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
    }
}
