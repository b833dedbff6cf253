namespace KubeGen.Testing.Authorization;

/// <summary>
/// What a request asks to do, as kube-apiserver's authorizers see it (<c>authorizer.Attributes</c>):
/// a verb on a resource (group, resource, subresource, namespace, name), or a verb on a
/// non-resource path (<c>/healthz</c>, <c>/version</c>).
/// </summary>
internal sealed record RequestAttributes(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name, string? NonResourcePath = null)
{
    public bool IsResourceRequest => NonResourcePath is null;

    public static RequestAttributes NonResource(string verb, string path) => new(verb, "", "", null, null, null, path);
}
