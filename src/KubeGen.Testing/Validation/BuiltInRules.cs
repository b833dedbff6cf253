using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Validation;

/// <summary>
/// The part of a built-in kind's Go validation that its OpenAPI schema describes: <c>required</c>
/// properties (<c>spec.containers: Required value</c>), and the names that must be unique in a pod
/// spec (containers of all kinds, volumes) and in a Service's ports
/// (<c>spec.containers[1].name: Duplicate value: "web"</c>). Other hand-written checks of
/// kube-apiserver are not emulated (the specs kube-apiserver publishes carry no <c>enum</c> for
/// built-in kinds, so a value outside a Go enum is accepted); the type errors a Go decoder finds
/// are 400s (<see cref="Conversion.GoDecoding"/>).
/// </summary>
internal sealed class BuiltInRules(SchemaIndex schemas)
{
    private const int MaxDepth = 32;

    public void Validate(JsonObject obj, ApiResource resource, JsonElement? schema, List<FieldCause> causes)
    {
        if (schema is not null)
        {
            foreach (KeyValuePair<string, JsonNode?> entry in obj)
            {
                if (entry.Key is not ("metadata" or "apiVersion" or "kind"))
                {
                    Walk(entry.Value, schemas.Property(schema, entry.Key), entry.Key, causes, 0);
                }
            }
        }

        foreach ((string path, JsonObject podSpec) in PodSpecs(obj, resource))
        {
            UniqueContainerNames(podSpec, path, causes);
            UniqueNames(podSpec["volumes"], FieldErrors.Child(path, "volumes"), causes);
        }

        if (resource.Group.Length == 0 && resource.Kind == "Service")
        {
            UniqueNames(obj["spec"]?["ports"], "spec.ports", causes);
        }
    }

    private void Walk(JsonNode? node, JsonElement? schema, string path, List<FieldCause> causes, int depth)
    {
        if (depth > MaxDepth || schemas.Resolve(schema) is not { } s)
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                if (s.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement r in required.EnumerateArray())
                    {
                        if (r.GetString() is string field && !o.ContainsKey(field))
                        {
                            causes.Add(FieldErrors.Required(FieldErrors.Child(path, field)));
                        }
                    }
                }

                if (s.TryGetProperty("properties", out JsonElement properties))
                {
                    foreach (KeyValuePair<string, JsonNode?> entry in o)
                    {
                        if (properties.TryGetProperty(entry.Key, out JsonElement property))
                        {
                            Walk(entry.Value, property, FieldErrors.Child(path, entry.Key), causes, depth + 1);
                        }
                    }
                }

                break;
            case JsonArray a when s.TryGetProperty("items", out JsonElement items):
                for (int i = 0; i < a.Count; i++)
                {
                    Walk(a[i], items, FieldErrors.Index(path, i), causes, depth + 1);
                }

                break;
        }
    }

    /// <summary>Where a kind keeps pod specs: a Pod's own, a template's, a CronJob's job template's.</summary>
    private static IEnumerable<(string Path, JsonObject Spec)> PodSpecs(JsonObject obj, ApiResource resource)
    {
        string? path = (resource.Group, resource.Kind) switch
        {
            ("", "Pod") => "spec",
            ("", "PodTemplate") => "template.spec",
            ("", "ReplicationController") or ("apps", "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet") or ("batch", "Job") => "spec.template.spec",
            ("batch", "CronJob") => "spec.jobTemplate.spec.template.spec",
            _ => null,
        };
        if (path is null)
        {
            yield break;
        }

        JsonNode? node = obj;
        foreach (string part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        if (node is JsonObject spec)
        {
            yield return (path, spec);
        }
    }

    /// <summary>validatePodSpec: init containers, then containers, then ephemeral containers share one set of names.</summary>
    private static void UniqueContainerNames(JsonObject podSpec, string path, List<FieldCause> causes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string list in new[] { "initContainers", "containers", "ephemeralContainers" })
        {
            if (podSpec[list] is not JsonArray containers)
            {
                continue;
            }

            for (int i = 0; i < containers.Count; i++)
            {
                if (containers[i]?["name"] is JsonValue name && name.TryGetValue(out string? text) && text.Length > 0 && !names.Add(text))
                {
                    causes.Add(FieldErrors.Duplicate(FieldErrors.Child(FieldErrors.Index(FieldErrors.Child(path, list), i), "name"), name));
                }
            }
        }
    }

    private static void UniqueNames(JsonNode? list, string path, List<FieldCause> causes)
    {
        if (list is not JsonArray items)
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i]?["name"] is JsonValue name && name.TryGetValue(out string? text) && text.Length > 0 && !names.Add(text))
            {
                causes.Add(FieldErrors.Duplicate(FieldErrors.Child(FieldErrors.Index(path, i), "name"), name));
            }
        }
    }
}
