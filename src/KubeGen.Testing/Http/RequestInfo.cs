using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>What a request path and method mean, as kube-apiserver's RequestInfoFactory reads them.</summary>
internal sealed class RequestInfo
{
    private static readonly HashSet<string> NamespaceSubresources = new(StringComparer.Ordinal) { "status", "finalize" };

    public required string Method { get; init; }

    public required string Path { get; init; }

    public bool IsResourceRequest { get; private init; }

    public string Group { get; private init; } = "";

    public string Version { get; private init; } = "";

    public string? Namespace { get; private init; }

    public string Plural { get; private init; } = "";

    public string? Name { get; private init; }

    public string? Subresource { get; private init; }

    /// <summary>The API verb (get, list, watch, create, update, patch, delete, deletecollection) or the lower-case method for non-resource paths.</summary>
    public string Verb { get; private set; } = "";

    /// <summary>True for the deprecated <c>/watch/</c> path prefix or <c>watch=true</c>.</summary>
    public bool IsWatch { get; private set; }

    public ApiResource? Resource { get; set; }

    public static RequestInfo Parse(string method, string path, string? watchParameter)
    {
        string[] segments = path.Trim('/').Split('/');
        int start;
        string group;
        string version;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            group = "";
            version = segments[1];
            start = 2;
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            group = segments[1];
            version = segments[2];
            start = 3;
        }
        else
        {
            return new RequestInfo { Method = method, Path = path, Verb = method.ToLowerInvariant() };
        }

        var rest = new ArraySegment<string>(segments, start, segments.Length - start);
        bool watchPrefix = false;
        if (rest.Count > 0 && rest[0] == "watch")
        {
            watchPrefix = true;
            rest = rest[1..];
        }

        string? ns = null;
        if (rest.Count > 1 && rest[0] == "namespaces")
        {
            if (rest.Count > 2 && !NamespaceSubresources.Contains(rest[2]))
            {
                ns = rest[1];
                rest = rest[2..];
            }
            else
            {
                // /api/v1/namespaces/{name}: the namespace object itself; RBAC sees it "in" that namespace.
                ns = rest[1];
            }
        }

        if (rest.Count is 0 or > 3 || rest.Any(s => s.Length == 0))
        {
            return new RequestInfo { Method = method, Path = path, Verb = method.ToLowerInvariant(), Group = group, Version = version, Plural = "", IsResourceRequest = false };
        }

        string? name = rest.Count >= 2 ? rest[1] : null;
        string? subresource = rest.Count == 3 ? rest[2] : null;
        bool watch = watchPrefix || watchParameter is "true" or "1" or "True";
        string verb = method switch
        {
            "GET" or "HEAD" => watch ? "watch" : name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };

        return new RequestInfo
        {
            Method = method,
            Path = path,
            IsResourceRequest = true,
            Group = group,
            Version = version,
            Namespace = ns,
            Plural = rest[0],
            Name = name,
            Subresource = subresource,
            Verb = verb,
            IsWatch = watch,
        };
    }

    /// <summary>The namespace the object lives in (empty for cluster-scoped resources).</summary>
    public string ObjectNamespace => Resource is { Namespaced: true } ? Namespace ?? "" : "";
}
