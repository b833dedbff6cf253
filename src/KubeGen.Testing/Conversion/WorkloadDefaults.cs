using System.Text.Json.Nodes;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// Defaults of the workload kinds, as kube-apiserver sets them (kubernetes
/// <c>pkg/apis/apps/v1/defaults.go</c>, <c>pkg/apis/batch/v1/defaults.go</c>), their pod templates
/// included. <c>kubectl scale</c>, <c>rollout status</c> and <c>expose</c> read these fields.
/// </summary>
internal static class WorkloadDefaults
{
    public static void Deployment(JsonObject obj)
    {
        JsonObject spec = Child(obj, "spec");
        Pointer(spec, "replicas", 1);
        RollingUpdate(Child(spec, "strategy"), "25%", "25%");

        Pointer(spec, "revisionHistoryLimit", 10);
        Pointer(spec, "progressDeadlineSeconds", 600);
        PodDefaults.Template(spec["template"] as JsonObject);
    }

    public static void ReplicaSet(JsonObject obj)
    {
        JsonObject spec = Child(obj, "spec");
        Pointer(spec, "replicas", 1);
        PodDefaults.Template(spec["template"] as JsonObject);
    }

    public static void StatefulSet(JsonObject obj)
    {
        JsonObject spec = Child(obj, "spec");
        String(spec, "podManagementPolicy", "OrderedReady");
        JsonObject strategy = Child(spec, "updateStrategy");
        if (Text(strategy["type"]).Length == 0)
        {
            strategy["type"] = "RollingUpdate";
            Pointer(strategy, "rollingUpdate", new JsonObject());
        }

        if (Text(strategy["type"]) == "RollingUpdate" && strategy["rollingUpdate"] is JsonObject rolling)
        {
            Pointer(rolling, "partition", 0);
        }

        JsonObject retention = Child(spec, "persistentVolumeClaimRetentionPolicy");
        String(retention, "whenDeleted", "Retain");
        String(retention, "whenScaled", "Retain");
        Pointer(spec, "replicas", 1);
        Pointer(spec, "revisionHistoryLimit", 10);
        PodDefaults.Template(spec["template"] as JsonObject);
    }

    public static void DaemonSet(JsonObject obj)
    {
        JsonObject spec = Child(obj, "spec");
        RollingUpdate(Child(spec, "updateStrategy"), 1, 0);

        Pointer(spec, "revisionHistoryLimit", 10);
        PodDefaults.Template(spec["template"] as JsonObject);
    }

    public static void Job(JsonObject obj)
    {
        JsonObject spec = Child(obj, "spec");
        if (spec["completions"] is null && spec["parallelism"] is null)
        {
            spec["completions"] = 1;
        }

        Pointer(spec, "parallelism", 1);
        Pointer(spec, "backoffLimit", 6);
        if (spec["template"]?["metadata"]?["labels"] is JsonObject { Count: > 0 } labels && obj["metadata"]?["labels"] is not JsonObject { Count: > 0 })
        {
            Child(obj, "metadata")["labels"] = labels.DeepClone();
        }

        Pointer(spec, "completionMode", "NonIndexed");
        Pointer(spec, "suspend", false);
        if (spec["podFailurePolicy"] is null)
        {
            Pointer(spec, "podReplacementPolicy", "TerminatingOrFailed");
        }

        PodDefaults.Template(spec["template"] as JsonObject);
    }

    public static void CronJob(JsonObject obj)
    {
        JsonObject spec = Child(obj, "spec");
        String(spec, "concurrencyPolicy", "Allow");
        Pointer(spec, "suspend", false);
        Pointer(spec, "successfulJobsHistoryLimit", 3);
        Pointer(spec, "failedJobsHistoryLimit", 1);
        PodDefaults.Template(spec["jobTemplate"]?["spec"]?["template"] as JsonObject);
    }

    /// <summary>A Deployment's or DaemonSet's strategy: RollingUpdate unless given, with its two limits.</summary>
    private static void RollingUpdate(JsonObject strategy, JsonNode maxUnavailable, JsonNode maxSurge)
    {
        String(strategy, "type", "RollingUpdate");
        if (Text(strategy["type"]) == "RollingUpdate")
        {
            JsonObject rolling = Child(strategy, "rollingUpdate");
            Pointer(rolling, "maxUnavailable", maxUnavailable);
            Pointer(rolling, "maxSurge", maxSurge);
        }
    }
}
