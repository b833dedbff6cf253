using System.Text.Json;
using KubeGen.Testing.Patching;
using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>What every write shares: the field manager, dry run, and the schema and field scope of a resource.</summary>
internal sealed partial class ApiHandler
{
    private static string FieldManagerOf(HttpContext context, string fallback)
    {
        if (Query(context, "fieldManager") is string manager)
        {
            return manager;
        }

        string agent = context.Request.Headers.UserAgent.ToString();
        int slash = agent.IndexOf('/', StringComparison.Ordinal);
        string prefix = slash > 0 ? agent[..slash] : agent;
        return prefix.Length > 0 ? prefix : fallback;
    }

    private static bool IsDryRun(HttpContext context) => Query(context, "dryRun") == "All";

    private JsonElement? SchemaOf(ApiResource resource) => _catalog.Schemas.Definition(resource.DefinitionName);

    private static FieldScope ScopeOf(ApiResource resource, string? subresource)
        => subresource == "status" ? FieldScope.StatusOnly : resource.HasStatus ? FieldScope.MainWithoutStatus : FieldScope.All;
}
