using System.Globalization;
using System.Text.Json.Nodes;
using KubeGen.Testing.Protobuf;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>DELETE of one object and of a collection: options, preconditions, finalizers.</summary>
internal sealed partial class ApiHandler
{
    private sealed record DeleteOptions(string? Uid, string? ResourceVersion, string Propagation, bool DryRun);

    private async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        string? uid = null;
        string? rv = null;
        string? propagation = Query(context, "propagationPolicy");
        bool dryRun = IsDryRun(context);
        bool? orphan = Query(context, "orphanDependents") is string o ? o is "true" or "1" : null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            string mediaType = MediaType(context);
            byte[] body = await ReadBodyAsync(context);
            if (body.Length > 0)
            {
                JsonObject options = (mediaType == ProtobufBody.MediaType ? ProtobufBody.Decode(body, "meta.k8s.io/v1", "DeleteOptions") : mediaType.Contains("yaml", StringComparison.Ordinal) ? ParseYaml(body) : ParseJson(body)) as JsonObject
                    ?? throw StatusErrors.BadRequest("the body of the request is not a DeleteOptions object");
                uid = options["preconditions"]?["uid"]?.GetValue<string>();
                rv = options["preconditions"]?["resourceVersion"]?.GetValue<string>();
                propagation = options["propagationPolicy"]?.GetValue<string>() ?? propagation;
                if (options["orphanDependents"] is JsonValue ov && ov.TryGetValue(out bool ob))
                {
                    orphan = ob;
                }

                if (options["dryRun"] is JsonArray dr && dr.Any(d => d?.GetValue<string>() == "All"))
                {
                    dryRun = true;
                }
            }
        }

        propagation ??= orphan == true ? "Orphan" : "Background";
        if (propagation is not ("Orphan" or "Background" or "Foreground"))
        {
            throw StatusErrors.Invalid("meta.k8s.io", "DeleteOptions", "", new FieldCause("FieldValueNotSupported", "propagationPolicy", $"Unsupported value: \"{propagation}\": supported values: \"Foreground\", \"Background\", \"Orphan\""));
        }

        return new DeleteOptions(uid, rv, propagation, dryRun);
    }

    private async Task DeleteAsync(HttpContext context, RequestInfo info)
    {
        await AdmitDeleteAsync(context, info);
        ApiResource resource = info.Resource!;
        DeleteOptions options = await ReadDeleteOptionsAsync(context);
        (JsonObject obj, bool deleted) = DeleteOne(resource, info.ObjectNamespace, info.Name!, options);
        if (deleted && resource.DeleteReturnsStatus)
        {
            var status = new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Success",
                ["details"] = StatusErrors.Details(info.Name, resource.Group, resource.Plural, MetaString(obj, "uid")),
            };
            await WriteJsonAsync(context, 200, status);
            return;
        }

        await WriteJsonAsync(context, 200, obj);
    }

    /// <summary>Deletes one object (or marks it for deletion when it has finalizers).</summary>
    /// <returns>The object and whether it is gone.</returns>
    private (JsonObject Object, bool Deleted) DeleteOne(ApiResource resource, string ns, string name, DeleteOptions options)
    {
        bool deleted = false;
        JsonObject? marked = null;
        JsonObject? result = _store.Mutate(resource.Key, ns, name, (current, _) =>
        {
            if (current is null)
            {
                throw StatusErrors.NotFound(resource, name);
            }

            if (options.Uid is not null && options.Uid != MetaString(current, "uid"))
            {
                throw StatusErrors.Conflict(resource, name, $"Precondition failed: UID in precondition: {options.Uid}, UID in object meta: {MetaString(current, "uid")}");
            }

            if (options.ResourceVersion is not null && options.ResourceVersion != MetaString(current, "resourceVersion"))
            {
                throw StatusErrors.Conflict(resource, name, $"Precondition failed: ResourceVersion in precondition: {options.ResourceVersion}, ResourceVersion in object meta: {MetaString(current, "resourceVersion")}");
            }

            bool hasFinalizers = current["metadata"]?["finalizers"] is JsonArray { Count: > 0 };
            if (hasFinalizers)
            {
                if (current["metadata"]?["deletionTimestamp"] is not null || options.DryRun)
                {
                    marked = current;
                    return Mutation.None;
                }

                JsonObject target = current.DeepClone().AsObject();
                JsonObject metadata = Metadata(target);
                metadata["deletionTimestamp"] = Now();
                metadata["deletionGracePeriodSeconds"] = 0;
                return new Mutation.Put(target);
            }

            deleted = true;
            if (options.DryRun)
            {
                marked = current;
                return Mutation.None;
            }

            return new Mutation.Remove();
        });

        if (deleted && !options.DryRun && result is not null)
        {
            if (resource.Group.Length == 0 && resource.Plural == "namespaces")
            {
                DeleteNamespaceContents(name);
            }

            CollectGarbage(result, options.Propagation);
        }

        return (marked ?? result!, deleted);
    }

    private async Task DeleteCollectionAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        (LabelSelector labels, FieldSelector fields) = Selectors(context, info);
        DeleteOptions options = await ReadDeleteOptionsAsync(context);
        (List<JsonObject> items, long rv) = _store.List(resource.Key, resource.Namespaced ? info.Namespace : null);
        var deleted = new List<JsonObject>();
        foreach (JsonObject obj in items)
        {
            if (!Matches(obj, labels, fields))
            {
                continue;
            }

            try
            {
                (JsonObject result, _) = DeleteOne(resource, MetaString(obj, "namespace") ?? "", MetaString(obj, "name") ?? "", options with { Uid = null, ResourceVersion = null });
                deleted.Add(result);
            }
            catch (StatusException e) when (e.Code == 404)
            {
            }
        }

        await WriteListAsync(context, resource, new JsonObject { ["resourceVersion"] = Math.Max(rv, _store.CurrentResourceVersion).ToString(CultureInfo.InvariantCulture) }, deleted);
    }
}
