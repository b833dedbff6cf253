using System.Text.Json;
using KubeGen.Runtime;
using WebsiteOperator.Kube;
using WebsiteOperator.Kube.CoreV1;
using WebsiteOperator.Kube.MetaV1;

namespace WebsiteOperator;

/// <summary>
/// The shared site registry: the ConfigMap <c>website-registry</c> in the namespace lists every published site (one key a
/// Website, its content ConfigMap as the value), as a DNS zone, a CDN or an ingress catalogue would. It stands in for state
/// outside the Website's ownership: the registry is not owned by any Website, so the garbage collector never edits it,
/// and the operator's finalizer takes a site's entry out before the Website may go.
/// </summary>
internal sealed class Registry(KubeClient kube, string ns)
{
    /// <summary>The registry's name.</summary>
    public const string Name = "website-registry";

    /// <summary>Adds or updates the site's entry; creates the registry when nobody has yet. Whether it wrote anything.</summary>
    public async Task<bool> RegisterAsync(string site, string contentName, CancellationToken cancellationToken)
    {
        ConfigMap? registry;
        try
        {
            registry = await kube.CoreV1.ConfigMaps.GetAsync(ns, Name, cancellationToken: cancellationToken);
        }
        catch (KubeApiException ex) when (ex.IsNotFound)
        {
            if (await CreateAsync(site, contentName, cancellationToken))
            {
                return true;
            }

            registry = null; // created by someone else meanwhile: patch it
        }

        if (registry?.Data?.TryGetValue(site, out string? current) == true && current == contentName)
        {
            return false;
        }

        await kube.CoreV1.ConfigMaps.PatchAsync(ns, Name, Entry(site, contentName), cancellationToken: cancellationToken);
        return true;
    }

    /// <summary>Takes the site's entry out (a no-op when it or the registry is gone: cleanup must be idempotent).</summary>
    public async Task UnregisterAsync(string site, CancellationToken cancellationToken)
    {
        try
        {
            await kube.CoreV1.ConfigMaps.PatchAsync(ns, Name, Entry(site, null), cancellationToken: cancellationToken);
        }
        catch (KubeApiException ex) when (ex.IsNotFound)
        {
        }
    }

    /// <summary>False when another replica or site created it meanwhile (then the caller patches it).</summary>
    private async Task<bool> CreateAsync(string site, string contentName, CancellationToken cancellationToken)
    {
        try
        {
            await kube.CoreV1.ConfigMaps.CreateAsync(
                ns,
                new ConfigMap
                {
                    ApiVersion = ConfigMap.KubeApiVersion,
                    Kind = ConfigMap.KubeKind,
                    Metadata = new ObjectMeta { Name = Name },
                    Data = new Dictionary<string, string>(StringComparer.Ordinal) { [site] = contentName },
                },
                cancellationToken: cancellationToken);
            return true;
        }
        catch (KubeApiException ex) when (ex.IsAlreadyExists)
        {
            return false;
        }
    }

    /// <summary>
    /// A JSON merge patch of one key: it touches no other site's entry (null deletes the key), and needs no resourceVersion,
    /// so concurrent writers of other keys never conflict.
    /// </summary>
    private static KubePatch Entry(string site, string? contentName)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteString(site, contentName);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return KubePatch.Merge(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
