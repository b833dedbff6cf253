using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>The common tail of replace, patch, scale and apply: what survives, generation, no-ops, finalizer completion.</summary>
internal sealed partial class ApiHandler
{
    /// <summary>
    /// The common tail of replace and patch: builds the proposed object from the current one,
    /// keeps what the endpoint may not change, converts it as the server decodes it (fields the
    /// kind lacks go to field validation, which fails a Strict request with <paramref name="strictError"/>),
    /// tracks field ownership and generation, and commits.
    /// </summary>
    private async Task CommitAsync(HttpContext context, RequestInfo info, Func<JsonObject, JsonObject> propose, string manager, Func<string, StatusException> strictError)
    {
        propose = await AdmitUpdateAsync(context, info, propose);
        ApiResource resource = info.Resource!;
        bool dryRun = IsDryRun(context);
        JsonObject? result = null;
        JsonObject? stored = _store.Mutate(resource.Key, info.ObjectNamespace, info.Name!, (current, _) =>
        {
            if (current is null)
            {
                throw StatusErrors.NotFound(resource, info.Name!);
            }

            // The whole proposed object is decoded (and checked) before the endpoint keeps its part of it.
            JsonObject proposed = propose(current);
            FieldValidation validation = FieldValidation.Of(context);
            validation.Unknown(_conversions.Apply(proposed, resource, current));
            validation.Settle(context, strictError);
            JsonObject target = Scope(current, proposed, resource, info.Subresource);
            _fields.TrackUpdate(current, target, SchemaOf(resource), ScopeOf(resource, info.Subresource), manager, resource.GroupVersion, info.Subresource, Now());
            return Finish(current, target, resource, validate: info.Subresource is null, dryRun, ref result);
        });

        _controllers.Settle();
        await WriteJsonAsync(context, 200, result ?? stored ?? throw StatusErrors.NotFound(resource, info.Name!));
    }

    /// <summary>Applies the status-subresource rules: which parts of the proposed object survive.</summary>
    private static JsonObject Scope(JsonObject current, JsonObject proposed, ApiResource resource, string? subresource)
    {
        JsonObject target;
        if (subresource == "status")
        {
            target = current.DeepClone().AsObject();
            if (proposed.TryGetPropertyValue("status", out JsonNode? status) && status is not null)
            {
                target["status"] = status.DeepClone();
            }
            else
            {
                target.Remove("status");
            }

            return target;
        }

        target = proposed.DeepClone().AsObject();
        if (resource.HasStatus)
        {
            if (current.TryGetPropertyValue("status", out JsonNode? status) && status is not null)
            {
                target["status"] = status.DeepClone();
            }
            else
            {
                target.Remove("status");
            }
        }

        // System fields are the server's, whatever the client sent.
        JsonObject metadata = Metadata(target);
        JsonObject currentMetadata = Metadata(current);
        foreach (string field in new[] { "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "name", "namespace" })
        {
            if (currentMetadata.TryGetPropertyValue(field, out JsonNode? value) && value is not null)
            {
                metadata[field] = value.DeepClone();
            }
            else
            {
                metadata.Remove(field);
            }
        }

        return target;
    }

    /// <summary>
    /// Generation, no-op detection and finalizer completion; decides the mutation. <c>validate</c> is
    /// set for writes of the object itself and of its scale, not of its status.
    /// </summary>
    private Mutation Finish(JsonObject current, JsonObject target, ApiResource resource, bool validate, bool dryRun, ref JsonObject? result)
    {
        JsonObject metadata = Metadata(target);
        metadata["resourceVersion"] = MetaString(current, "resourceVersion");
        if (TracksGeneration(resource, target) && SpecChanged(current, target, statusIsSeparate: resource.HasStatus || !resource.IsCustom))
        {
            long generation = Serialization.JsonNodes.TryGetInt64(current["metadata"]?["generation"], out long n) ? n : 0;
            metadata["generation"] = generation + 1;
        }

        if (validate)
        {
            Validate(target, resource);
        }

        NoNewFinalizersWhileDeleting(current, target, resource);

        if (SameIgnoringTimes(current, target))
        {
            result = current;
            return Mutation.None;
        }

        if (dryRun)
        {
            result = target;
            return Mutation.None;
        }

        if (Lifecycle.ControllerWrites.DeletesOnUpdate(current, target))
        {
            // The last finalizer is gone from an object marked for deletion: it goes away now.
            result = target;
            return new Mutation.Remove();
        }

        return new Mutation.Put(target);
    }

    /// <summary>ValidateObjectMetaUpdate: an object being deleted may lose finalizers but not gain any.</summary>
    private static void NoNewFinalizersWhileDeleting(JsonObject current, JsonObject target, ApiResource resource)
    {
        if (current["metadata"]?["deletionTimestamp"] is null)
        {
            return;
        }

        List<string> added = [.. Lifecycle.Deleter.Finalizers(target).Except(Lifecycle.Deleter.Finalizers(current), StringComparer.Ordinal).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (added.Count > 0)
        {
            string list = "[]string{" + string.Join(", ", added.Select(Validation.GoValue.Quote)) + "}";
            throw StatusErrors.Invalid(resource, MetaString(current, "name"), Validation.FieldErrors.Forbidden("metadata.finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers {list}"));
        }
    }

    /// <summary>
    /// Whether anything but metadata (and status, where it is separate) changed: what bumps
    /// generation. A custom resource without a status subresource counts status changes too, as
    /// apiextensions' strategy does.
    /// </summary>
    private static bool SpecChanged(JsonObject before, JsonObject after, bool statusIsSeparate)
    {
        if (before["metadata"]?["generation"] is null && !after.ContainsKey("spec"))
        {
            return false;
        }

        var keys = new HashSet<string>(before.Select(p => p.Key).Concat(after.Select(p => p.Key)), StringComparer.Ordinal);
        keys.ExceptWith(["metadata", "apiVersion", "kind"]);
        if (statusIsSeparate)
        {
            keys.Remove("status");
        }

        return keys.Any(k => !JsonNode.DeepEquals(before[k], after[k]));
    }

    private static bool SameIgnoringTimes(JsonObject a, JsonObject b)
    {
        static JsonObject Strip(JsonObject o)
        {
            JsonObject copy = o.DeepClone().AsObject();
            if (copy["metadata"] is JsonObject m)
            {
                m.Remove("resourceVersion");
                if (m["managedFields"] is JsonArray managed)
                {
                    foreach (JsonNode? entry in managed)
                    {
                        (entry as JsonObject)?.Remove("time");
                    }
                }
            }

            return copy;
        }

        return JsonNode.DeepEquals(Strip(a), Strip(b));
    }
}
