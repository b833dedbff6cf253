using System.Text.Json.Nodes;
using KubeGen.Testing.Admission;
using KubeGen.Testing.Patching;
using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>
/// Where writes meet the admission webhooks (<see cref="WebhookDispatcher"/>), at kube-apiserver's
/// points: a create's mutating webhooks see the decoded, defaulted object before the server fills in
/// uid and timestamps, its validating webhooks the object about to be stored; an update or patch
/// (replace, JSON/merge/strategic patch, status writes) is admitted on the object it would store, and
/// the mutating webhooks' patches are applied again to the object the commit computes; a delete is
/// admitted with the object being deleted. Webhook warnings become <c>Warning</c> headers.
/// </summary>
internal sealed partial class ApiHandler
{
    private WebhookDispatcher? _webhooks;

    private WebhookDispatcher Webhooks => _webhooks ??= new WebhookDispatcher(_store, new WebhookCaller(_options.WebhookServices));

    /// <summary>CREATE: the mutating webhooks' version of <paramref name="obj"/>.</summary>
    private async Task<JsonObject> MutateOnCreateAsync(HttpContext context, RequestInfo info, JsonObject obj)
    {
        AdmissionCall call = Call(context, info, "CREATE", MetaString(obj, "name") ?? "", obj, null);
        if (!Webhooks.Applies(call))
        {
            return obj;
        }

        MutationResult result = await Webhooks.MutateAsync(call, context.RequestAborted);
        AddWarnings(context, result.Warnings);
        return result.Object ?? obj;
    }

    /// <summary>CREATE: the validating webhooks, on the object about to be stored.</summary>
    private async Task ValidateOnCreateAsync(HttpContext context, RequestInfo info, JsonObject obj)
    {
        AdmissionCall call = Call(context, info, "CREATE", MetaString(obj, "name") ?? "", obj, null);
        if (Webhooks.Applies(call))
        {
            AddWarnings(context, await Webhooks.ValidateAsync(call, context.RequestAborted));
        }
    }

    /// <summary>
    /// UPDATE: admits what <paramref name="propose"/> makes of the stored object (outside the store's
    /// lock: webhooks may call back into the emulator) and returns a proposal that applies the mutating
    /// webhooks' patches on top, for the commit.
    /// </summary>
    private async Task<Func<JsonObject, JsonObject>> AdmitUpdateAsync(HttpContext context, RequestInfo info, Func<JsonObject, JsonObject> propose)
    {
        ApiResource resource = info.Resource!;
        AdmissionCall call = Call(context, info, "UPDATE", info.Name ?? "", null, null);
        if (!Webhooks.Applies(call) || _store.Get(resource.Key, info.ObjectNamespace, info.Name!) is not JsonObject current)
        {
            return propose;
        }

        JsonObject proposed = propose(current.DeepClone().AsObject());
        _conversions.Apply(proposed, resource, current);
        MutationResult mutation = await Webhooks.MutateAsync(call with { Object = proposed, OldObject = current }, context.RequestAborted);
        AddWarnings(context, mutation.Warnings);
        AddWarnings(context, await Webhooks.ValidateAsync(call with { Object = mutation.Object ?? proposed, OldObject = current }, context.RequestAborted));
        if (mutation.Patches.Count == 0)
        {
            return propose;
        }

        return stored =>
        {
            JsonObject target = propose(stored);
            foreach (JsonNode patch in mutation.Patches)
            {
                target = JsonPatch.Apply(target, patch) as JsonObject ?? throw StatusErrors.InternalError("a webhook's patch does not apply to the object");
            }

            return target;
        };
    }

    /// <summary>DELETE: the webhooks see the object being deleted as <c>oldObject</c>.</summary>
    private async Task AdmitDeleteAsync(HttpContext context, RequestInfo info)
    {
        AdmissionCall call = Call(context, info, "DELETE", info.Name ?? "", null, null);
        if (info.Name is null || !Webhooks.Applies(call) || _store.Get(info.Resource!.Key, info.ObjectNamespace, info.Name) is not JsonObject current)
        {
            return;
        }

        call = call with { OldObject = current };
        await Webhooks.MutateAsync(call, context.RequestAborted);
        AddWarnings(context, await Webhooks.ValidateAsync(call, context.RequestAborted));
    }

    private AdmissionCall Call(HttpContext context, RequestInfo info, string operation, string name, JsonObject? obj, JsonObject? oldObject)
    {
        bool dryRun = IsDryRun(context);
        var options = new JsonObject { ["kind"] = OptionsKind(context.Request.Method), ["apiVersion"] = "meta.k8s.io/v1" };
        if (dryRun)
        {
            options["dryRun"] = new JsonArray("All");
        }

        if (Query(context, "fieldManager") is string manager)
        {
            options["fieldManager"] = manager;
        }

        return new AdmissionCall(operation, info.Resource!, info.Subresource, info.ObjectNamespace, name, obj, oldObject, dryRun, Authenticate(context, allowAnonymous: true), options);
    }

    /// <summary>Each warning as kube-apiserver sends it: <c>Warning: 299 - "text"</c>.</summary>
    private static void AddWarnings(HttpContext context, IEnumerable<string> warnings)
    {
        foreach (string warning in warnings)
        {
            string text = warning.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            context.Response.Headers.Append("Warning", $"299 - \"{text}\"");
        }
    }
}
