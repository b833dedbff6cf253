using System.Text.Json.Nodes;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// Defaults of pods and pod templates, as kube-apiserver sets them (kubernetes
/// <c>pkg/apis/core/v1/defaults.go</c>: <c>SetDefaults_PodSpec</c>, <c>_Container</c>, <c>_Probe</c>,
/// <c>_HTTPGetAction</c>, the volume sources' <c>defaultMode</c>, <c>_ObjectFieldSelector</c>, the
/// declarative port protocol; for Pod objects only, <c>SetDefaults_Pod</c>), plus what the
/// admission plugins every cluster runs add to a new Pod (ServiceAccount's
/// <c>serviceAccountName</c>, Priority's <c>priority</c>/<c>preemptionPolicy</c>,
/// DefaultTolerationSeconds' two tolerations) and the conversion that mirrors
/// <c>serviceAccountName</c> into the deprecated <c>serviceAccount</c>.
/// </summary>
internal static class PodDefaults
{
    /// <summary>A Pod object: its spec as any pod spec, then what only Pod objects get.</summary>
    public static void Pod(JsonObject pod)
    {
        JsonObject spec = Child(pod, "spec");
        PodSpec(spec);
        foreach (JsonObject container in Objects(spec["containers"]).Concat(Objects(spec["initContainers"])))
        {
            RequestsFromLimits(container);
        }

        Pointer(spec, "enableServiceLinks", true);
        String(spec, "serviceAccountName", "default");
        spec["serviceAccount"] = Text(spec["serviceAccountName"]);
        if (spec["priority"] is null && Text(spec["priorityClassName"]).Length == 0)
        {
            spec["priority"] = 0;
        }

        Pointer(spec, "preemptionPolicy", "PreemptLowerPriority");
        JsonArray tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (string taint in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            if (!Objects(tolerations).Any(t => Text(t["key"]) == taint && Text(t["effect"]) is "NoExecute" or ""))
            {
                tolerations.Add(new JsonObject { ["key"] = taint, ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
            }
        }

        spec["tolerations"] = tolerations;
    }

    /// <summary>The pod template of a workload (<c>template.spec</c>): pod-spec defaults only.</summary>
    public static void Template(JsonObject? template)
    {
        if (template is not null)
        {
            PodSpec(Child(template, "spec"));
        }
    }

    /// <summary>The QoS class kube-apiserver records in a new Pod's status.</summary>
    public static string QosClass(JsonObject pod)
    {
        bool any = false;
        bool guaranteed = true;
        foreach (JsonObject container in Objects(pod["spec"]?["containers"]).Concat(Objects(pod["spec"]?["initContainers"])))
        {
            foreach (string resource in new[] { "cpu", "memory" })
            {
                // Only cpu and memory decide the class; requests were defaulted from limits before.
                string limit = Text(container["resources"]?["limits"]?[resource]);
                string request = Text(container["resources"]?["requests"]?[resource]);
                any |= limit.Length > 0 || request.Length > 0;
                guaranteed &= limit.Length > 0 && request == limit;
            }
        }

        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private static void PodSpec(JsonObject spec)
    {
        String(spec, "dnsPolicy", "ClusterFirst");
        String(spec, "restartPolicy", "Always");
        Pointer(spec, "securityContext", new JsonObject());
        Pointer(spec, "terminationGracePeriodSeconds", 30);
        String(spec, "schedulerName", "default-scheduler");
        foreach (string list in new[] { "containers", "initContainers", "ephemeralContainers" })
        {
            foreach (JsonObject container in Objects(spec[list]))
            {
                Container(container);
            }
        }

        foreach (JsonObject volume in Objects(spec["volumes"]))
        {
            Volume(volume);
        }
    }

    private static void Container(JsonObject container)
    {
        String(container, "imagePullPolicy", Tag(Text(container["image"])) == "latest" ? "Always" : "IfNotPresent");
        String(container, "terminationMessagePath", "/dev/termination-log");
        String(container, "terminationMessagePolicy", "File");
        Child(container, "resources");
        foreach (JsonObject port in Objects(container["ports"]))
        {
            String(port, "protocol", "TCP");
        }

        foreach (string probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (container[probe] is JsonObject p)
            {
                Number(p, "timeoutSeconds", 1);
                Number(p, "periodSeconds", 10);
                Number(p, "successThreshold", 1);
                Number(p, "failureThreshold", 3);
                if (p["httpGet"] is JsonObject get)
                {
                    String(get, "path", "/");
                    String(get, "scheme", "HTTP");
                }
            }
        }

        foreach (JsonObject env in Objects(container["env"]))
        {
            if (env["valueFrom"]?["fieldRef"] is JsonObject fieldRef)
            {
                String(fieldRef, "apiVersion", "v1");
            }
        }
    }

    /// <summary>A pod's containers request what they limit unless they say otherwise.</summary>
    private static void RequestsFromLimits(JsonObject container)
    {
        if (container["resources"]?["limits"] is not JsonObject limits)
        {
            return;
        }

        JsonObject requests = Child((JsonObject)container["resources"]!, "requests");
        foreach (KeyValuePair<string, JsonNode?> limit in limits)
        {
            if (!requests.ContainsKey(limit.Key))
            {
                requests[limit.Key] = limit.Value?.DeepClone();
            }
        }
    }

    private static void Volume(JsonObject volume)
    {
        // A volume naming no source is an emptyDir.
        if (volume.All(p => p.Key == "name"))
        {
            volume["emptyDir"] = new JsonObject();
        }

        foreach (string source in new[] { "secret", "configMap", "downwardAPI", "projected" })
        {
            if (volume[source] is JsonObject s)
            {
                Pointer(s, "defaultMode", 420);
            }
        }
    }

    /// <summary>The tag of an image reference as <c>parsers.ParseImageName</c> reads it: <c>latest</c> when it has neither tag nor digest.</summary>
    private static string Tag(string image)
    {
        int at = image.IndexOf('@', StringComparison.Ordinal);
        string name = at < 0 ? image : image[..at];
        int slash = name.LastIndexOf('/');
        int colon = name.LastIndexOf(':');
        if (colon > slash)
        {
            return name[(colon + 1)..];
        }

        return at < 0 ? "latest" : "";
    }
}
