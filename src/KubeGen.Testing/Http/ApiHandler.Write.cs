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

    /// <summary>Whether <c>dryRun=All</c> was asked for: nothing is stored, the answer is what would have been.</summary>
    /// <exception cref="StatusException">422 for another value, as the options' validation says.</exception>
    private static bool IsDryRun(HttpContext context)
    {
        string[] values = [.. context.Request.Query["dryRun"].Select(v => v ?? "")];
        if (values.Length == 0)
        {
            return false;
        }

        if (values.Any(v => v != "All"))
        {
            string given = "[]string{" + string.Join(", ", values.Select(v => $"\"{v}\"")) + "}";
            throw StatusErrors.Invalid("meta.k8s.io", OptionsKind(context.Request.Method), "", new FieldCause("FieldValueNotSupported", "dryRun", $"Unsupported value: {given}: supported values: \"All\""));
        }

        return true;
    }

    /// <summary>The options kind a write's query parameters are validated as.</summary>
    internal static string OptionsKind(string method) => method switch
    {
        "POST" => "CreateOptions",
        "PUT" => "UpdateOptions",
        "DELETE" => "DeleteOptions",
        _ => "PatchOptions",
    };

    private JsonElement? SchemaOf(ApiResource resource) => _catalog.Schemas.Definition(resource.DefinitionName);

    private static FieldScope ScopeOf(ApiResource resource, string? subresource)
        => subresource == "status" ? FieldScope.StatusOnly : resource.HasStatus ? FieldScope.MainWithoutStatus : FieldScope.All;
}
