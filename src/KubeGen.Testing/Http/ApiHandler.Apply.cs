using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Patching;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>Server-side apply (<c>application/apply-patch+yaml</c>).</summary>
internal sealed partial class ApiHandler
{
    private async Task ApplyAsync(HttpContext context, RequestInfo info, byte[] body, bool force)
    {
        ApiResource resource = info.Resource!;
        if (Query(context, "fieldManager") is not string manager)
        {
            throw StatusErrors.BadRequest("PATCH /apply requires fieldManager to be set");
        }

        if (info.Subresource == "scale")
        {
            throw StatusErrors.UnsupportedMediaType("application/apply-patch+yaml", ["application/json-patch+json", "application/merge-patch+json"]);
        }

        JsonObject applied = ParseYaml(body) as JsonObject ?? throw StatusErrors.BadRequest("error decoding YAML: the applied configuration is not an object");
        string? apiVersion = applied["apiVersion"] is JsonValue av && av.TryGetValue(out string? a) ? a : null;
        string? kind = applied["kind"] is JsonValue kv && kv.TryGetValue(out string? k) ? k : null;
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            throw StatusErrors.BadRequest($"invalid object type: {apiVersion ?? ""}, Kind={kind ?? ""}");
        }

        Normalize(applied, resource, info);
        JsonObject appliedMetadata = Metadata(applied);
        foreach (string system in new[] { "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds" })
        {
            appliedMetadata.Remove(system);
        }

        string ns = info.ObjectNamespace;
        string name = info.Name!;
        FieldScope scope = ScopeOf(resource, info.Subresource);
        JsonElement? schema = SchemaOf(resource);
        bool dryRun = IsDryRun(context);
        bool created = false;
        JsonObject? result = null;
        if (_store.Get(resource.Key, ns, name) is null)
        {
            CheckNamespace(resource, ns, name);
        }

        // The webhooks see what the apply would store; a conflict or a missing object is left to the commit to report.
        IReadOnlyList<JsonNode> admitted = await AdmitApplyAsync(context, info, current =>
        {
            if (current is null && info.Subresource is not null)
            {
                return null;
            }

            JsonObject proposed = current?.DeepClone().AsObject() ?? NewAppliedObject(resource, ns, name);
            if (_fields.Apply(proposed, applied, schema, scope, manager, resource.GroupVersion, info.Subresource, force, Now()).Count > 0)
            {
                return null;
            }

            _conversions.Apply(proposed, resource, current);
            return proposed;
        });

        JsonObject? stored = _store.Mutate(resource.Key, ns, name, (current, _) =>
        {
            JsonObject target;
            if (current is null)
            {
                if (info.Subresource is not null)
                {
                    throw StatusErrors.NotFound(resource, name);
                }

                created = true;
                target = NewAppliedObject(resource, ns, name);
            }
            else
            {
                target = current.DeepClone().AsObject();
            }

            List<FieldConflict> conflicts = _fields.Apply(target, applied, schema, scope, manager, resource.GroupVersion, info.Subresource, force, Now());
            if (conflicts.Count > 0)
            {
                throw ApplyConflict(resource, name, conflicts);
            }

            FieldValidation validation = FieldValidation.Of(context);
            validation.Unknown(_conversions.Apply(target, resource, current));
            validation.Settle(context, error => StatusErrors.CannotBeHandled(resource, error));
            target = WithPatches(target, admitted);

            if (current is null)
            {
                JsonNode? managed = target["metadata"]?["managedFields"]?.DeepClone();
                PrepareForCreate(target, resource);
                if (managed is not null)
                {
                    Metadata(target)["managedFields"] = managed;
                }

                Validate(target, resource);
                result = target;
                return dryRun ? Mutation.None : new Mutation.Put(target);
            }

            return Finish(current, target, resource, validate: info.Subresource is null, dryRun, ref result);
        });

        _controllers.Settle();
        await WriteJsonAsync(context, created ? 201 : 200, result ?? stored ?? throw StatusErrors.NotFound(resource, name));
    }

    /// <summary>The object an apply creates, before the applied configuration is merged in.</summary>
    private static JsonObject NewAppliedObject(ApiResource resource, string ns, string name)
    {
        var target = new JsonObject { ["apiVersion"] = resource.GroupVersion, ["kind"] = resource.Kind, ["metadata"] = new JsonObject { ["name"] = name } };
        if (resource.Namespaced)
        {
            Metadata(target)["namespace"] = ns;
        }

        return target;
    }

    private static StatusException ApplyConflict(ApiResource resource, string name, List<FieldConflict> conflicts)
    {
        JsonObject details = StatusErrors.Details(name, resource.Group, resource.Plural);
        var causes = new JsonArray();
        foreach (FieldConflict c in conflicts)
        {
            causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with \"{c.Manager}\" using {c.ApiVersion}", ["field"] = FieldManager.DisplayPath(c.Path) });
        }

        details["causes"] = causes;
        return new StatusException(409, StatusErrors.Status(409, "Conflict", FieldManager.ConflictMessage(conflicts), details));
    }
}
