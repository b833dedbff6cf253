using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>GET of one object (or its Table row, or its scale).</summary>
internal sealed partial class ApiHandler
{
    private async Task GetAsync(HttpContext context, RequestInfo info)
    {
        CheckAcceptable(context);
        ApiResource resource = info.Resource!;
        JsonObject obj = _store.Get(resource.Key, info.ObjectNamespace, info.Name!) ?? throw StatusErrors.NotFound(resource, info.Name!);
        if (info.Subresource == "scale")
        {
            await WriteJsonAsync(context, 200, ScaleOf(resource, obj));
            return;
        }

        if (WantsTable(context) && info.Subresource is null)
        {
            await WriteJsonAsync(context, 200, Tables.Build(resource, [obj], MetaString(obj, "resourceVersion") ?? "", null, context.Request.Query["includeObject"].ToString()), Tables.ContentType);
            return;
        }

        await WriteJsonAsync(context, 200, obj);
    }
}
