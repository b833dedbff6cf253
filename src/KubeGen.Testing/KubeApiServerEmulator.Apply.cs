using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing;

/// <summary>Applying manifests through the API, as <c>kubectl apply --server-side</c> does.</summary>
public sealed partial class KubeApiServerEmulator
{
    /// <summary>The field manager <see cref="ApplyAsync"/> applies as.</summary>
    public const string ApplyFieldManager = "kubegen-emulator";

    /// <summary>
    /// Applies every object of a manifest (JSON or YAML, several documents, <c>kind: List</c>) in order,
    /// as the administrator, with server-side apply (forcing conflicts): unlike <see cref="Seed"/>, each
    /// object goes through the server's validation, defaulting and controllers, so a CustomResourceDefinition
    /// is served as soon as it is applied and the objects after it in the manifest can use it.
    /// </summary>
    /// <returns>The objects as stored.</returns>
    /// <exception cref="InvalidDataException">The manifest cannot be parsed, or names a kind the server does not serve.</exception>
    /// <exception cref="InvalidOperationException">The server refused an object; the message is its Status message.</exception>
    public async Task<IReadOnlyList<JsonObject>> ApplyAsync(string manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        using HttpClient client = CreateHttpClient(AdminToken);
        var applied = new List<JsonObject>();
        foreach (JsonObject obj in Seeder.Objects(manifest, "manifest"))
        {
            string apiVersion = obj["apiVersion"]?.GetValue<string>() ?? throw new InvalidDataException("manifest: an object has no apiVersion");
            string kind = obj["kind"]?.GetValue<string>() ?? throw new InvalidDataException("manifest: an object has no kind");
            string name = obj["metadata"]?["name"]?.GetValue<string>() ?? throw new InvalidDataException($"manifest: a {kind} has no metadata.name");
            ApiResource resource = _catalog.FindByKind(apiVersion, kind) ?? throw new InvalidDataException($"manifest: the server serves no {kind} in {apiVersion}");
            string ns = obj["metadata"]?["namespace"]?.GetValue<string>() ?? "default";
            string path = (resource.Group.Length == 0 ? "/api/" : $"/apis/{resource.Group}/") + resource.Version
                + (resource.Namespaced ? $"/namespaces/{Uri.EscapeDataString(ns)}" : "") + $"/{resource.Plural}/{Uri.EscapeDataString(name)}";
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"{path}?fieldManager={ApplyFieldManager}&force=true")
            {
                Content = new ByteArrayContent(ApiHandler.Serialize(obj)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
            using HttpResponseMessage response = await client.SendAsync(request, cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? answer = body.Length > 0 ? JsonNode.Parse(body) : null;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"applying {kind} {name}: {answer?["message"]?.GetValue<string>() ?? response.StatusCode.ToString()}");
            }

            applied.Add(answer!.AsObject());
        }

        return applied;
    }
}
