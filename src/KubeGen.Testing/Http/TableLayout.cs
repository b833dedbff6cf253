using System.Globalization;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>One column of a Table: its definition and how a row's cell is read from the object.</summary>
internal sealed record TableColumn(string Name, string Type, string Description, Func<JsonObject, JsonNode?> Cell, string Format = "", int Priority = 0);

/// <summary>
/// The columns <c>kubectl get</c> shows for a kind, as kube-apiserver's printers define them
/// (kubernetes <c>pkg/printers/internalversion/printers.go</c>, the priority-0 columns), computed
/// from what the emulator stores; kinds without printers get Name and Age.
/// </summary>
internal sealed class TableLayout(IReadOnlyList<TableColumn> columns)
{
    private const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
    private const string AgeDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.";

    private static readonly TableColumn NameColumn = new("Name", "string", NameDescription, o => Str(o["metadata"]?["name"]) ?? "", "name");
    private static readonly TableColumn AgeColumn = new("Age", "string", AgeDescription, Tables.Age);
    private static readonly TableLayout Default = new([NameColumn, AgeColumn]);

    private static readonly Dictionary<(string Group, string Kind), TableLayout> Layouts = new()
    {
        [("", "Pod")] = new([
            NameColumn,
            new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic.", o => $"{ReadyContainers(o)}/{Count(o["spec"]?["containers"])}"),
            new("Status", "string", "The aggregate status of the containers in this pod.", o => o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : Str(o["status"]?["phase"]) ?? "Pending"),
            new("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", Restarts),
            AgeColumn]),
        [("", "Namespace")] = new([NameColumn, new("Status", "string", "The status of the namespace", o => Str(o["status"]?["phase"]) ?? "Active"), AgeColumn]),
        [("", "ConfigMap")] = new([NameColumn, new("Data", "string", "Data contains the configuration data.", o => (Count(o["data"]) + Count(o["binaryData"])).ToString(CultureInfo.InvariantCulture)), AgeColumn]),
        [("", "Secret")] = new([
            NameColumn,
            new("Type", "string", "Used to facilitate programmatic handling of secret data.", o => Str(o["type"]) ?? ""),
            new("Data", "string", "Data contains the secret data.", o => Count(o["data"]).ToString(CultureInfo.InvariantCulture)),
            AgeColumn]),
        [("", "ServiceAccount")] = new([NameColumn, new("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.", o => Count(o["secrets"]).ToString(CultureInfo.InvariantCulture)), AgeColumn]),
        [("", "Service")] = new([
            NameColumn,
            new("Type", "string", "type determines how the Service is exposed.", o => Str(o["spec"]?["type"]) ?? ""),
            new("Cluster-IP", "string", "clusterIP is the IP address of the service.", o => Str(o["spec"]?["clusterIP"]) is { Length: > 0 } ip ? ip : "<none>"),
            new("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.", ExternalIp),
            new("Port(s)", "string", "The list of ports that are exposed by this service.", Ports),
            AgeColumn]),
        [("", "Node")] = new([
            NameColumn,
            new("Status", "string", "The status of the node", o => Conditions(o).Any(c => Str(c["type"]) == "Ready" && Str(c["status"]) == "True") ? "Ready" : "NotReady"),
            new("Roles", "string", "The roles of the node", o => (o["metadata"]?["labels"] as JsonObject)?.Select(l => l.Key).Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k["node-role.kubernetes.io/".Length..]).DefaultIfEmpty("<none>").Aggregate((a, b) => a + "," + b) ?? "<none>"),
            AgeColumn,
            new("Version", "string", "Kubelet Version reported by the node.", o => Str(o["status"]?["nodeInfo"]?["kubeletVersion"]) ?? "")]),
        [("", "Event")] = new([
            new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded.", o => SinceTime(Str(o["lastTimestamp"]) ?? Str(o["eventTime"]))),
            new("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future", o => Str(o["type"]) ?? ""),
            new("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", o => Str(o["reason"]) ?? ""),
            new("Object", "string", "The object that this event is about.", o => $"{(Str(o["involvedObject"]?["kind"]) ?? "").ToLowerInvariant()}/{Str(o["involvedObject"]?["name"])}"),
            new("Message", "string", "A human-readable description of the status of this operation.", o => Str(o["message"]) ?? "")]),
        [("apps", "Deployment")] = new([
            NameColumn,
            new("Ready", "string", "Number of the pod with ready state", o => $"{Num(o["status"]?["readyReplicas"])}/{Num(o["spec"]?["replicas"], 1)}"),
            new("Up-to-date", "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", o => Num(o["status"]?["updatedReplicas"])),
            new("Available", "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", o => Num(o["status"]?["availableReplicas"])),
            AgeColumn]),
        [("apps", "ReplicaSet")] = new([
            NameColumn,
            new("Desired", "integer", "Replicas is the number of desired pods.", o => Num(o["spec"]?["replicas"], 1)),
            new("Current", "integer", "Replicas is the most recently observed number of non-terminating pods.", o => Num(o["status"]?["replicas"])),
            new("Ready", "integer", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.", o => Num(o["status"]?["readyReplicas"])),
            AgeColumn]),
        [("apps", "StatefulSet")] = new([
            NameColumn,
            new("Ready", "string", "Number of the pod with ready state", o => $"{Num(o["status"]?["readyReplicas"])}/{Num(o["spec"]?["replicas"], 1)}"),
            AgeColumn]),
        [("apps", "DaemonSet")] = new([
            NameColumn,
            new("Desired", "integer", "The total number of nodes that should be running the daemon pod.", o => Num(o["status"]?["desiredNumberScheduled"])),
            new("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.", o => Num(o["status"]?["currentNumberScheduled"])),
            new("Ready", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.", o => Num(o["status"]?["numberReady"])),
            new("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod", o => Num(o["status"]?["updatedNumberScheduled"])),
            new("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)", o => Num(o["status"]?["numberAvailable"])),
            new("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node.", o => o["spec"]?["template"]?["spec"]?["nodeSelector"] is JsonObject { Count: > 0 } s ? string.Join(",", s.Select(p => $"{p.Key}={Str(p.Value)}")) : "<none>"),
            AgeColumn]),
        [("batch", "Job")] = new([
            NameColumn,
            new("Status", "string", "Status of the job.", JobStatus),
            new("Completions", "string", "The desired number of successfully finished pods the job should be run with.", o => $"{Num(o["status"]?["succeeded"])}/{Num(o["spec"]?["completions"], 1)}"),
            new("Duration", "string", "Time required to complete the job.", o => Str(o["status"]?["startTime"]) is string start ? Tables.HumanDuration((Time(Str(o["status"]?["completionTime"])) ?? DateTimeOffset.UtcNow) - (Time(start) ?? DateTimeOffset.UtcNow)) : ""),
            AgeColumn]),
        [("batch", "CronJob")] = new([
            NameColumn,
            new("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", o => Str(o["spec"]?["schedule"]) ?? ""),
            new("Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.", o => Str(o["spec"]?["timeZone"]) ?? "<none>"),
            new("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions.", o => o["spec"]?["suspend"] is JsonValue v && v.TryGetValue(out bool b) ? (b ? "True" : "False") : "<unset>"),
            new("Active", "integer", "A list of pointers to currently running jobs.", o => Count(o["status"]?["active"])),
            new("Last Schedule", "string", "Information when was the last time the job was successfully scheduled.", o => Str(o["status"]?["lastScheduleTime"]) is string t ? SinceTime(t) : "<none>"),
            AgeColumn]),
        [("coordination.k8s.io", "Lease")] = new([NameColumn, new("Holder", "string", "HolderIdentity contains the identity of the holder of a current lease.", o => Str(o["spec"]?["holderIdentity"]) ?? ""), AgeColumn]),
        [("rbac.authorization.k8s.io", "Role")] = new([NameColumn, CreatedAt()]),
        [("apiextensions.k8s.io", "CustomResourceDefinition")] = new([NameColumn, CreatedAt()]),
        [("rbac.authorization.k8s.io", "ClusterRole")] = new([NameColumn, CreatedAt()]),
        [("rbac.authorization.k8s.io", "RoleBinding")] = new([NameColumn, RoleColumn(), AgeColumn]),
        [("rbac.authorization.k8s.io", "ClusterRoleBinding")] = new([NameColumn, RoleColumn(), AgeColumn]),
        [("scheduling.k8s.io", "PriorityClass")] = new([
            NameColumn,
            new("Value", "integer", "The value of this priority class.", o => Num(o["value"])),
            new("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.", o => o["globalDefault"] is JsonValue v && v.TryGetValue(out bool b) && b),
            AgeColumn,
            new("PreemptionPolicy", "string", "PreemptionPolicy is the Policy for preempting pods with lower priority.", o => Str(o["preemptionPolicy"]) ?? "PreemptLowerPriority")]),
    };

    public static TableLayout For(ApiResource resource)
        => resource.IsCustom ? ForCustomResource(resource.PrinterColumns ?? [])
            : Layouts.GetValueOrDefault((resource.Group, resource.Kind)) ?? Default;

    /// <summary>
    /// apiextensions' table convertor: Name, then the version's <c>additionalPrinterColumns</c> (an Age
    /// column of <c>.metadata.creationTimestamp</c> when it has none); a cell is the path's first match
    /// in the column's type (a <c>date</c> as an age, a <c>string</c> as printed), or null when the path
    /// finds nothing.
    /// </summary>
    private static TableLayout ForCustomResource(IReadOnlyList<PrinterColumn> printerColumns)
    {
        IReadOnlyList<PrinterColumn> columns = printerColumns.Count > 0 ? printerColumns : [new PrinterColumn("Age", "date", "", AgeDescription, 0, ".metadata.creationTimestamp")];
        return new TableLayout([NameColumn, .. columns.Select(c => new TableColumn(c.Name, c.Type, c.Description, o => CustomCell(c, o), c.Format, c.Priority))]);
    }

    private static JsonNode? CustomCell(PrinterColumn column, JsonObject obj)
    {
        JsonNode? value = Serialization.SimpleJsonPath.Get(obj, column.JsonPath);
        if (value is null)
        {
            return null;
        }

        return column.Type switch
        {
            "integer" => Serialization.JsonNodes.TryGetInt64(value, out long n) ? n : value is JsonValue f && f.TryGetValue(out double d) ? (long)d : null,
            "number" => value is JsonValue v && v.TryGetValue(out double number) ? number : null,
            "boolean" => value is JsonValue b && b.TryGetValue(out bool flag) ? flag : null,
            "date" => Str(value) is string text ? (Time(text) is DateTimeOffset t ? Tables.HumanDuration(DateTimeOffset.UtcNow - t) : "<invalid>") : null,
            "string" => value is JsonValue s && s.TryGetValue(out string? str) ? str : value.ToJsonString(),
            _ => null,
        };
    }

    public JsonArray Definitions() => new([.. columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format, ["description"] = c.Description, ["priority"] = c.Priority })]);

    public JsonArray Cells(JsonObject obj) => new([.. columns.Select(c => c.Cell(obj))]);

    private static TableColumn CreatedAt() => new("Created At", "date", "CreationTimestamp is a timestamp representing the server time when this object was created.", o => Str(o["metadata"]?["creationTimestamp"]) ?? "");

    private static TableColumn RoleColumn() => new("Role", "string", "Role to which the binding refers", o => $"{Str(o["roleRef"]?["kind"])}/{Str(o["roleRef"]?["name"])}");

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static long Num(JsonNode? node, long absent = 0) => Serialization.JsonNodes.TryGetInt64(node, out long n) ? n : absent;

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    private static IEnumerable<JsonObject> Conditions(JsonObject obj) => (obj["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static DateTimeOffset? Time(string? text) => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t) ? t : null;

    private static string SinceTime(string? text) => Time(text) is DateTimeOffset t ? Tables.HumanDuration(DateTimeOffset.UtcNow - t) : "<unknown>";

    private static long ReadyContainers(JsonObject pod)
        => (pod["status"]?["containerStatuses"] as JsonArray)?.Count(s => s?["ready"] is JsonValue r && r.TryGetValue(out bool b) && b) ?? 0;

    private static JsonNode Restarts(JsonObject pod)
        => ((pod["status"]?["containerStatuses"] as JsonArray)?.Sum(s => Num(s?["restartCount"])) ?? 0).ToString(CultureInfo.InvariantCulture);

    private static JsonNode JobStatus(JsonObject job)
    {
        foreach (string type in new[] { "Complete", "Failed", "Suspended" })
        {
            if (Conditions(job).Any(c => Str(c["type"]) == type && Str(c["status"]) == "True"))
            {
                return type;
            }
        }

        return job["spec"]?["suspend"] is JsonValue v && v.TryGetValue(out bool suspended) && suspended ? "Suspended" : "Running";
    }

    private static JsonNode ExternalIp(JsonObject service)
    {
        string type = Str(service["spec"]?["type"]) ?? "";
        List<string> ips = [.. (service["spec"]?["externalIPs"] as JsonArray)?.Select(Str).OfType<string>() ?? []];
        switch (type)
        {
            case "ExternalName":
                return Str(service["spec"]?["externalName"]) ?? "";
            case "LoadBalancer":
                ips.AddRange((service["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.Select(i => Str(i?["ip"]) ?? Str(i?["hostname"])).OfType<string>() ?? []);
                return ips.Count > 0 ? string.Join(",", ips) : "<pending>";
            default:
                return ips.Count > 0 ? string.Join(",", ips) : "<none>";
        }
    }

    private static JsonNode Ports(JsonObject service)
    {
        var ports = (service["spec"]?["ports"] as JsonArray)?.OfType<JsonObject>()
            .Select(p => Num(p["nodePort"]) is long node and > 0 ? $"{Num(p["port"])}:{node}/{Str(p["protocol"]) ?? "TCP"}" : $"{Num(p["port"])}/{Str(p["protocol"]) ?? "TCP"}")
            .ToList();
        return ports is { Count: > 0 } ? string.Join(",", ports) : "<none>";
    }
}
