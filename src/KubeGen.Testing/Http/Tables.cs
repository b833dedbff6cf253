using System.Globalization;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>
/// Server-side printing (<c>meta.k8s.io/v1 Table</c>) for <c>kubectl get</c>: rows of the
/// columns <see cref="TableLayout"/> gives the kind, with the object (or its metadata) as
/// <c>includeObject</c> asks.
/// </summary>
internal static class Tables
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    public static JsonObject Build(ApiResource resource, IEnumerable<JsonObject> objects, string resourceVersion, string? next, string includeObject, bool includeColumns = true)
    {
        TableLayout layout = TableLayout.For(resource);
        var rows = new JsonArray();
        foreach (JsonObject obj in objects)
        {
            var row = new JsonObject { ["cells"] = layout.Cells(obj) };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = obj.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
                    };
                    break;
            }

            rows.Add(row);
        }

        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (next is not null)
        {
            metadata["continue"] = next;
        }

        var table = new JsonObject { ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = metadata };
        if (includeColumns)
        {
            table["columnDefinitions"] = layout.Definitions();
        }

        table["rows"] = rows;
        return table;
    }

    /// <summary>The Age column: the object's age in kubectl's short form.</summary>
    internal static JsonNode Age(JsonObject obj)
    {
        string? created = obj["metadata"]?["creationTimestamp"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (created is null || !DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time))
        {
            return "<unknown>";
        }

        return HumanDuration(DateTimeOffset.UtcNow - time);
    }

    /// <summary>k8s.io/apimachinery/pkg/util/duration.HumanDuration.</summary>
    internal static string HumanDuration(TimeSpan d)
    {
        long seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return $"{seconds}s";
        }

        long minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            long s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        long hours = (long)d.TotalHours;
        if (hours < 8)
        {
            long m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            long h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            long dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }
}
