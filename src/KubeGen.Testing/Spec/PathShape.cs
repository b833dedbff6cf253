namespace KubeGen.Testing.Spec;

/// <summary>
/// The shape of a spec path: <c>/api/v1[/namespaces/{namespace}]/plural[/{name}[/subresource]]</c>
/// and <c>/apis/{group}/{version}/…</c>; deprecated <c>/watch/</c> paths are flagged.
/// </summary>
internal readonly record struct PathShape(string Group, string Version, string Plural, bool Namespaced, bool HasName, string? Subresource, bool Watch)
{
    /// <summary>Set when a cluster-shaped collection path belongs to a namespaced resource (<c>/api/v1/pods</c>).</summary>
    public bool AllNamespaces { get; init; }

    public static PathShape? Parse(string path)
    {
        string[] segments = path.Trim('/').Split('/');
        int start;
        string group;
        string version;
        if (segments.Length >= 2 && segments[0] == "api")
        {
            group = "";
            version = segments[1];
            start = 2;
        }
        else if (segments.Length >= 3 && segments[0] == "apis")
        {
            group = segments[1];
            version = segments[2];
            start = 3;
        }
        else
        {
            return null;
        }

        var rest = new ArraySegment<string>(segments, start, segments.Length - start);
        if (rest.Count == 0 || rest[0].Length == 0)
        {
            return null;
        }

        bool watch = false;
        if (rest[0] == "watch")
        {
            watch = true;
            rest = rest[1..];
            if (rest.Count == 0)
            {
                return null;
            }
        }

        bool namespaced = false;
        if (rest[0] == "namespaces" && rest.Count >= 3 && rest[1] == "{namespace}")
        {
            namespaced = true;
            rest = rest[2..];
        }

        if (rest.Count is 0 or > 3 || rest[0].StartsWith('{'))
        {
            return null;
        }

        bool hasName = rest.Count >= 2;
        if (hasName && !rest[1].StartsWith('{'))
        {
            return null;
        }

        string? subresource = rest.Count == 3 ? rest[2] : null;
        if (subresource is not null && subresource.StartsWith('{'))
        {
            return null;
        }

        return new PathShape(group, version, rest[0], namespaced, hasName, subresource, watch);
    }
}
