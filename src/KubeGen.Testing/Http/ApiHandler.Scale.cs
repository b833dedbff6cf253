using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>The <c>/scale</c> subresource: the <c>autoscaling/v1 Scale</c> view of an object and writes through it.</summary>
internal sealed partial class ApiHandler
{
    private static JsonObject ScaleOf(ApiResource resource, JsonObject obj)
    {
        ApiSubresource sub = resource.Subresources["scale"];
        JsonObject meta = Metadata(obj);
        var scaleMeta = new JsonObject();
        foreach (string field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[field] is JsonNode value)
            {
                scaleMeta[field] = value.DeepClone();
            }
        }

        // A CRD says where its replicas and selector are; built-in kinds keep them in the usual places.
        ScalePaths paths = sub.Scale ?? new ScalePaths(".spec.replicas", ".status.replicas", ".status.selector");
        var spec = new JsonObject();
        if (Serialization.SimpleJsonPath.Get(obj, paths.SpecReplicas) is JsonNode replicas)
        {
            spec["replicas"] = replicas.DeepClone();
        }

        var status = new JsonObject { ["replicas"] = Serialization.SimpleJsonPath.Get(obj, paths.StatusReplicas)?.DeepClone() ?? 0 };
        string? selector = paths.LabelSelector is string selectorPath && Serialization.SimpleJsonPath.Get(obj, selectorPath) is JsonValue sv && sv.TryGetValue(out string? s)
            ? s
            : sub.Scale is null ? SelectorString(obj["spec"]?["selector"] as JsonObject) : null;
        if (!string.IsNullOrEmpty(selector))
        {
            status["selector"] = selector;
        }

        return new JsonObject
        {
            ["kind"] = sub.Kind,
            ["apiVersion"] = sub.Group.Length == 0 ? sub.Version : sub.Group + "/" + sub.Version,
            ["metadata"] = scaleMeta,
            ["spec"] = spec,
            ["status"] = status,
        };
    }

    private static string? SelectorString(JsonObject? selector)
    {
        if (selector?["matchLabels"] is not JsonObject matchLabels)
        {
            return null;
        }

        return string.Join(",", matchLabels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value?.GetValue<string>()}"));
    }

    private Task<JsonObject> ReadScaleAsync(HttpContext context, ApiResource resource)
    {
        ApiSubresource sub = resource.Subresources["scale"];
        return ReadObjectAsync(context, sub.Group.Length == 0 ? sub.Version : sub.Group + "/" + sub.Version, sub.Kind);
    }

    private async Task CommitScaleAsync(HttpContext context, RequestInfo info, Func<JsonObject, JsonObject> proposeScale)
    {
        proposeScale = await AdmitScaleAsync(context, info, proposeScale);
        ApiResource resource = info.Resource!;
        ApiSubresource sub = resource.Subresources["scale"];
        JsonObject? result = null;
        bool dryRun = IsDryRun(context);
        string manager = FieldManagerOf(context, "unknown");
        _store.Mutate(resource.Key, info.ObjectNamespace, info.Name!, (current, _) =>
        {
            if (current is null)
            {
                throw StatusErrors.NotFound(resource, info.Name!);
            }

            JsonObject scale = proposeScale(ScaleOf(resource, current));
            string? rv = MetaString(scale, "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != MetaString(current, "resourceVersion"))
            {
                throw StatusErrors.Modified(resource, info.Name!);
            }

            // ScaleSpec.replicas is a plain int32 with omitempty: left out (or null) means 0.
            JsonNode? replicas = scale["spec"]?["replicas"];
            long count = 0;
            if ((replicas is not null && !Serialization.JsonNodes.TryGetInt64(replicas, out count)) || count < 0)
            {
                throw StatusErrors.Invalid(sub.Group, sub.Kind, info.Name, new FieldCause("FieldValueInvalid", "spec.replicas", $"Invalid value: {replicas?.ToJsonString() ?? "null"}: must be greater than or equal to 0"));
            }

            JsonObject target = current.DeepClone().AsObject();
            Serialization.SimpleJsonPath.Set(target, sub.Scale?.SpecReplicas ?? ".spec.replicas", count);
            _fields.TrackUpdate(current, target, SchemaOf(resource), ScopeOf(resource, null), manager, resource.GroupVersion, "scale", Now());
            Mutation mutation = Finish(current, target, resource, validate: true, dryRun, ref result);
            result = mutation is Mutation.Put put ? put.Object : result;
            return mutation;
        });

        _controllers.Settle();
        JsonObject final = dryRun || result is null ? result ?? throw StatusErrors.NotFound(resource, info.Name!) : _store.Get(resource.Key, info.ObjectNamespace, info.Name!) ?? result;
        await WriteJsonAsync(context, 200, ScaleOf(resource, final));
    }
}
