using System.Globalization;
using KubeGen.Shared;

namespace KubeGen.Runtime;

/// <summary>
/// The RBAC permission an API request needs: what a Role (or ClusterRole) rule must allow for the
/// request to pass authorization. Derived from the request the way the API server's request-info
/// resolver derives it (method + path), so that a 403 can say exactly what is missing.
/// </summary>
/// <param name="Verb">The RBAC verb: get, list, watch, create, update, patch, delete or deletecollection.</param>
/// <param name="ApiGroup">The API group; empty for the core group.</param>
/// <param name="Resource">The resource, with the subresource after a slash (<c>pods/status</c>).</param>
/// <param name="Namespace">The namespace; null for a cluster-wide request (cluster-scoped resource or all namespaces).</param>
/// <param name="ResourceName">The object's name for requests on one object; otherwise null.</param>
public sealed record RbacPermission(string Verb, string ApiGroup, string Resource, string? Namespace, string? ResourceName)
{
    /// <summary>
    /// The permission a request needs, or null when the path is not a resource path of the
    /// Kubernetes API (<c>/api/v1/...</c> or <c>/apis/group/version/...</c>), e.g. discovery or <c>/version</c>.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="pathAndQuery">The request path with its (optional) query string, as sent.</param>
    public static RbacPermission? FromRequest(string method, string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathAndQuery);

        int queryStart = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        string path = queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart];
        string query = queryStart < 0 ? string.Empty : pathAndQuery[(queryStart + 1)..];

        // The one path grammar the generator and the emulator use too (src/Shared/KubeApiPath.cs).
        if (KubeApiPath.Parse(path) is not { RbacResource: { } resource } parsed)
        {
            return null;
        }

        // The namespace object itself (namespaces/{name}) is not "in" a namespace for a Role: report it cluster-wide.
        string? ns = parsed.IsNamespacedPath ? parsed.Namespace : null;
        string? verb = VerbFor(method, parsed.Name is not null, parsed.WatchPrefix || IsWatchQuery(query));
        return verb is null ? null : new RbacPermission(verb, parsed.Group, resource, ns, parsed.Name);
    }

    /// <summary>One line for people: <c>"list" on "pods" (apiGroup "") in namespace "default"</c>.</summary>
    public override string ToString()
    {
        string scope = Namespace is null
            ? "cluster-wide (a ClusterRole bound with a ClusterRoleBinding)"
            : string.Create(CultureInfo.InvariantCulture, $"in namespace \"{Namespace}\"");
        return $"verb \"{Verb}\" on resource \"{Resource}\" (apiGroup \"{ApiGroup}\") {scope}";
    }

    private static string? VerbFor(string method, bool named, bool watch) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" when watch => "watch",
        "GET" or "HEAD" => named ? "get" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => named ? "delete" : "deletecollection",
        _ => null,
    };

    private static bool IsWatchQuery(string query)
    {
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            // The API server parses the value as a Go bool (strconv.ParseBool).
            if (pair is "watch=true" or "watch=1" or "watch=t" or "watch=T" or "watch=TRUE" or "watch=True")
            {
                return true;
            }
        }

        return false;
    }
}
