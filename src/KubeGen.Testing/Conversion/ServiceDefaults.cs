using System.Globalization;
using System.Text.Json.Nodes;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// A Service's defaults (kubernetes <c>pkg/apis/core/v1/defaults.go</c> <c>SetDefaults_Service</c>)
/// and what its registry allocates: a cluster IP from <c>10.96.0.0/12</c> (single-stack IPv4) for
/// every type but ExternalName and headless services, and node ports from 30000–32767 for NodePort
/// and LoadBalancer services. Allocated values survive an update that leaves them out, as
/// kube-apiserver keeps them. Allocation is sequential, so tests see stable addresses.
/// </summary>
internal sealed class ServiceDefaults
{
    private const int FirstNodePort = 30000;
    private const int LastNodePort = 32767;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _clusterIps = new(StringComparer.Ordinal);
    private readonly HashSet<long> _nodePorts = [];
    private uint _nextIp = (10u << 24) | (96u << 16) | 10u;
    private int _nextNodePort = FirstNodePort;

    public void Apply(JsonObject service, JsonObject? current)
    {
        JsonObject spec = Child(service, "spec");
        if (current?["spec"] is JsonObject before)
        {
            KeepAllocated(spec, before);
        }

        String(spec, "sessionAffinity", "None");
        if (Text(spec["sessionAffinity"]) == "None")
        {
            spec.Remove("sessionAffinityConfig");
        }
        else if (Text(spec["sessionAffinity"]) == "ClientIP" && spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"] is null)
        {
            spec["sessionAffinityConfig"] = new JsonObject { ["clientIP"] = new JsonObject { ["timeoutSeconds"] = 10800 } };
        }

        String(spec, "type", "ClusterIP");
        string type = Text(spec["type"]);
        foreach (JsonObject port in Objects(spec["ports"]))
        {
            String(port, "protocol", "TCP");
            // An IntOrString is unset when it is 0 or "".
            JsonNode? target = port["targetPort"];
            if (target is null || (target is JsonValue t && ((t.TryGetValue(out string? name) && name.Length == 0) || (Serialization.JsonNodes.TryGetInt64(t, out long number) && number == 0))))
            {
                port["targetPort"] = port["port"]?.DeepClone();
            }
        }

        bool external = type is "NodePort" or "LoadBalancer" || (type == "ClusterIP" && spec["externalIPs"] is JsonArray { Count: > 0 });
        if (external)
        {
            String(spec, "externalTrafficPolicy", "Cluster");
        }

        if (type is "NodePort" or "LoadBalancer" or "ClusterIP")
        {
            Pointer(spec, "internalTrafficPolicy", "Cluster");
        }

        if (type == "LoadBalancer")
        {
            Pointer(spec, "allocateLoadBalancerNodePorts", true);
        }

        Allocate(spec, type);
    }

    private static void KeepAllocated(JsonObject spec, JsonObject before)
    {
        foreach (string field in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy" })
        {
            if (spec[field] is null && before[field] is JsonNode value)
            {
                spec[field] = value.DeepClone();
            }
        }

        foreach (JsonObject port in Objects(spec["ports"]))
        {
            JsonObject? old = Objects(before["ports"]).FirstOrDefault(p => p["port"]?.ToJsonString() == port["port"]?.ToJsonString() && Text(p["protocol"]) == (Text(port["protocol"]) is { Length: > 0 } proto ? proto : "TCP"));
            if (old?["nodePort"] is JsonNode nodePort && (!Serialization.JsonNodes.TryGetInt64(port["nodePort"], out long given) || given == 0))
            {
                port["nodePort"] = nodePort.DeepClone();
            }
        }
    }

    private void Allocate(JsonObject spec, string type)
    {
        lock (_gate)
        {
            if (type != "ExternalName")
            {
                string clusterIp = Text(spec["clusterIP"]);
                if (clusterIp.Length == 0)
                {
                    clusterIp = NextClusterIp();
                    spec["clusterIP"] = clusterIp;
                }
                else
                {
                    _clusterIps.Add(clusterIp);
                }

                Pointer(spec, "clusterIPs", new JsonArray(clusterIp));
                Pointer(spec, "ipFamilies", new JsonArray("IPv4"));
                Pointer(spec, "ipFamilyPolicy", "SingleStack");
            }

            bool allocateNodePorts = type == "NodePort" || (type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] is JsonValue flag && flag.TryGetValue(out bool allocate) && allocate);
            foreach (JsonObject port in Objects(spec["ports"]))
            {
                if (Serialization.JsonNodes.TryGetInt64(port["nodePort"], out long given) && given != 0)
                {
                    _nodePorts.Add(given);
                }
                else if (allocateNodePorts)
                {
                    port["nodePort"] = NextNodePort();
                }
            }
        }
    }

    private string NextClusterIp()
    {
        while (true)
        {
            uint ip = _nextIp++;
            string text = string.Join('.', new[] { ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255 }.Select(b => b.ToString(CultureInfo.InvariantCulture)));
            if ((ip & 255) is not (0 or 255) && _clusterIps.Add(text))
            {
                return text;
            }
        }
    }

    private long NextNodePort()
    {
        for (int i = 0; i <= LastNodePort - FirstNodePort; i++)
        {
            long port = _nextNodePort;
            _nextNodePort = _nextNodePort == LastNodePort ? FirstNodePort : _nextNodePort + 1;
            if (_nodePorts.Add(port))
            {
                return port;
            }
        }

        throw Http.StatusErrors.InternalError("failed to allocate a nodePort: range is full");
    }
}
