using KubeGen.Shared;

namespace KubeGen.Testing.Tests;

/// <summary>The shared REST path grammar (src/Shared/KubeApiPath.cs), read as kube-apiserver's RequestInfoFactory reads paths.</summary>
public sealed class KubeApiPathTests
{
    [Theory]
    // path | group | version | namespace | namespaced path | resource | name | subresource
    [InlineData("/api/v1/pods", "", "v1", null, false, "pods", null, null)]
    [InlineData("/api/v1/namespaces/team/pods", "", "v1", "team", true, "pods", null, null)]
    [InlineData("/api/v1/namespaces/team/pods/web-0", "", "v1", "team", true, "pods", "web-0", null)]
    [InlineData("/api/v1/namespaces/team/pods/web-0/status", "", "v1", "team", true, "pods", "web-0", "status")]
    [InlineData("/apis/apps/v1/namespaces/team/deployments/web/scale", "apps", "v1", "team", true, "deployments", "web", "scale")]
    [InlineData("/apis/stable.example.com/v1/crontabs", "stable.example.com", "v1", null, false, "crontabs", null, null)]
    [InlineData("/api/v1/nodes/n1", "", "v1", null, false, "nodes", "n1", null)]
    [InlineData("/api/v1/namespaces", "", "v1", null, false, "namespaces", null, null)]
    // The namespace object: authorization sees it "in" itself, and status/finalize are its subresources.
    [InlineData("/api/v1/namespaces/team", "", "v1", "team", false, "namespaces", "team", null)]
    [InlineData("/api/v1/namespaces/team/status", "", "v1", "team", false, "namespaces", "team", "status")]
    [InlineData("/api/v1/namespaces/team/finalize", "", "v1", "team", false, "namespaces", "team", "finalize")]
    [InlineData("/api/v1/namespaces/status", "", "v1", "status", false, "namespaces", "status", null)]
    // A resource called namespaces under a namespace prefix: read as such, so that IsRouteFor can refuse it.
    [InlineData("/api/v1/namespaces/team/namespaces/other", "", "v1", "team", true, "namespaces", "other", null)]
    // Leading and trailing slashes are trimmed, as kube-apiserver's splitPath does.
    [InlineData("/api/v1/namespaces/team/pods/", "", "v1", "team", true, "pods", null, null)]
    public void Reads_resource_paths(string path, string group, string version, string? ns, bool namespacedPath, string resource, string? name, string? subresource)
    {
        KubeApiPath parsed = KubeApiPath.Parse(path)!;
        Assert.NotNull(parsed);
        Assert.Equal((group, version, ns, namespacedPath, resource, name, subresource), (parsed.Group, parsed.Version, parsed.Namespace, parsed.IsNamespacedPath, parsed.Resource, parsed.Name, parsed.Subresource));
        Assert.False(parsed.WatchPrefix);
        Assert.Empty(parsed.Remainder);
    }

    [Fact]
    public void Reads_the_watch_prefix_proxy_remainders_and_group_version_roots()
    {
        KubeApiPath watch = KubeApiPath.Parse("/api/v1/watch/namespaces/team/configmaps/a")!;
        Assert.True(watch.WatchPrefix);
        Assert.Equal(("team", "configmaps", "a"), (watch.Namespace, watch.Resource, watch.Name));

        KubeApiPath proxy = KubeApiPath.Parse("/api/v1/namespaces/team/pods/web-0/proxy/metrics/raw")!;
        Assert.Equal("proxy", proxy.Subresource);
        Assert.Equal(["metrics", "raw"], proxy.Remainder);
        Assert.Equal("pods/proxy", proxy.RbacResource);

        KubeApiPath root = KubeApiPath.Parse("/apis/apps/v1/")!;
        Assert.Equal(("apps", "v1", (string?)null), (root.Group, root.Version, root.Resource));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api")]
    [InlineData("/apis/apps")]
    [InlineData("/version")]
    [InlineData("/openapi/v2")]
    [InlineData("/logs/kubelet.log")]
    // Empty segments are never part of a route.
    [InlineData("/api//pods")]
    [InlineData("/apis//v1/pods")]
    [InlineData("/apis/apps//deployments")]
    [InlineData("/api/v1/namespaces//pods")]
    [InlineData("/api/v1/namespaces/team//pods")]
    [InlineData("/api/v1/namespaces/team/pods//status")]
    // The deprecated watch segment must be followed by what is watched.
    [InlineData("/api/v1/watch")]
    [InlineData("/apis/apps/v1/watch/")]
    public void Refuses_paths_outside_the_grammar(string path) => Assert.Null(KubeApiPath.Parse(path));

    [Theory]
    // path | namespaced resource | route exists
    [InlineData("/api/v1/namespaces/team/pods", true, true)]
    [InlineData("/api/v1/namespaces/team/pods/web-0/status", true, true)]
    [InlineData("/api/v1/pods", true, true)]
    [InlineData("/api/v1/watch/pods", true, true)]
    [InlineData("/api/v1/pods/web-0", true, false)]
    [InlineData("/api/v1/pods/web-0/status", true, false)]
    [InlineData("/api/v1/nodes", false, true)]
    [InlineData("/api/v1/nodes/n1/status", false, true)]
    [InlineData("/api/v1/namespaces/team/nodes", false, false)]
    [InlineData("/api/v1/namespaces/team/nodes/n1", false, false)]
    [InlineData("/api/v1/namespaces/team", false, true)]
    [InlineData("/api/v1/namespaces/team/status", false, true)]
    [InlineData("/api/v1/namespaces/team/namespaces", false, false)]
    [InlineData("/api/v1/namespaces/team/namespaces/other", false, false)]
    [InlineData("/api/v1/watch/namespaces/team/namespaces", false, false)]
    [InlineData("/api/v1/namespaces/team/pods/web-0/proxy/metrics", true, true)]
    [InlineData("/api/v1/namespaces/team/pods/web-0/status/extra", true, false)]
    [InlineData("/api/v1/namespaces/team/status/extra", false, false)]
    [InlineData("/api/v1", false, false)]
    public void Routes_exist_only_where_kube_apiserver_has_them(string path, bool namespacedResource, bool route)
        => Assert.Equal(route, KubeApiPath.Parse(path)!.IsRouteFor(namespacedResource));

    [Theory]
    // template | namespaced path | resource | has name | subresource
    [InlineData("/api/v1/namespaces/{namespace}/pods/{name}/status", true, "pods", true, "status")]
    [InlineData("/api/v1/pods", false, "pods", false, null)]
    [InlineData("/api/v1/namespaces/{name}", false, "namespaces", true, null)]
    [InlineData("/api/v1/namespaces/{name}/finalize", false, "namespaces", true, "finalize")]
    [InlineData("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", true, "deployments", true, "scale")]
    [InlineData("/api/v1/nodes/{name}/proxy/{path}", false, "nodes", true, "proxy")]
    [InlineData("/apis/stable.example.com/v1/watch/namespaces/{namespace}/crontabs", true, "crontabs", false, null)]
    public void Reads_spec_templates(string template, bool namespacedPath, string resource, bool hasName, string? subresource)
    {
        KubeApiPath parsed = KubeApiPath.ParseTemplate(template, out string? problem)!;
        Assert.Null(problem);
        Assert.Equal((namespacedPath, resource, hasName, subresource), (parsed.IsNamespacedPath, parsed.Resource, parsed.Name is not null, parsed.Subresource));
    }

    [Theory]
    // Not resource paths at all: no problem to report.
    [InlineData("/api/v1/", null)]
    [InlineData("/version/", null)]
    [InlineData("/logs/{logpath}", null)]
    [InlineData("/apis//v1/pods", null)]
    // Resource paths KubeGen cannot call, with the reason.
    [InlineData("/apis/Bad_Group/v1/things", "its API group segment is not a DNS-1123 subdomain")]
    [InlineData("/apis/example.com/1v/things", "its API version segment is not a DNS-1035 label")]
    [InlineData("/api/v1/Pods", "its resource segment is not a DNS-1123 label")]
    [InlineData("/api/v1/pods/{name}/Status", "its subresource segment is not a DNS-1123 label")]
    [InlineData("/api/v1/namespaces/default/pods", "its namespace segment is not the {namespace} placeholder")]
    [InlineData("/api/v1/namespaces/{namespace}/pods/web-0", "its name segment is not the {name} placeholder")]
    [InlineData("/api/v1/namespaces/{namespace}/pods/{name}/status/{path}", "it has segments after the subresource other than a proxy's {path}")]
    public void Refuses_spec_templates_with_the_reason(string template, string? expectedProblem)
    {
        Assert.Null(KubeApiPath.ParseTemplate(template, out string? problem));
        Assert.Equal(expectedProblem, problem);
    }

    [Fact]
    public void Decodes_segments_only_when_asked()
    {
        Assert.Equal("a b", KubeApiPath.Parse("/api/v1/namespaces/team/configmaps/a%20b")!.Name);
        Assert.Equal("a%20b", KubeApiPath.Parse("/api/v1/namespaces/team/configmaps/a%20b", decodeSegments: false)!.Name);
    }

    [Theory]
    [InlineData("apps", true)]
    [InlineData("", true)]
    [InlineData("stable.example.com", true)]
    [InlineData("Apps", false)]
    [InlineData("-apps", false)]
    [InlineData("apps.", false)]
    [InlineData("a..b", false)]
    public void Api_groups_are_empty_or_DNS_1123_subdomains(string group, bool valid) => Assert.Equal(valid, KubeNames.IsApiGroup(group));

    [Theory]
    [InlineData("v1", true)]
    [InlineData("v2beta1", true)]
    [InlineData("1v", false)]
    [InlineData("", false)]
    [InlineData("V1", false)]
    public void Api_versions_are_DNS_1035_labels(string version, bool valid) => Assert.Equal(valid, KubeNames.IsApiVersion(version));

    [Fact]
    public void Labels_and_verbs_have_their_limits()
    {
        Assert.True(KubeNames.IsDns1123Label(new string('a', KubeNames.MaxLabelLength)));
        Assert.False(KubeNames.IsDns1123Label(new string('a', KubeNames.MaxLabelLength + 1)));
        Assert.False(KubeNames.IsDns1123Label("pods-"));
        Assert.True(KubeNames.IsVerb("deletecollection"));
        Assert.False(KubeNames.IsVerb("get-all"));
        Assert.False(KubeNames.IsVerb(""));
    }
}
