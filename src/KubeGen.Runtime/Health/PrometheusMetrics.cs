using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace KubeGen.Runtime;

/// <summary>
/// The controller runtime's <see cref="System.Diagnostics.Metrics"/> instruments in Prometheus' text format, without
/// OpenTelemetry: a <see cref="MeterListener"/> keeps counters, up-down counters, histogram sums and counts, and reads the
/// observable gauges when <see cref="Render"/> is called (a scrape). Instrument names become Prometheus names (dots to
/// underscores, seconds and total suffixes); tags become labels.
/// </summary>
public sealed class PrometheusMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();
    private readonly HashSet<string> _meters;

    /// <summary>Listens to the given meters; by default the work queue's and the controller's.</summary>
    public PrometheusMetrics(params string[] meterNames)
    {
        _meters = new HashSet<string>(meterNames is { Length: > 0 } ? meterNames : [WorkQueueMetrics.MeterName, ControllerMetrics.MeterName], StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The current values as Prometheus text (version 0.0.4).</summary>
    public string Render()
    {
        foreach (var gauge in _series.Keys.Where(k => IsObservable(k.Instrument)).ToArray())
        {
            _series.TryRemove(gauge, out _); // gauges are read fresh on every scrape
        }

        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (IGrouping<Instrument, KeyValuePair<(Instrument Instrument, string Labels), Series>> metric in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            Instrument instrument = metric.Key;
            string name = NameOf(instrument);
            string type = instrument switch
            {
                Counter<long> or Counter<int> or Counter<double> => "counter",
                Histogram<double> or Histogram<long> => "summary",
                _ => "gauge",
            };
            if (instrument.Description is { Length: > 0 } help)
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace('\n', ' ')).Append('\n');
            }

            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach ((var key, Series series) in metric.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                if (type == "summary")
                {
                    Line(text, name + "_sum", key.Labels, series.Sum);
                    Line(text, name + "_count", key.Labels, series.Count);
                }
                else
                {
                    Line(text, name, key.Labels, series.Sum);
                }
            }
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        Series series = _series.GetOrAdd((instrument, Labels(tags)), static _ => new Series());
        double number = value.ToDouble(CultureInfo.InvariantCulture);
        lock (series)
        {
            series.Sum = IsObservable(instrument) && instrument is not ObservableCounter<long> ? number : series.Sum + number;
            series.Count++;
        }
    }

    private static bool IsObservable(Instrument instrument) => instrument.IsObservable;

    private static string NameOf(Instrument instrument)
    {
        string name = instrument.Name.Replace('.', '_').Replace('-', '_');
        if (instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            name += "_seconds";
        }

        if (instrument is Counter<long> or Counter<int> or Counter<double> && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = new List<string>(tags.Length);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            string value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            pairs.Add($"{tag.Key.Replace('.', '_')}=\"{value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return "{" + string.Join(",", pairs) + "}";
    }

    private static void Line(StringBuilder text, string name, string labels, double value)
        => text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private sealed class Series
    {
        public double Sum { get; set; }

        public long Count { get; set; }
    }
}
