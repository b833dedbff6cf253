using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>PUT of an existing object (replace).</summary>
internal sealed partial class ApiHandler
{
    private async Task UpdateAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        if (info.Subresource == "scale")
        {
            JsonObject scale = await ReadScaleAsync(context, resource);
            await CommitScaleAsync(context, info, _ => scale);
            return;
        }

        JsonObject body = await ReadObjectAsync(context, resource);
        Normalize(body, resource, info);
        string manager = FieldManagerOf(context, "unknown");
        await CommitAsync(context, info, current =>
        {
            string? rv = MetaString(body, "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != MetaString(current, "resourceVersion"))
            {
                throw StatusErrors.Modified(resource, info.Name!);
            }

            string? uid = MetaString(body, "uid");
            if (!string.IsNullOrEmpty(uid) && uid != MetaString(current, "uid"))
            {
                throw StatusErrors.Conflict(resource, info.Name!, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {MetaString(current, "uid")}");
            }

            return body.DeepClone().AsObject();
        }, manager, error => StatusErrors.CannotBeHandled(resource, error));
    }
}
