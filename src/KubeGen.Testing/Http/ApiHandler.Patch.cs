using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Patching;
using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>PATCH: JSON patch, merge patch and strategic merge patch (apply patches go to <see cref="ApplyAsync"/>).</summary>
internal sealed partial class ApiHandler
{
    private async Task PatchAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        string mediaType = MediaType(context);
        bool force = QueryBool(context, "force");
        if (Query(context, "force") is not null && mediaType != "application/apply-patch+yaml")
        {
            throw StatusErrors.Invalid("meta.k8s.io", "PatchOptions", "", new FieldCause("FieldValueForbidden", "force", "may not be specified for non-apply patch"));
        }

        List<string> accepted = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];
        if (resource.SupportsStrategicMerge)
        {
            accepted.Add("application/strategic-merge-patch+json");
        }

        if (!accepted.Contains(mediaType))
        {
            throw StatusErrors.UnsupportedMediaType(mediaType, accepted);
        }

        byte[] body = await ReadBodyAsync(context);
        if (mediaType == "application/apply-patch+yaml")
        {
            await ApplyAsync(context, info, body, force);
            return;
        }

        JsonNode? patch;
        try
        {
            patch = body.Length == 0 ? null : Serialization.JsonBody.Parse(body, []);
        }
        catch (JsonException e)
        {
            throw StatusErrors.BadRequest($"error decoding patch: {e.Message}");
        }

        if (mediaType != "application/json-patch+json" && patch is not JsonObject)
        {
            throw StatusErrors.BadRequest("error decoding patch: json: cannot unmarshal into Go value of type map[string]interface {}");
        }

        Func<JsonObject, JsonObject> apply = current =>
        {
            try
            {
                JsonNode? patched = mediaType switch
                {
                    "application/json-patch+json" => JsonPatch.Apply(current, patch),
                    "application/merge-patch+json" => JsonMergePatch.Apply(current, patch),
                    _ => _strategic.Apply(current, (JsonObject)patch!, info.Subresource == "scale" ? null : SchemaOf(resource)),
                };
                return patched as JsonObject ?? throw StatusErrors.BadRequest("the patch produced something that is not an object");
            }
            catch (PatchException e)
            {
                throw new StatusException(422, StatusErrors.Status(422, "Invalid", e.Message));
            }
            catch (FormatException e)
            {
                throw StatusErrors.BadRequest(e.Message);
            }
        };

        if (info.Subresource == "scale")
        {
            await CommitScaleAsync(context, info, scale => apply(scale));
            return;
        }

        string manager = FieldManagerOf(context, "unknown");
        await CommitAsync(context, info, current =>
        {
            JsonObject patched = apply(current);
            string? rv = MetaString(patched, "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != MetaString(current, "resourceVersion"))
            {
                throw StatusErrors.Modified(resource, info.Name!);
            }

            CheckTypeMeta(patched, resource);
            Metadata(patched)["name"] = info.Name;
            if (resource.Namespaced)
            {
                Metadata(patched)["namespace"] = info.Namespace;
            }

            return patched;
        }, manager, error => StatusErrors.Invalid("", "", "", new FieldCause("FieldValueInvalid", "patch", $"Invalid value: \"{patch?.ToJsonString()}\": {error}")));
    }
}
