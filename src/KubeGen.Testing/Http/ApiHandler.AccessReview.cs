using System.Text.Json.Nodes;
using KubeGen.Testing.Protobuf;
using KubeGen.Testing.Security;
using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>SelfSubjectAccessReview: what the requesting user may do, in JSON or protobuf.</summary>
internal sealed partial class ApiHandler
{
    private async Task SelfSubjectAccessReviewAsync(HttpContext context, EmulatorUser user, ApiResource resource)
    {
        bool protobuf = MediaType(context) == ProtobufBody.MediaType;
        JsonObject review = await ReadObjectAsync(context, resource);
        CheckTypeMeta(review, resource);
        JsonObject spec = review["spec"] as JsonObject ?? throw StatusErrors.Invalid(resource, "", new FieldCause("FieldValueRequired", "spec", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        bool allowed;
        if (spec["resourceAttributes"] is JsonObject attributes)
        {
            string verb = attributes["verb"]?.GetValue<string>() ?? "";
            string group = attributes["group"]?.GetValue<string>() ?? "";
            string plural = attributes["resource"]?.GetValue<string>() ?? "";
            string? subresource = attributes["subresource"]?.GetValue<string>() is { Length: > 0 } s ? s : null;
            string? ns = attributes["namespace"]?.GetValue<string>() is { Length: > 0 } n ? n : null;
            string? name = attributes["name"]?.GetValue<string>() is { Length: > 0 } nm ? nm : null;
            allowed = user.IsAllowed(verb, group, plural, subresource, ns, name);
        }
        else if (spec["nonResourceAttributes"] is JsonObject)
        {
            allowed = user.Rules.Any(r => r.Verbs.Contains("*") && r.Resources.Contains("*"));
        }
        else
        {
            throw StatusErrors.Invalid(resource, "", new FieldCause("FieldValueRequired", "spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }

        review["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        review["status"] = new JsonObject { ["allowed"] = allowed };
        if (protobuf && context.Request.Headers.Accept.ToString().Contains(ProtobufBody.MediaType, StringComparison.Ordinal))
        {
            await WriteBytesAsync(context, 201, ProtobufBody.MediaType, AccessReviewEncoder.Encode(review));
            return;
        }

        await WriteJsonAsync(context, 201, review);
    }
}
