using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Admission;

/// <summary>One rule of a webhook: which operations on which resources (<c>admissionregistration/v1 RuleWithOperations</c>).</summary>
internal sealed record WebhookRule(IReadOnlyList<string> Operations, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> ApiVersions, IReadOnlyList<string> Resources, string Scope);

/// <summary>
/// One webhook of a stored <c>MutatingWebhookConfiguration</c> or <c>ValidatingWebhookConfiguration</c>,
/// with kube-apiserver's defaults filled in (failurePolicy Fail, matchPolicy Equivalent, timeoutSeconds
/// 10, empty selectors, reinvocationPolicy Never, rule scope <c>*</c>).
/// </summary>
internal sealed record WebhookConfiguration(
    string ConfigurationName,
    string Name,
    bool Mutating,
    Uri? Url,
    string? ServiceNamespace,
    string? ServiceName,
    string? ServicePath,
    int ServicePort,
    X509Certificate2Collection? CaBundle,
    IReadOnlyList<WebhookRule> Rules,
    bool FailOpen,
    JsonObject? NamespaceSelector,
    JsonObject? ObjectSelector,
    int TimeoutSeconds,
    bool ReinvokeIfNeeded)
{
    public static readonly ResourceKey MutatingKey = new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations");
    public static readonly ResourceKey ValidatingKey = new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations");

    /// <summary>Every webhook of the stored configurations of one kind, configurations in name order (as kube-apiserver sorts them), webhooks in their order.</summary>
    public static List<WebhookConfiguration> Read(ObjectStore store, bool mutating)
    {
        (List<JsonObject> items, _) = store.List(mutating ? MutatingKey : ValidatingKey, null);
        var webhooks = new List<WebhookConfiguration>();
        foreach (JsonObject configuration in items.OrderBy(c => Text(c["metadata"]?["name"]), StringComparer.Ordinal))
        {
            string configurationName = Text(configuration["metadata"]?["name"]);
            foreach (JsonObject webhook in (configuration["webhooks"] as JsonArray ?? []).OfType<JsonObject>())
            {
                webhooks.Add(Parse(configurationName, webhook, mutating));
            }
        }

        return webhooks;
    }

    /// <summary>Whether any configuration is stored at all (the fast path of every write).</summary>
    public static bool AnyStored(ObjectStore store)
        => store.List(MutatingKey, null).Items.Count > 0 || store.List(ValidatingKey, null).Items.Count > 0;

    private static WebhookConfiguration Parse(string configurationName, JsonObject webhook, bool mutating)
    {
        JsonObject clientConfig = webhook["clientConfig"] as JsonObject ?? [];
        JsonObject? service = clientConfig["service"] as JsonObject;
        string? url = clientConfig["url"] is JsonValue u && u.TryGetValue(out string? s) ? s : null;
        X509Certificate2Collection? bundle = null;
        if (clientConfig["caBundle"] is JsonValue ca && ca.TryGetValue(out string? base64) && base64.Length > 0)
        {
            bundle = [];
            try
            {
                bundle.ImportFromPem(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
            }
            catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
            {
                // An unusable bundle trusts nothing: calls fail their TLS check, as kube-apiserver's would.
            }
        }

        var rules = new List<WebhookRule>();
        foreach (JsonObject rule in (webhook["rules"] as JsonArray ?? []).OfType<JsonObject>())
        {
            rules.Add(new WebhookRule(Strings(rule["operations"]), Strings(rule["apiGroups"]), Strings(rule["apiVersions"]), Strings(rule["resources"]), Text(rule["scope"]) is { Length: > 0 } scope ? scope : "*"));
        }

        return new WebhookConfiguration(
            configurationName,
            Text(webhook["name"]),
            mutating,
            url is null ? null : new Uri(url),
            service is null ? null : Text(service["namespace"]),
            service is null ? null : Text(service["name"]),
            service is null ? null : Text(service["path"]) is { Length: > 0 } path ? path : null,
            service?["port"] is JsonValue port && port.TryGetValue(out int p) ? p : 443,
            bundle,
            rules,
            Text(webhook["failurePolicy"]) == "Ignore",
            webhook["namespaceSelector"] as JsonObject,
            webhook["objectSelector"] as JsonObject,
            webhook["timeoutSeconds"] is JsonValue t && t.TryGetValue(out int seconds) ? seconds : 10,
            Text(webhook["reinvocationPolicy"]) == "IfNeeded");
    }

    internal static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : "";

    private static List<string> Strings(JsonNode? node)
        => node is JsonArray array ? array.Select(Text).ToList() : [];
}
