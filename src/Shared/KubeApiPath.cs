// Source-shared by the generator (netstandard2.0), the runtime and the emulator: keep it free of
// dependencies and of APIs newer than netstandard2.0.
using System;
using System.Collections.Generic;

namespace KubeGen.Shared;

/// <summary>
/// The one grammar of Kubernetes REST paths, read the way kube-apiserver's <c>RequestInfoFactory</c>
/// reads them: <c>/api/{version}</c> (the core group) or <c>/apis/{group}/{version}</c>, an optional
/// deprecated <c>watch</c> segment, an optional <c>namespaces/{namespace}</c> prefix, then
/// <c>{resource}[/{name}[/{subresource}[/…]]]</c>. The namespace object itself is
/// <c>namespaces/{name}[/status|/finalize]</c>.
/// </summary>
/// <remarks>
/// The same type reads concrete request paths (the emulator's router, the runtime's RBAC hint) and
/// the path templates of an OpenAPI spec (<see cref="ParseTemplate"/>), so the four places that need
/// a path's meaning cannot disagree about it.
/// </remarks>
internal sealed class KubeApiPath
{
    /// <summary>The placeholder of a namespace in a spec path template.</summary>
    public const string NamespacePlaceholder = "{namespace}";

    /// <summary>The placeholder of an object's name in a spec path template.</summary>
    public const string NamePlaceholder = "{name}";

    /// <summary>The placeholder of the rest of a proxy path in a spec path template.</summary>
    public const string PathPlaceholder = "{path}";

    private static readonly string[] s_noSegments = new string[0];

    private KubeApiPath(string group, string version, bool watchPrefix, string? ns, bool isNamespacedPath, string? resource, string? name, string? subresource, string[] remainder)
    {
        Group = group;
        Version = version;
        WatchPrefix = watchPrefix;
        Namespace = ns;
        IsNamespacedPath = isNamespacedPath;
        Resource = resource;
        Name = name;
        Subresource = subresource;
        Remainder = remainder;
    }

    /// <summary>The API group; empty for the core group (<c>/api/…</c>).</summary>
    public string Group { get; }

    /// <summary>The API version.</summary>
    public string Version { get; }

    /// <summary>The path has the deprecated <c>watch</c> segment after the group-version: any read is a watch.</summary>
    public bool WatchPrefix { get; }

    /// <summary>
    /// The namespace the request is in, as authorization sees it: the <c>namespaces/{namespace}</c>
    /// prefix, or, for the namespace object itself (<c>namespaces/{name}</c>), its name. Null otherwise.
    /// </summary>
    public string? Namespace { get; }

    /// <summary>The resource is addressed inside a namespace (<c>namespaces/{namespace}/{resource}…</c>).</summary>
    public bool IsNamespacedPath { get; }

    /// <summary>The resource (plural); null for the group-version root itself (<c>/api/v1</c>, discovery).</summary>
    public string? Resource { get; }

    /// <summary>The object's name; null for a collection.</summary>
    public string? Name { get; }

    /// <summary>The subresource (<c>status</c>, <c>scale</c>, <c>log</c>, <c>proxy</c>…); null for the object itself.</summary>
    public string? Subresource { get; }

    /// <summary>Segments after the subresource (only proxy paths have them).</summary>
    public IReadOnlyList<string> Remainder { get; }

    /// <summary>The resource with its subresource, as an RBAC rule names it (<c>pods/status</c>).</summary>
    public string? RbacResource => Resource is null ? null : Subresource is null ? Resource : Resource + "/" + Subresource;

    /// <summary>
    /// Reads a request path (without its query string). Returns null when the path is not under
    /// <c>/api/{version}</c> or <c>/apis/{group}/{version}</c>, has an empty segment there (an empty
    /// group would otherwise read as the core group), or has a <c>watch</c> segment with nothing after it.
    /// </summary>
    /// <param name="path">The path, e.g. <c>/api/v1/namespaces/default/pods/web-0</c>.</param>
    /// <param name="decodeSegments">Percent-decode each segment after splitting (for a path as sent on the wire).</param>
    public static KubeApiPath? Parse(string path, bool decodeSegments = true)
    {
        if (path is null)
        {
            return null;
        }

        var segments = path.Trim('/').Split('/');
        int next;
        string group;
        string version;
        if (segments.Length >= 2 && segments[0] == "api")
        {
            group = string.Empty;
            version = Segment(segments[1], decodeSegments);
            next = 2;
        }
        else if (segments.Length >= 3 && segments[0] == "apis")
        {
            group = Segment(segments[1], decodeSegments);
            version = Segment(segments[2], decodeSegments);
            next = 3;
        }
        else
        {
            return null;
        }

        var parts = new string[segments.Length - next];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Segment(segments[next + i], decodeSegments);
        }

        if ((segments[0] == "apis" && group.Length == 0) || version.Length == 0 || Array.IndexOf(parts, string.Empty) >= 0)
        {
            return null;
        }

        var index = 0;
        var watchPrefix = parts.Length > 0 && parts[0] == "watch";
        if (watchPrefix)
        {
            // kube-apiserver refuses a bare watch segment ("unable to determine kind and namespace from url").
            if (parts.Length == 1)
            {
                return null;
            }

            index++;
        }

        string? ns = null;
        var isNamespacedPath = false;
        if (parts.Length - index >= 2 && parts[index] == "namespaces")
        {
            ns = parts[index + 1];

            // namespaces/{namespace}/{resource}…, unless what follows is a subresource of the namespace object.
            if (parts.Length - index > 2 && !IsNamespaceSubresource(parts[index + 2]))
            {
                isNamespacedPath = true;
                index += 2;
            }
        }

        var rest = parts.Length - index;
        var resource = rest >= 1 ? parts[index] : null;
        var name = rest >= 2 ? parts[index + 1] : null;
        var subresource = rest >= 3 ? parts[index + 2] : null;
        var remainder = s_noSegments;
        if (rest > 3)
        {
            remainder = new string[rest - 3];
            Array.Copy(parts, index + 3, remainder, 0, remainder.Length);
        }

        return new KubeApiPath(group, version, watchPrefix, ns, isNamespacedPath, resource, name, subresource, remainder);
    }

    /// <summary>
    /// Reads a path template of an OpenAPI spec (<c>/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale</c>).
    /// Only <c>{namespace}</c> (after <c>namespaces</c>), <c>{name}</c> (after the resource, or of the namespace
    /// object) and <c>{path}</c> (after <c>proxy</c>) are placeholders; the group, version, resource and
    /// subresource must be literals of the Kubernetes name grammar (<see cref="KubeNames"/>).
    /// </summary>
    /// <param name="template">The spec's path key.</param>
    /// <param name="problem">Why the template was refused, for a diagnostic; null when it was read or is simply not a resource path.</param>
    /// <returns>The parsed template, or null when it is not a resource path KubeGen can call.</returns>
    public static KubeApiPath? ParseTemplate(string template, out string? problem)
    {
        problem = null;
        var path = Parse(template, decodeSegments: false);
        if (path is null || path.Resource is null)
        {
            return null;
        }

        if (!KubeNames.IsApiGroup(path.Group))
        {
            problem = "its API group segment is not a DNS-1123 subdomain";
            return null;
        }

        if (!KubeNames.IsApiVersion(path.Version))
        {
            problem = "its API version segment is not a DNS-1035 label";
            return null;
        }

        if (!KubeNames.IsResourceName(path.Resource))
        {
            problem = "its resource segment is not a DNS-1123 label";
            return null;
        }

        if (path.Subresource is not null && !KubeNames.IsResourceName(path.Subresource))
        {
            problem = "its subresource segment is not a DNS-1123 label";
            return null;
        }

        if (path.IsNamespacedPath ? path.Namespace != NamespacePlaceholder : path.Namespace is not null && path.Name != NamePlaceholder)
        {
            problem = "its namespace segment is not the {namespace} placeholder";
            return null;
        }

        if (path.Name is not null && path.Name != NamePlaceholder)
        {
            problem = "its name segment is not the {name} placeholder";
            return null;
        }

        var proxyPath = path.Remainder.Count == 1 && path.Remainder[0] == PathPlaceholder && path.Subresource == "proxy";
        if (path.Remainder.Count > 0 && !proxyPath)
        {
            problem = "it has segments after the subresource other than a proxy's {path}";
            return null;
        }

        return path;
    }

    /// <summary>
    /// Whether kube-apiserver has this route for a resource of the given scope: a namespaced resource
    /// inside a namespace, or its collection across all namespaces; a cluster-scoped resource never
    /// under a namespace prefix. Segments after the subresource exist only for <c>proxy</c>.
    /// </summary>
    public bool IsRouteFor(bool namespacedResource)
    {
        if (Resource is null || (Remainder.Count > 0 && Subresource != "proxy"))
        {
            return false;
        }

        if (namespacedResource)
        {
            return IsNamespacedPath || Name is null;
        }

        return !IsNamespacedPath;
    }

    private static bool IsNamespaceSubresource(string segment) => segment == "status" || segment == "finalize";

    private static string Segment(string segment, bool decode)
        => decode && segment.IndexOf('%') >= 0 ? Uri.UnescapeDataString(segment) : segment;
}
