using System.Text.Json.Nodes;

namespace KubeGen.Webhooks.Tests.Infrastructure;

/// <summary>AdmissionReview requests as kube-apiserver sends them.</summary>
public static class Reviews
{
    public static JsonObject Pod(string name, JsonObject? labels = null, params string[] containers)
    {
        var list = new JsonArray();
        foreach (string container in containers.Length == 0 ? ["app"] : containers)
        {
            list.Add((JsonNode)new JsonObject { ["name"] = container, ["image"] = "nginx:1.27" });
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "team", ["labels"] = labels ?? new JsonObject() },
            ["spec"] = new JsonObject { ["containers"] = list },
        };
    }

    public static string Request(
        JsonObject? obj,
        string operation = "CREATE",
        JsonObject? oldObject = null,
        bool dryRun = false,
        string group = "",
        string version = "v1",
        string kind = "Pod",
        string resource = "pods",
        string uid = "705ab4f5-6393-11e8-b7cc-42010a800002")
    {
        var request = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = kind },
            ["resource"] = new JsonObject { ["group"] = group, ["version"] = version, ["resource"] = resource },
            ["requestKind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = kind },
            ["requestResource"] = new JsonObject { ["group"] = group, ["version"] = version, ["resource"] = resource },
            ["name"] = obj?["metadata"]?["name"]?.GetValue<string>() ?? oldObject?["metadata"]?["name"]?.GetValue<string>() ?? "",
            ["namespace"] = "team",
            ["operation"] = operation,
            ["userInfo"] = new JsonObject { ["username"] = "alice", ["groups"] = new JsonArray("system:authenticated") },
            ["object"] = obj?.DeepClone(),
            ["oldObject"] = oldObject?.DeepClone(),
            ["dryRun"] = dryRun,
            ["options"] = new JsonObject { ["apiVersion"] = "meta.k8s.io/v1", ["kind"] = "CreateOptions" },
        };
        return new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["request"] = request }.ToJsonString();
    }
}
