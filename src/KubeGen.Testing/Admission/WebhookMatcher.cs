using System.Text.Json.Nodes;

namespace KubeGen.Testing.Admission;

/// <summary>
/// Whether a request is sent to a webhook, as kube-apiserver's matchers decide: a rule for the
/// operation, group, version, resource (with <c>*</c>, <c>pods/*</c>, <c>*/status</c>) and scope; the
/// namespace selector on the namespace's labels (on a Namespace's own labels; always for other
/// cluster-scoped objects); the object selector on the new or the old object's labels.
/// </summary>
internal static class WebhookMatcher
{
    public static bool RuleMatches(WebhookConfiguration webhook, AdmissionCall call)
        => webhook.Rules.Any(rule => RuleMatches(rule, call));

    private static bool RuleMatches(WebhookRule rule, AdmissionCall call)
        => (rule.Operations.Contains("*") || rule.Operations.Contains(call.Operation))
            && (rule.ApiGroups.Contains("*") || rule.ApiGroups.Contains(call.Resource.Group))
            && (rule.ApiVersions.Contains("*") || rule.ApiVersions.Contains(call.Resource.Version))
            && rule.Resources.Any(r => ResourceMatches(r, call.Resource.Plural, call.Subresource))
            && rule.Scope switch
            {
                "Cluster" => !call.Resource.Namespaced,
                "Namespaced" => call.Resource.Namespaced,
                _ => true,
            };

    private static bool ResourceMatches(string rule, string resource, string? subresource)
    {
        int slash = rule.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return subresource is null && (rule == "*" || rule == resource);
        }

        string ruleResource = rule[..slash];
        string ruleSubresource = rule[(slash + 1)..];
        return subresource is not null
            && (ruleResource == "*" || ruleResource == resource)
            && (ruleSubresource == "*" || ruleSubresource == subresource);
    }

    public static bool ObjectSelectorMatches(JsonObject? selector, AdmissionCall call)
        => Matches(selector, Labels(call.Object)) || (call.OldObject is not null && Matches(selector, Labels(call.OldObject)));

    public static bool NamespaceSelectorMatches(JsonObject? selector, AdmissionCall call, Func<string, JsonObject?> namespaceOf)
    {
        if (call.Resource is { Group: "", Plural: "namespaces" })
        {
            return Matches(selector, Labels(call.Object ?? call.OldObject));
        }

        if (!call.Resource.Namespaced)
        {
            return true;
        }

        return Matches(selector, Labels(namespaceOf(call.Namespace)));
    }

    /// <summary>A <c>metav1.LabelSelector</c> (matchLabels and matchExpressions with In, NotIn, Exists, DoesNotExist); null or empty selects all.</summary>
    internal static bool Matches(JsonObject? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }

        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            foreach ((string key, JsonNode? value) in matchLabels)
            {
                if (!labels.TryGetValue(key, out string? actual) || actual != WebhookConfiguration.Text(value))
                {
                    return false;
                }
            }
        }

        foreach (JsonObject expression in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string key = WebhookConfiguration.Text(expression["key"]);
            List<string> values = (expression["values"] as JsonArray ?? []).Select(WebhookConfiguration.Text).ToList();
            bool has = labels.TryGetValue(key, out string? actual);
            bool ok = WebhookConfiguration.Text(expression["operator"]) switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, string> Labels(JsonObject? obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj?["metadata"]?["labels"] is JsonObject map)
        {
            foreach ((string key, JsonNode? value) in map)
            {
                labels[key] = WebhookConfiguration.Text(value);
            }
        }

        return labels;
    }
}
