using System.Text.Json.Nodes;

namespace KubeGen.Testing.Authorization;

/// <summary>
/// One RBAC rule (<c>rbac/v1 PolicyRule</c>) and how kube's RBAC authorizer matches it
/// (<c>RuleAllows</c>): <c>*</c> matches any verb, group, resource or URL; <c>*/scale</c> any resource's
/// scale; <c>resourceNames</c> restrict to named objects (so never a list, watch, create or
/// deletecollection without a name); a non-resource URL ending in <c>*</c> is a prefix.
/// </summary>
internal sealed record PolicyRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames, IReadOnlyList<string> NonResourceUrls)
{
    public bool Allows(RequestAttributes request)
    {
        if (!Verbs.Contains("*") && !Verbs.Contains(request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return NonResourceUrls.Any(url => url == "*" || url == request.NonResourcePath || (url.EndsWith('*') && request.NonResourcePath!.StartsWith(url[..^1], StringComparison.Ordinal)));
        }

        if (!ApiGroups.Contains("*") && !ApiGroups.Contains(request.Group))
        {
            return false;
        }

        string combined = request.Subresource is null ? request.Resource : request.Resource + "/" + request.Subresource;
        bool resourceMatches = Resources.Any(r => r == "*" || r == combined || (request.Subresource is not null && r == "*/" + request.Subresource));
        return resourceMatches && (ResourceNames.Count == 0 || (request.Name is not null && ResourceNames.Contains(request.Name)));
    }

    /// <summary>A rule as stored; anything that is not a rule object allows nothing.</summary>
    public static PolicyRule Read(JsonNode? node)
    {
        JsonObject? rule = node as JsonObject;
        return new(Strings(rule?["verbs"]), Strings(rule?["apiGroups"]), Strings(rule?["resources"]), Strings(rule?["resourceNames"]), Strings(rule?["nonResourceURLs"]));
    }

    public static IReadOnlyList<string> Strings(JsonNode? node)
        => node is JsonArray array ? [.. array.Select(v => v is JsonValue value && value.TryGetValue(out string? s) ? s : null).OfType<string>()] : [];
}
