using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Patching;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Admission;

/// <summary>
/// Dynamic admission as kube-apiserver runs it, driven by the stored
/// <c>MutatingWebhookConfiguration</c>s and <c>ValidatingWebhookConfiguration</c>s: the mutating
/// webhooks one after the other (configurations in name order), each seeing the object as the
/// previous ones patched it, with one more round for those with <c>reinvocationPolicy: IfNeeded</c>
/// when a later one changed the object; then the validating webhooks, all at once. A denial is the
/// webhook's status (<c>admission webhook "name" denied the request: …</c>, at least 400); a webhook
/// that cannot be called or answers garbage fails the request with 500 under <c>failurePolicy: Fail</c>
/// and is skipped under <c>Ignore</c>. Writes to the webhook configurations themselves are never sent
/// to webhooks, so a broken webhook can always be removed.
/// </summary>
internal sealed class WebhookDispatcher(ObjectStore store, WebhookCaller caller)
{
    private const string AdmissionRegistration = "admissionregistration.k8s.io";

    /// <summary>Whether this request can be sent to any webhook at all (cheap: most writes stop here).</summary>
    public bool Applies(AdmissionCall call)
        => call.Resource.Group != AdmissionRegistration && WebhookConfiguration.AnyStored(store);

    /// <summary>Runs the mutating webhooks that match.</summary>
    /// <exception cref="StatusException">A webhook denied the request, or failed under failurePolicy Fail.</exception>
    public async Task<MutationResult> MutateAsync(AdmissionCall call, CancellationToken cancellationToken)
    {
        List<WebhookConfiguration> webhooks = Matching(call, mutating: true);
        var patches = new List<JsonNode>();
        var warnings = new List<string>();
        JsonObject? current = call.Object;
        var lastRun = new Dictionary<WebhookConfiguration, int>();
        int changes = 0;
        foreach (WebhookConfiguration webhook in webhooks)
        {
            current = await MutateOnceAsync(webhook, call with { Object = current }, patches, warnings, cancellationToken).ConfigureAwait(false) is { } changed
                ? Changed(changed, ref changes)
                : current;
            lastRun[webhook] = changes;
        }

        // Reinvocation: once more, each IfNeeded webhook that a later webhook's change came after.
        foreach (WebhookConfiguration webhook in webhooks.Where(w => w.ReinvokeIfNeeded && lastRun[w] < changes))
        {
            current = await MutateOnceAsync(webhook, call with { Object = current }, patches, warnings, cancellationToken).ConfigureAwait(false) ?? current;
        }

        return new MutationResult(current, patches, warnings);
    }

    /// <summary>Runs the validating webhooks that match, concurrently; the first denial or failure (in configuration order) wins.</summary>
    /// <exception cref="StatusException">A webhook denied the request, or failed under failurePolicy Fail.</exception>
    public async Task<IReadOnlyList<string>> ValidateAsync(AdmissionCall call, CancellationToken cancellationToken)
    {
        List<WebhookConfiguration> webhooks = Matching(call, mutating: false);
        Task<(WebhookAnswer? Answer, Exception? Error)>[] calls = webhooks
            .Select(async webhook =>
            {
                try
                {
                    return ((WebhookAnswer?)await caller.CallAsync(webhook, Review(call), cancellationToken).ConfigureAwait(false), (Exception?)null);
                }
                catch (WebhookCallException e)
                {
                    return (null, e);
                }
            })
            .ToArray();
        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        var warnings = new List<string>();
        for (int i = 0; i < webhooks.Count; i++)
        {
            (WebhookAnswer? answer, Exception? error) = results[i];
            if (error is not null)
            {
                Failed(webhooks[i], error);
                continue;
            }

            warnings.AddRange(answer!.Warnings);
            if (!answer.Allowed)
            {
                throw Denied(webhooks[i], answer.Status);
            }
        }

        return warnings;
    }

    /// <returns>The patched object, or null when the webhook changed nothing (or was skipped under Ignore).</returns>
    private async Task<JsonObject?> MutateOnceAsync(WebhookConfiguration webhook, AdmissionCall call, List<JsonNode> patches, List<string> warnings, CancellationToken cancellationToken)
    {
        WebhookAnswer answer;
        try
        {
            answer = await caller.CallAsync(webhook, Review(call), cancellationToken).ConfigureAwait(false);
        }
        catch (WebhookCallException e)
        {
            Failed(webhook, e);
            return null;
        }

        warnings.AddRange(answer.Warnings);
        if (!answer.Allowed)
        {
            throw Denied(webhook, answer.Status);
        }

        if (answer.Patch is null || call.Object is null)
        {
            return null;
        }

        try
        {
            JsonObject patched = JsonPatch.Apply(call.Object, answer.Patch) as JsonObject
                ?? throw new PatchException("the patched object is not an object");
            if (JsonNode.DeepEquals(patched, call.Object))
            {
                return null;
            }

            patches.Add(answer.Patch.DeepClone());
            return patched;
        }
        catch (Exception e) when (e is PatchException or FormatException)
        {
            Failed(webhook, new WebhookCallException($"JSON patch could not be applied: {e.Message}"));
            return null;
        }
    }

    private static JsonObject Changed(JsonObject changed, ref int changes)
    {
        changes++;
        return changed;
    }

    private List<WebhookConfiguration> Matching(AdmissionCall call, bool mutating)
        => WebhookConfiguration.Read(store, mutating)
            .Where(w => WebhookMatcher.RuleMatches(w, call)
                && WebhookMatcher.NamespaceSelectorMatches(w.NamespaceSelector, call, ns => store.Get(new ResourceKey("", "v1", "namespaces"), "", ns))
                && WebhookMatcher.ObjectSelectorMatches(w.ObjectSelector, call))
            .ToList();

    /// <summary>Failure policy: Ignore skips the webhook; Fail fails the request with 500, naming the webhook.</summary>
    private static void Failed(WebhookConfiguration webhook, Exception error)
    {
        if (!webhook.FailOpen)
        {
            throw StatusErrors.InternalError($"failed calling webhook \"{webhook.Name}\": {error.Message}");
        }
    }

    /// <summary>kube's <c>webhookerrors.ToStatusErr</c>: the webhook's status, at least 400, its message prefixed with who denied.</summary>
    private static StatusException Denied(WebhookConfiguration webhook, JsonObject? status)
    {
        string deniedBy = $"admission webhook \"{webhook.Name}\" denied the request";
        int code = status?["code"] is JsonValue c && c.TryGetValue(out int given) ? given : 0;
        code = code < 400 ? 400 : code;
        string message = WebhookConfiguration.Text(status?["message"]);
        string reason = WebhookConfiguration.Text(status?["reason"]);
        string text = message.Length > 0 ? $"{deniedBy}: {message}" : reason.Length > 0 ? $"{deniedBy}: {reason}" : deniedBy + " without explanation";
        return new StatusException(code, StatusErrors.Status(code, reason, text));
    }

    private static JsonObject Review(AdmissionCall call)
    {
        ApiResourceRef resource = new(call.Resource.Group, call.Resource.Version, call.Resource.Plural, call.Resource.Kind);
        var request = new JsonObject
        {
            ["uid"] = Guid.NewGuid().ToString(),
            ["kind"] = resource.Kind(),
            ["resource"] = resource.Resource(),
            ["requestKind"] = resource.Kind(),
            ["requestResource"] = resource.Resource(),
            ["name"] = call.Name,
            ["operation"] = call.Operation,
            ["userInfo"] = new JsonObject { ["username"] = call.User.Name, ["groups"] = new JsonArray([.. call.User.Groups.Select(g => (JsonNode?)g)]) },
            ["object"] = call.Object?.DeepClone(),
            ["oldObject"] = call.OldObject?.DeepClone(),
            ["dryRun"] = call.DryRun,
            ["options"] = call.Options.DeepClone(),
        };
        if (call.Subresource is not null)
        {
            request["subResource"] = call.Subresource;
            request["requestSubResource"] = call.Subresource;
        }

        if (call.Namespace.Length > 0)
        {
            request["namespace"] = call.Namespace;
        }

        return new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["request"] = request };
    }

    private readonly record struct ApiResourceRef(string Group, string Version, string Plural, string KindName)
    {
        public JsonObject Kind() => new() { ["group"] = Group, ["version"] = Version, ["kind"] = KindName };

        public JsonObject Resource() => new() { ["group"] = Group, ["version"] = Version, ["resource"] = Plural };
    }
}
