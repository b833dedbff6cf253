using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Runtime.Admission;
using KubeGen.Webhooks.Patching;

namespace KubeGen.Webhooks.Serving;

/// <summary>A registered webhook's handler, behind one untyped call the endpoint makes.</summary>
internal abstract class WebhookHandler(WebhookRegistration registration)
{
    public WebhookRegistration Registration { get; } = registration;

    /// <summary>Decides one request.</summary>
    /// <exception cref="AdmissionInputException">The request is not for this webhook's kind, or its object does not read as one.</exception>
    public abstract Task<AdmissionResponse> DecideAsync(AdmissionRequest request, CancellationToken cancellationToken);
}

/// <summary>The request cannot be handled as sent (a 400 denial, never a crash).</summary>
internal sealed class AdmissionInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads the objects as <typeparamref name="T"/>, runs the user's handler, and for a mutating
/// webhook answers with the JSON Patch from the object as read (written back through the same
/// type, so fields the handler did not touch never appear in the patch) to the object as edited.
/// </summary>
internal sealed class WebhookHandler<T>(WebhookRegistration registration, IObjectCodec<T> codec, Func<AdmissionContext<T>, ValueTask<AdmissionDecision>> handler)
    : WebhookHandler(registration)
    where T : class
{
    public override async Task<AdmissionResponse> DecideAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        CheckKind(request);
        T? obj = Read(request.Object, "object");
        T? oldObject = Read(request.OldObject, "oldObject");
        bool mutating = Registration.Kind == WebhookKind.Mutating && obj is not null;
        JsonNode? before = mutating ? codec.Write(obj!) : null;

        var context = new AdmissionContext<T>(Registration, request, obj, oldObject, cancellationToken);
        AdmissionDecision decision = await handler(context).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the handler returned no decision");
        var response = new AdmissionResponse { Uid = request.Uid, Allowed = decision.Allowed };
        List<string> warnings = [.. context.Warnings, .. decision.Warnings];
        if (warnings.Count > 0)
        {
            response.Warnings = warnings;
        }

        if (!decision.Allowed)
        {
            response.Status = new AdmissionStatus { Status = "Failure", Code = decision.Code, Reason = decision.Reason, Message = decision.Message };
        }
        else if (mutating && JsonPatchDiff.CreateUtf8(before, codec.Write(obj!)) is byte[] patch)
        {
            response.Patch = patch;
            response.PatchType = AdmissionResponse.JsonPatchType;
        }

        return response;
    }

    private void CheckKind(AdmissionRequest request)
    {
        WebhookResource expected = Registration.Resource;
        GroupVersionKind? kind = request.Kind;
        if (kind is null || (kind.Group ?? "") != expected.Group || kind.Version != expected.Version || kind.Kind != expected.Kind)
        {
            string given = kind is null ? "no kind" : kind.ToString();
            throw new AdmissionInputException($"webhook \"{Registration.Name}\" handles {expected}, not {given}; check the rules of its webhook configuration");
        }
    }

    private T? Read(JsonElement? json, string field)
    {
        if (json is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } element)
        {
            return null;
        }

        try
        {
            return codec.Read(element);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            throw new AdmissionInputException($"webhook \"{Registration.Name}\" cannot read the request's {field} as {Registration.Resource}: {e.Message}", e);
        }
    }
}
