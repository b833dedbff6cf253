using System.Globalization;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>
/// Server-side printing (<c>meta.k8s.io/v1 Table</c>) for <c>kubectl get</c>: a few built-in
/// kinds get their usual columns, everything else gets Name and Age.
/// </summary>
internal static class Tables
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private static JsonObject Column(string name, string type, string description, string format = "")
        => new() { ["name"] = name, ["type"] = type, ["format"] = format, ["description"] = description, ["priority"] = 0 };

    public static JsonObject Build(ApiResource resource, IEnumerable<JsonObject> objects, string resourceVersion, string? next, string includeObject, bool includeColumns = true)
    {
        (JsonArray columns, Func<JsonObject, JsonArray> cells) = Layout(resource);
        var rows = new JsonArray();
        foreach (JsonObject obj in objects)
        {
            var row = new JsonObject { ["cells"] = cells(obj) };
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
            table["columnDefinitions"] = columns;
        }

        table["rows"] = rows;
        return table;
    }

    private static (JsonArray Columns, Func<JsonObject, JsonArray> Cells) Layout(ApiResource resource)
    {
        const string NameDescription = "Name must be unique within a namespace.";
        const string AgeDescription = "CreationTimestamp is a timestamp representing the server time when this object was created.";
        JsonObject name = Column("Name", "string", NameDescription, "name");
        JsonObject age = Column("Age", "string", AgeDescription);
        switch (resource.Group, resource.Kind)
        {
            case ("", "Pod"):
                return (
                    new JsonArray(name, Column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."), Column("Status", "string", "The aggregate status of the containers in this pod."), Column("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."), age),
                    obj =>
                    {
                        int containers = obj["spec"]?["containers"] is JsonArray c ? c.Count : 0;
                        JsonArray? statuses = obj["status"]?["containerStatuses"] as JsonArray;
                        int ready = statuses?.Count(s => s?["ready"] is JsonValue r && r.TryGetValue(out bool b) && b) ?? 0;
                        long restarts = statuses?.Sum(s => Serialization.JsonNodes.TryGetInt64(s?["restartCount"], out long n) ? n : 0) ?? 0;
                        string phase = obj["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : Str(obj["status"]?["phase"]) ?? "Pending";
                        return Cells(Name(obj), $"{ready}/{containers}", phase, restarts.ToString(CultureInfo.InvariantCulture), Age(obj));
                    });
            case ("", "Namespace"):
                return (new JsonArray(name, Column("Status", "string", "The status of the namespace"), age), obj => Cells(Name(obj), Str(obj["status"]?["phase"]) ?? "Active", Age(obj)));
            case ("", "ConfigMap"):
                return (new JsonArray(name, Column("Data", "string", "Data contains the configuration data."), age), obj =>
                {
                    int count = (obj["data"] as JsonObject)?.Count ?? 0;
                    count += (obj["binaryData"] as JsonObject)?.Count ?? 0;
                    return Cells(Name(obj), count.ToString(CultureInfo.InvariantCulture), Age(obj));
                });
            case ("apps", "Deployment"):
                return (
                    new JsonArray(name, Column("Ready", "string", "Number of the pod with ready state"), Column("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."), Column("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."), age),
                    obj =>
                    {
                        string desired = Num(obj["spec"]?["replicas"]) ?? "1";
                        return Cells(Name(obj), $"{Num(obj["status"]?["readyReplicas"]) ?? "0"}/{desired}", Num(obj["status"]?["updatedReplicas"]) ?? "0", Num(obj["status"]?["availableReplicas"]) ?? "0", Age(obj));
                    });
            default:
                return (new JsonArray(name, age), obj => Cells(Name(obj), Age(obj)));
        }
    }

    private static JsonArray Cells(params string[] values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static string? Num(JsonNode? node) => Serialization.JsonNodes.TryGetInt64(node, out long n) ? n.ToString(CultureInfo.InvariantCulture) : null;

    private static string Name(JsonObject obj) => Str(obj["metadata"]?["name"]) ?? "";

    private static string Age(JsonObject obj)
    {
        string? created = Str(obj["metadata"]?["creationTimestamp"]);
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
