using System.Globalization;
using System.Text.Json.Nodes;
using KubeGen.Testing.Lifecycle;
using KubeGen.Testing.Protobuf;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>DELETE of one object and of a collection: the options, then <see cref="Deleter"/>, then the controllers.</summary>
internal sealed partial class ApiHandler
{
    private async Task<DeleteRequest> ReadDeleteOptionsAsync(HttpContext context)
    {
        string? uid = null;
        string? rv = null;
        string? propagation = Query(context, "propagationPolicy");
        bool dryRun = IsDryRun(context);
        bool? orphan = Query(context, "orphanDependents") is string o ? o is "true" or "1" : null;
        long? grace = Query(context, "gracePeriodSeconds") is string g
            ? long.TryParse(g, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds) ? seconds : throw StatusErrors.BadRequest($"invalid gracePeriodSeconds: {g}")
            : null;
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

                if (Serialization.JsonNodes.TryGetInt64(options["gracePeriodSeconds"], out long bodyGrace))
                {
                    grace = bodyGrace;
                }

                if (options["dryRun"] is JsonArray dr && dr.Any(d => d?.GetValue<string>() == "All"))
                {
                    dryRun = true;
                }
            }
        }

        if (propagation is not (null or "Orphan" or "Background" or "Foreground"))
        {
            throw StatusErrors.Invalid("meta.k8s.io", "DeleteOptions", "", new FieldCause("FieldValueNotSupported", "propagationPolicy", $"Unsupported value: \"{propagation}\": supported values: \"Foreground\", \"Background\", \"Orphan\""));
        }

        if (propagation is not null && orphan is not null)
        {
            throw StatusErrors.Invalid("meta.k8s.io", "DeleteOptions", "", new FieldCause("FieldValueInvalid", "propagationPolicy", $"Invalid value: \"{propagation}\": orphanDependents and deletionPropagation cannot be both set"));
        }

        return new DeleteRequest(uid, rv, propagation, orphan, grace, dryRun);
    }

    private async Task DeleteAsync(HttpContext context, RequestInfo info)
    {
        await AdmitDeleteAsync(context, info);
        ApiResource resource = info.Resource!;
        DeleteRequest request = await ReadDeleteOptionsAsync(context);
        DeleteOutcome outcome = _deleter.Delete(resource, info.ObjectNamespace, info.Name!, request);
        _controllers.Settle();
        if (outcome.Removed && resource.DeleteReturnsStatus)
        {
            var status = new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Success",
                ["details"] = StatusErrors.Details(info.Name, resource.Group, resource.Plural, MetaString(outcome.Object, "uid")),
            };
            await WriteJsonAsync(context, 200, status);
            return;
        }

        // handlers/delete.go answers 202 only for an object kept for cascading with orphanDependents=false.
        await WriteJsonAsync(context, !outcome.Removed && request.OrphanDependents == false ? 202 : 200, outcome.Object);
    }

    private async Task DeleteCollectionAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        (LabelSelector labels, FieldSelector fields) = Selectors(context, info);
        DeleteRequest request = await ReadDeleteOptionsAsync(context);
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
                deleted.Add(_deleter.Delete(resource, MetaString(obj, "namespace") ?? "", MetaString(obj, "name") ?? "", request with { Uid = null, ResourceVersion = null }).Object);
            }
            catch (StatusException e) when (e.Code == 404)
            {
            }
        }

        _controllers.Settle();
        await WriteListAsync(context, resource, new JsonObject { ["resourceVersion"] = Math.Max(rv, _store.CurrentResourceVersion).ToString(CultureInfo.InvariantCulture) }, deleted);
    }
}
