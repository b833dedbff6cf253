using System;

namespace KubeGen.Generator.Spec;

/// <summary>
/// The parts of a Kubernetes REST path: <c>/api/v1[/namespaces/{namespace}]/plural[/{name}[/subresource]]</c>
/// or the same under <c>/apis/{group}/{version}</c>.
/// </summary>
internal readonly struct ResourcePath
{
    private ResourcePath(string group, string version, string plural, bool hasNamespace, bool hasName, string subresource)
    {
        Group = group;
        Version = version;
        Plural = plural;
        HasNamespace = hasNamespace;
        HasName = hasName;
        Subresource = subresource;
    }

    public string Group { get; }

    public string Version { get; }

    public string Plural { get; }

    public bool HasNamespace { get; }

    public bool HasName { get; }

    public string Subresource { get; }

    public static bool TryParse(string path, out ResourcePath result)
    {
        result = default;
        var segments = path.Trim('/').Split('/');
        string group;
        string version;
        int index;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            group = string.Empty;
            version = segments[1];
            index = 2;
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            group = segments[1];
            version = segments[2];
            index = 3;
        }
        else
        {
            return false;
        }

        if (segments[index] == "watch")
        {
            return false;
        }

        var hasNamespace = false;
        if (segments.Length - index >= 3 && segments[index] == "namespaces" && segments[index + 1] == "{namespace}")
        {
            hasNamespace = true;
            index += 2;
        }

        var rest = segments.Length - index;
        var plural = segments[index];
        if (plural.Length == 0 || plural.IndexOf('{') >= 0)
        {
            return false;
        }

        switch (rest)
        {
            case 1:
                result = new ResourcePath(group, version, plural, hasNamespace, hasName: false, subresource: string.Empty);
                return true;
            case 2 when segments[index + 1] == "{name}":
                result = new ResourcePath(group, version, plural, hasNamespace, hasName: true, subresource: string.Empty);
                return true;
            case 3 when segments[index + 1] == "{name}" && segments[index + 2].IndexOf('{') < 0:
                result = new ResourcePath(group, version, plural, hasNamespace, hasName: true, subresource: segments[index + 2]);
                return true;
            default:
                return false;
        }
    }
}
