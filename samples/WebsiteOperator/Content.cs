using System.Globalization;
using System.Net;
using KubeGen.Runtime;
using KubeGen.Samples;
using WebsiteOperator.Kube.CoreV1;
using WebsiteOperator.Kube.DemoV1;
using WebsiteOperator.Kube.MetaV1;

namespace WebsiteOperator;

/// <summary>
/// What the operator publishes for a Website: the ConfigMap <c>&lt;name&gt;-content</c> in the same namespace, controlled
/// by the Website (so Kubernetes garbage-collects it with the Website), holding the page a web server would mount and
/// serve. A pure function of the Website.
/// </summary>
internal static class Content
{
    /// <summary>How a child is named (<c>&lt;name&gt;-content</c>), marked (the children cache selects on it) and compared.</summary>
    public static readonly OwnedChild Child = new("-content", "website-operator");

    /// <summary>The server-side apply field manager: the fields it sets belong to this operator.</summary>
    public const string FieldManager = "website-operator";

    /// <summary>The page's key in the ConfigMap (a web server mounts the ConfigMap as its document root).</summary>
    public const string PageKey = "index.html";

    /// <summary>How many servers should serve the page (spec.replicas, which the CRD defaults to 1).</summary>
    public const string ReplicasKey = "replicas";

    /// <summary>
    /// The child as the operator applies it: a new object with only the fields it owns. Server-side apply sets these,
    /// leaves other managers' fields alone, and removes fields this manager applied before and no longer applies.
    /// </summary>
    public static ConfigMap Desired(Website website)
    {
        ObjectMeta meta = website.Metadata ?? throw new ArgumentException("The Website has no metadata.", nameof(website));
        string name = meta.Name ?? throw new ArgumentException("The Website has no name.", nameof(website));
        // controller: true makes the Website the one owner the garbage collector and other controllers respect, and
        // blockOwnerDeletion: true (controller-runtime's SetControllerReference) makes a foreground deletion wait for the child.
        KubeOwnerReference owner = OwnerReferences.ControllerReference(website, Website.KubeApiVersion, Website.KubeKind);
        return new ConfigMap
        {
            ApiVersion = ConfigMap.KubeApiVersion,
            Kind = ConfigMap.KubeKind,
            Metadata = new ObjectMeta
            {
                Name = Child.NameFor(name),
                Namespace = meta.Namespace,
                Labels = Child.Labels(),
                OwnerReferences =
                [
                    new OwnerReference
                    {
                        ApiVersion = owner.ApiVersion,
                        Kind = owner.Kind,
                        Name = owner.Name,
                        Uid = owner.Uid,
                        Controller = owner.Controller,
                        BlockOwnerDeletion = owner.BlockOwnerDeletion,
                    },
                ],
            },
            Data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [PageKey] = Page(name, website.Spec?.Message ?? string.Empty),
                [ReplicasKey] = (website.Spec?.Replicas ?? 1).ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>Whether the cached child already carries everything <paramref name="desired"/> applies.</summary>
    public static bool IsUpToDate(ConfigMap observed, ConfigMap desired)
        => Child.IsUpToDate(observed, observed.Data, desired.Metadata!.OwnerReferences![0], desired.Data!);

    /// <summary>The page: the message, HTML-encoded, under the site's name.</summary>
    private static string Page(string name, string message)
    {
        string title = WebUtility.HtmlEncode(name);
        return $"<!doctype html>\n<title>{title}</title>\n<h1>{title}</h1>\n<p>{WebUtility.HtmlEncode(message)}</p>\n";
    }
}
