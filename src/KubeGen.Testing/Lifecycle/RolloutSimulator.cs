using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>
/// A stand-in for the workload controllers and kubelets, so that <c>kubectl rollout status</c> and
/// code waiting for a rollout finish: after each change of a Deployment's, ReplicaSet's,
/// StatefulSet's or DaemonSet's spec (its generation moves past <c>status.observedGeneration</c>),
/// the status says the rollout is complete: every wanted replica updated, ready and available (a
/// DaemonSet has no nodes to run on, so none are wanted). No ReplicaSets or Pods are created. Only
/// when <see cref="KubeApiServerEmulatorOptions.SimulateRollouts"/> is set: otherwise status stays what
/// clients write, as in a cluster without controllers.
/// </summary>
internal sealed class RolloutSimulator(OwnerIndex owners, ControllerWrites writes) : IClusterController
{
    public void Observe(StoreEvent change, WorkQueue queue)
    {
        if (change.Type == "DELETED" || Kind(change.Resource) is null || change.Object["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        long generation = Serialization.JsonNodes.TryGetInt64(change.Object["metadata"]?["generation"], out long g) ? g : 0;
        long observed = Serialization.JsonNodes.TryGetInt64(change.Object["status"]?["observedGeneration"], out long o) ? o : 0;
        if (generation > observed && ApiHandler.MetaString(change.Object, "uid") is string uid)
        {
            queue.Add(this, uid);
        }
    }

    public void Run(string key, WorkQueue queue)
    {
        if (owners.Find(key) is not ObjectRef reference || Kind(reference.Resource) is not string kind)
        {
            return;
        }

        writes.Update(reference, obj =>
        {
            if (!Serialization.JsonNodes.TryGetInt64(obj["metadata"]?["generation"], out long generation))
            {
                return false;
            }

            obj["status"] = Status(kind, obj, generation);
            return true;
        });
    }

    private static string? Kind(ResourceKey resource) => (resource.Group, resource.Plural) switch
    {
        ("apps", "deployments") => "Deployment",
        ("apps", "replicasets") => "ReplicaSet",
        ("apps", "statefulsets") => "StatefulSet",
        ("apps", "daemonsets") => "DaemonSet",
        _ => null,
    };

    private static JsonObject Status(string kind, JsonObject obj, long generation)
    {
        long replicas = Serialization.JsonNodes.TryGetInt64(obj["spec"]?["replicas"], out long r) ? r : 1;
        string now = ApiHandler.Now();
        var status = new JsonObject { ["observedGeneration"] = generation };
        switch (kind)
        {
            case "Deployment":
                // DeploymentStatus's counts are omitempty: zero is left out.
                AddCounts(status, replicas, "replicas", "updatedReplicas", "readyReplicas", "availableReplicas");
                status["conditions"] = new JsonArray(
                    Condition("Available", "MinimumReplicasAvailable", "Deployment has minimum availability.", now),
                    Condition("Progressing", "NewReplicaSetAvailable", $"Deployment \"{ApiHandler.MetaString(obj, "name")}\" has successfully progressed.", now));
                break;
            case "ReplicaSet":
                status["replicas"] = replicas;
                AddCounts(status, replicas, "fullyLabeledReplicas", "readyReplicas", "availableReplicas");
                break;
            case "StatefulSet":
                status["replicas"] = replicas;
                AddCounts(status, replicas, "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas");
                string revision = $"{ApiHandler.MetaString(obj, "name")}-{TemplateHash(obj)}";
                status["currentRevision"] = revision;
                status["updateRevision"] = revision;
                status["collisionCount"] = 0;
                break;
            default:
                foreach (string count in new[] { "currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable" })
                {
                    status[count] = 0;
                }

                break;
        }

        return status;
    }

    private static void AddCounts(JsonObject status, long replicas, params string[] names)
    {
        if (replicas > 0)
        {
            foreach (string name in names)
            {
                status[name] = replicas;
            }
        }
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastUpdateTime"] = now,
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    /// <summary>A stable short hash of the pod template, shaped like the controllers' (not their value).</summary>
    private static string TemplateHash(JsonObject obj)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(obj["spec"]?["template"]?.ToJsonString() ?? ""));
        return BitConverter.ToUInt32(digest, 0).ToString("x8", CultureInfo.InvariantCulture)[..8];
    }
}
