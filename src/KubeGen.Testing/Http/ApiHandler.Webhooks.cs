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
/// (replace, JSON/merge/strategic patch, server-side apply, status writes) is admitted on the object it
/// would store (an apply that creates, as a CREATE), a write through <c>/scale</c> on the Scale it would
/// store, and the mutating webhooks' patches are applied again to what the commit computes; a delete is
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
        IReadOnlyList<JsonNode> patches = await AdmitProposedAsync(context, call with { Object = proposed, OldObject = current });
        return patches.Count == 0 ? propose : stored => WithPatches(propose(stored), patches);
    }

    /// <summary>
    /// Server-side apply: CREATE when the object does not exist yet, else UPDATE, admitted on what the apply would
    /// store (kube-apiserver admits a patch with CreateOptions or UpdateOptions the same way). Returns the mutating
    /// webhooks' patches, for the commit to apply on top of the applied object; none when no webhook applies, or when
    /// the apply conflicts (the commit reports the conflict).
    /// </summary>
    private async Task<IReadOnlyList<JsonNode>> AdmitApplyAsync(HttpContext context, RequestInfo info, Func<JsonObject?, JsonObject?> apply)
    {
        ApiResource resource = info.Resource!;
        JsonObject? current = _store.Get(resource.Key, info.ObjectNamespace, info.Name!);
        AdmissionCall call = Call(context, info, current is null ? "CREATE" : "UPDATE", info.Name ?? "", null, null);
        if (!Webhooks.Applies(call) || apply(current) is not JsonObject proposed)
        {
            return [];
        }

        return await AdmitProposedAsync(context, call with { Object = proposed, OldObject = current });
    }

    /// <summary>
    /// A write through <c>/scale</c>: the webhooks see the <c>autoscaling/v1 Scale</c> it would store, and the current one as
    /// <c>oldObject</c>. Returns a proposal that applies the mutating webhooks' patches to the Scale, for the commit.
    /// </summary>
    private async Task<Func<JsonObject, JsonObject>> AdmitScaleAsync(HttpContext context, RequestInfo info, Func<JsonObject, JsonObject> proposeScale)
    {
        ApiResource resource = info.Resource!;
        AdmissionCall call = Call(context, info, "UPDATE", info.Name ?? "", null, null);
        if (!Webhooks.Applies(call) || _store.Get(resource.Key, info.ObjectNamespace, info.Name!) is not JsonObject current)
        {
            return proposeScale;
        }

        JsonObject old = ScaleOf(resource, current);
        JsonObject proposed = proposeScale(old.DeepClone().AsObject());
        IReadOnlyList<JsonNode> patches = await AdmitProposedAsync(context, call with { Object = proposed, OldObject = old });
        return patches.Count == 0 ? proposeScale : scale => WithPatches(proposeScale(scale), patches);
    }

    /// <summary>Mutating, then validating webhooks on a proposed object; their warnings go to the response. Returns the mutations.</summary>
    private async Task<IReadOnlyList<JsonNode>> AdmitProposedAsync(HttpContext context, AdmissionCall call)
    {
        MutationResult mutation = await Webhooks.MutateAsync(call, context.RequestAborted);
        AddWarnings(context, mutation.Warnings);
        AddWarnings(context, await Webhooks.ValidateAsync(call with { Object = mutation.Object ?? call.Object }, context.RequestAborted));
        return mutation.Patches;
    }

    /// <summary>The mutating webhooks' JSON patches applied, in order, to what the commit computed.</summary>
    private static JsonObject WithPatches(JsonObject target, IReadOnlyList<JsonNode> patches)
    {
        foreach (JsonNode patch in patches)
        {
            target = JsonPatch.Apply(target, patch) as JsonObject ?? throw StatusErrors.InternalError("a webhook's patch does not apply to the object");
        }

        return target;
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
        // A patch (apply included) is admitted with the options of what it does: CreateOptions when it creates, else UpdateOptions.
        string optionsKind = context.Request.Method == "PATCH" ? (operation == "CREATE" ? "CreateOptions" : "UpdateOptions") : OptionsKind(context.Request.Method);
        var options = new JsonObject { ["kind"] = optionsKind, ["apiVersion"] = "meta.k8s.io/v1" };
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
