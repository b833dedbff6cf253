using System.Diagnostics.CodeAnalysis;
using KubeGen.Shared;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Http;

/// <summary>
/// What a request means: its path read by the one REST path grammar (<see cref="KubeApiPath"/>, as
/// kube-apiserver's RequestInfoFactory reads it), the API verb its method and <c>watch</c> parameter
/// make, and the served resource it resolves to.
/// </summary>
/// <remarks>Made by <see cref="Parse"/>.</remarks>
internal sealed class RequestInfo(string method, string path, KubeApiPath? apiPath, string verb, bool isWatch)
{
    public string Method => method;

    public string Path => path;

    /// <summary>The parsed path; null when it is not under <c>/api/{version}</c> or <c>/apis/{group}/{version}</c> or breaks the grammar (empty segments).</summary>
    public KubeApiPath? ApiPath => apiPath;

    /// <summary>The path names a resource (not a group-version root or a non-API path).</summary>
    [MemberNotNullWhen(true, nameof(ApiPath))]
    public bool IsResourceRequest => ApiPath?.Resource is not null;

    public string Group => ApiPath?.Group ?? "";

    public string Version => ApiPath?.Version ?? "";

    /// <summary>The namespace as authorization sees it (for the namespace object, its own name).</summary>
    public string? Namespace => ApiPath?.Namespace;

    public string Plural => ApiPath?.Resource ?? "";

    public string? Name => ApiPath?.Name;

    public string? Subresource => ApiPath?.Subresource;

    /// <summary>The API verb (get, list, watch, create, update, patch, delete, deletecollection) or the lower-case method for non-resource paths.</summary>
    public string Verb => verb;

    /// <summary>True for the deprecated <c>/watch/</c> path prefix or <c>watch=true</c>.</summary>
    public bool IsWatch => isWatch;

    public ApiResource? Resource { get; set; }

    /// <summary>The namespace the object lives in (empty for cluster-scoped resources).</summary>
    public string ObjectNamespace => Resource is { Namespaced: true } ? Namespace ?? "" : "";

    public static RequestInfo Parse(string method, string path, string? watchParameter)
    {
        // Kestrel has already percent-decoded the path, all but %2F, which it leaves as it is; so the
        // segments are not decoded again (a literal %2F is never part of a valid name).
        KubeApiPath? apiPath = KubeApiPath.Parse(path, decodeSegments: false);
        if (apiPath?.Resource is null)
        {
            return new RequestInfo(method, path, apiPath, method.ToLowerInvariant(), isWatch: false);
        }

        bool watch = apiPath.WatchPrefix || watchParameter is "true" or "1" or "True";
        string verb = method switch
        {
            "GET" or "HEAD" => watch ? "watch" : apiPath.Name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => apiPath.Name is null ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
        return new RequestInfo(method, path, apiPath, verb, watch);
    }
}
