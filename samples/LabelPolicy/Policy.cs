using KubeGen.Runtime;
using KubeGen.Webhooks;
using LabelPolicy.Kube.AppsV1;
using LabelPolicy.Kube.CoreV1;

namespace LabelPolicy;

/// <summary>
/// The policy: every Pod and Deployment (and a Deployment's pod template) has an <c>app</c> label;
/// objects get <c>app.kubernetes.io/managed-by</c> when they have none, and containers without
/// resource requests get small defaults. Namespaces labelled <c>label-policy.kubegen.dev/skip</c>
/// (and kube-system) are left alone.
/// </summary>
internal static class Policy
{
    public const string AppLabel = "app";
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    private static readonly WebhookResource Pods = WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods");
    private static readonly WebhookResource Deployments = WebhookResource.For(Deployment.KubeApiVersion, Deployment.KubeKind, "deployments");

    public static void Register(WebhookApplicationBuilder builder)
    {
        builder.Mutate("pod-defaults.label-policy.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            Pod pod = context.Object!;
            bool changed = Defaults(pod.Metadata ??= new(), pod.Spec);
            return changed ? AdmissionDecision.Allow($"label-policy: defaults were added to pod {context.Name}") : AdmissionDecision.Allow();
        }, Scope);
        builder.Mutate("deployment-defaults.label-policy.kubegen.dev", Deployments, Deployment.JsonTypeInfo, context =>
        {
            Deployment deployment = context.Object!;
            bool changed = Defaults(deployment.Metadata ??= new(), null);
            if (deployment.Spec?.Template is { } template)
            {
                changed |= Defaults(template.Metadata ??= new(), template.Spec);
            }

            return changed ? AdmissionDecision.Allow($"label-policy: defaults were added to deployment {context.Name}") : AdmissionDecision.Allow();
        }, Scope);
        builder.Validate("require-app-label.label-policy.kubegen.dev", Pods, Pod.JsonTypeInfo,
            context => RequireApp("pod", context.Name, context.Object?.Metadata?.Labels), Scope);
        builder.Validate("require-app-label-deployments.label-policy.kubegen.dev", Deployments, Deployment.JsonTypeInfo, context =>
        {
            AdmissionDecision own = RequireApp("deployment", context.Name, context.Object?.Metadata?.Labels);
            return own.Allowed ? RequireApp("the pod template of deployment", context.Name, context.Object?.Spec?.Template?.Metadata?.Labels) : own;
        }, Scope);
    }

    /// <summary>Create and update, outside kube-system and namespaces that opt out.</summary>
    private static void Scope(WebhookRegistration webhook)
    {
        webhook.Operations = AdmissionOperations.CreateOrUpdate;
        webhook.NamespaceSelector.MatchExpressions.Add(new LabelSelectorRequirement("kubernetes.io/metadata.name", "NotIn", "kube-system"));
        webhook.NamespaceSelector.MatchExpressions.Add(new LabelSelectorRequirement("label-policy.kubegen.dev/skip", "DoesNotExist"));
        webhook.TimeoutSeconds = 5;
    }

    private static AdmissionDecision RequireApp(string what, string name, IDictionary<string, string>? labels)
        => labels is not null && labels.TryGetValue(AppLabel, out string? app) && app.Length > 0
            ? AdmissionDecision.Allow()
            : AdmissionDecision.Deny($"{what} {name} has no \"{AppLabel}\" label; add metadata.labels.{AppLabel}");

    /// <summary>The managed-by label, and requests for containers that have none.</summary>
    private static bool Defaults(Kube.MetaV1.ObjectMeta metadata, PodSpec? spec)
    {
        bool changed = false;
        metadata.Labels ??= new Dictionary<string, string>();
        if (!metadata.Labels.ContainsKey(ManagedBy))
        {
            metadata.Labels[ManagedBy] = "label-policy";
            changed = true;
        }

        foreach (Container container in spec?.Containers ?? [])
        {
            container.Resources ??= new ResourceRequirements();
            if (container.Resources.Requests is null || container.Resources.Requests.Count == 0)
            {
                container.Resources.Requests = new Dictionary<string, ResourceQuantity>
                {
                    ["cpu"] = ResourceQuantity.Parse("50m"),
                    ["memory"] = ResourceQuantity.Parse("64Mi"),
                };
                changed = true;
            }
        }

        return changed;
    }
}
