using System.Text.Json.Nodes;
using KubeGen.Testing.Authorization;
using KubeGen.Testing.Protobuf;
using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.Http;

/// <summary>
/// SelfSubjectAccessReview (<c>kubectl auth can-i</c>) and SelfSubjectRulesReview
/// (<c>kubectl auth can-i --list</c>): what the requesting user may do, answered by the same
/// authorizer that admits requests. Every authenticated user may ask (system:basic-user).
/// </summary>
internal sealed partial class ApiHandler
{
    private async Task SelfSubjectReviewAsync(HttpContext context, EmulatorUser user, ApiResource resource)
    {
        bool protobuf = MediaType(context) == ProtobufBody.MediaType;
        JsonObject review = await ReadObjectAsync(context, resource);
        CheckTypeMeta(review, resource);
        review["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        if (resource.Plural == "selfsubjectrulesreviews")
        {
            string ns = review["spec"]?["namespace"] is JsonValue n && n.TryGetValue(out string? text) ? text : "";
            review["status"] = RulesReview(user, ns);
            await WriteJsonAsync(context, 201, review);
            return;
        }

        JsonObject spec = review["spec"] as JsonObject ?? throw StatusErrors.Invalid(resource, "", new FieldCause("FieldValueRequired", "spec", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        RequestAttributes attributes;
        if (spec["resourceAttributes"] is JsonObject resourceAttributes)
        {
            attributes = new RequestAttributes(
                Text(resourceAttributes["verb"]),
                Text(resourceAttributes["group"]),
                Text(resourceAttributes["resource"]),
                Text(resourceAttributes["subresource"]) is { Length: > 0 } subresource ? subresource : null,
                Text(resourceAttributes["namespace"]) is { Length: > 0 } ns ? ns : null,
                Text(resourceAttributes["name"]) is { Length: > 0 } name ? name : null);
        }
        else if (spec["nonResourceAttributes"] is JsonObject nonResource)
        {
            attributes = RequestAttributes.NonResource(Text(nonResource["verb"]), Text(nonResource["path"]));
        }
        else
        {
            throw StatusErrors.Invalid(resource, "", new FieldCause("FieldValueRequired", "spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }

        Decision decision = _authorizer.Authorize(user, attributes);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0)
        {
            status["reason"] = decision.Reason;
        }

        review["status"] = status;
        if (protobuf && context.Request.Headers.Accept.ToString().Contains(ProtobufBody.MediaType, StringComparison.Ordinal))
        {
            await WriteBytesAsync(context, 201, ProtobufBody.MediaType, AccessReviewEncoder.Encode(review));
            return;
        }

        await WriteJsonAsync(context, 201, review);
    }

    /// <summary>
    /// The rules that apply to the user in a namespace (kube's <c>RulesFor</c>): the bootstrap rules
    /// that reach it, the implicit ones every authenticated user has, then the stored RBAC rules; an
    /// unresolvable binding makes the answer incomplete, with the error, as there.
    /// </summary>
    private JsonObject RulesReview(EmulatorUser user, string ns)
    {
        var rules = new List<PolicyRule>();
        if (user.Groups.Contains("system:masters"))
        {
            rules.Add(new PolicyRule(["*"], ["*"], ["*"], [], []));
            rules.Add(new PolicyRule(["*"], [], [], [], ["*"]));
        }

        foreach (AccessRule rule in user.Rules.Where(r => r.Namespaces is null || r.Namespaces.Contains("*") || r.Namespaces.Contains(ns)))
        {
            rules.Add(new PolicyRule(rule.Verbs, rule.ApiGroups ?? ["*"], rule.Resources, rule.ResourceNames ?? [], []));
            if (rule.Verbs.Contains("*") && rule.Resources.Contains("*"))
            {
                rules.Add(new PolicyRule(["*"], [], [], [], ["*"]));
            }
        }

        rules.AddRange(RbacAuthorizer.Implicit);
        var errors = new List<string>();
        rules.AddRange(_authorizer.Rules(user, ns.Length > 0 ? ns : null, errors).Select(r => r.Rule));
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        foreach (PolicyRule rule in rules)
        {
            if (rule.Resources.Count > 0)
            {
                var entry = new JsonObject { ["verbs"] = Strings(rule.Verbs), ["apiGroups"] = Strings(rule.ApiGroups), ["resources"] = Strings(rule.Resources) };
                if (rule.ResourceNames.Count > 0)
                {
                    entry["resourceNames"] = Strings(rule.ResourceNames);
                }

                resourceRules.Add(entry);
            }

            if (rule.NonResourceUrls.Count > 0)
            {
                nonResourceRules.Add(new JsonObject { ["verbs"] = Strings(rule.Verbs), ["nonResourceURLs"] = Strings(rule.NonResourceUrls) });
            }
        }

        var status = new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = errors.Count > 0 };
        if (errors.Count > 0)
        {
            status["evaluationError"] = string.Join(", ", errors);
        }

        return status;
    }
}
