using KubeGen.Generator.Model;
using KubeGen.Generator.Mapping;
using KubeGen.Generator.Modeling;
using KubeGen.Generator.Naming;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Pipeline;
using KubeGen.Generator.Selection;

namespace KubeGen.Generator.Tests;

/// <summary>Unit tests of the selector grammar, Kubernetes version ranking and C# naming.</summary>
public sealed class SelectorTests
{
    private const string KnownVerbs = "get, list, watch, create, update, patch, delete, deletecollection";

    // ---- ResourceSelector.TryParse ------------------------------------------------------------

    [Theory]
    [InlineData("pods", "pods", null, null, "")]
    [InlineData("pods:get,list", "pods", null, null, "get,list")]
    [InlineData("leases.coordination.k8s.io", "leases", "coordination.k8s.io", null, "")]
    [InlineData("horizontalpodautoscalers.autoscaling/v2", "horizontalpodautoscalers", "autoscaling", "v2", "")]
    [InlineData("deployments.apps/v1:get,watch", "deployments", "apps", "v1", "get,watch")]
    [InlineData("ipaddresses.networking.k8s.io/v1beta1:list", "ipaddresses", "networking.k8s.io", "v1beta1", "list")]
    [InlineData("pods/v1", "pods", null, "v1", "")]
    [InlineData("pods.core", "pods", "core", null, "")]
    [InlineData("crontabs.stable.example.com:get,list,watch", "crontabs", "stable.example.com", null, "get,list,watch")]
    [InlineData("Pods.Apps:GET, List", "pods", "apps", null, "get,list")]
    [InlineData("pods : get , list ,", "pods", null, null, "get,list")]
    [InlineData("pods:get,get,list", "pods", null, null, "get,list")]
    [InlineData("pods:*", "pods", null, null, "")]
    [InlineData("pods:get,*", "pods", null, null, "")]
    [InlineData("pod", "pod", null, null, "")]
    [InlineData("self-subject-reviews", "self-subject-reviews", null, null, "")]
    public void ParsesAnEntry(string entry, string name, string? group, string? version, string verbs)
    {
        Assert.True(ResourceSelector.TryParse(entry, out var selector, out var problem), problem);

        Assert.Null(problem);
        Assert.NotNull(selector);
        Assert.Equal(entry, selector.Text);
        Assert.Equal(name, selector.Name);
        Assert.Equal(group, selector.Group);
        Assert.Equal(version, selector.Version);
        Assert.Equal(verbs, string.Join(",", selector.Verbs));
        Assert.Equal(verbs.Length == 0, selector.AllVerbs);
    }

    [Theory]
    [InlineData("pods:frobnicate", "unknown verb 'frobnicate' (known: " + KnownVerbs + ")")]
    [InlineData("pods:get,escalate", "unknown verb 'escalate' (known: " + KnownVerbs + ")")]
    [InlineData("pods:watchlist", "unknown verb 'watchlist' (known: " + KnownVerbs + ")")]
    [InlineData("pods:", "no verbs after ':'")]
    [InlineData("pods:,", "no verbs after ':'")]
    [InlineData("pods: , ", "no verbs after ':'")]
    [InlineData(":get", "the resource name is missing")]
    [InlineData(".apps", "the resource name is missing")]
    [InlineData("/v1", "the resource name is missing")]
    [InlineData("pod_s", "'pod_s' is not a valid resource name")]
    [InlineData("pods*", "'pods*' is not a valid resource name")]
    [InlineData("*", "'*' is not a valid resource name")]
    [InlineData("deployments.apps/v1.0", "'v1.0' is not a valid version or subresource")]
    [InlineData("deployments.apps/", "'deployments.apps/' has too many or empty '/' segments (write plural[.group][/version][/subresource])")]
    [InlineData("deployments./v1", "'' is not a valid API group")]
    [InlineData("deployments.ap ps", "'ap ps' is not a valid API group")]
    [InlineData("deployments.apps..io", "'apps..io' is not a valid API group")]
    [InlineData("deployments.apps_v1", "'apps_v1' is not a valid API group")]
    public void RejectsABadEntryWithTheProblem(string entry, string expectedProblem)
    {
        Assert.False(ResourceSelector.TryParse(entry, out var selector, out var problem));

        Assert.Null(selector);
        Assert.Equal(expectedProblem, problem);
    }

    [Fact]
    public void VerbsAreTheRbacVerbs()
        => Assert.Equal(new[] { "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection" }, ResourceSelector.KnownVerbs);

    // ---- ResourceSelector.ParseAll ------------------------------------------------------------

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(";")]
    [InlineData(" ; ;\t;")]
    public void EmptySelectorHasNoEntries(string? text)
    {
        var (selectors, errors) = ResourceSelector.ParseAll(text);

        Assert.Empty(selectors);
        Assert.Empty(errors);
    }

    [Fact]
    public void ParsesEveryEntryTrimmedAndSkipsEmptyOnes()
    {
        var (selectors, errors) = ResourceSelector.ParseAll(
            " pods:get,list,watch ;;configmaps;\n  leases.coordination.k8s.io ;deployments.apps/v1:get,watch;");

        Assert.Empty(errors);
        Assert.Equal(
            new[] { "pods:get,list,watch", "configmaps", "leases.coordination.k8s.io", "deployments.apps/v1:get,watch" },
            selectors.Select(s => s.Text));
        Assert.Equal(new[] { "pods", "configmaps", "leases", "deployments" }, selectors.Select(s => s.Name));
        Assert.Equal(new[] { "get,list,watch", "", "", "get,watch" }, selectors.Select(s => string.Join(",", s.Verbs)));
    }

    [Fact]
    public void PipesSeparateEntriesLikeSemicolons()
    {
        // build/KubeGen.targets passes ';' as '|' (';' starts a comment in the .editorconfig that carries item metadata).
        var (selectors, errors) = ResourceSelector.ParseAll("pods:get,list|configmaps ; leases.coordination.k8s.io|");

        Assert.Empty(errors);
        Assert.Equal(new[] { "pods:get,list", "configmaps", "leases.coordination.k8s.io" }, selectors.Select(s => s.Text));
    }

    [Fact]
    public void KeepsTheGoodEntriesAndReportsTheBadOnes()
    {
        var (selectors, errors) = ResourceSelector.ParseAll("pods:frobnicate; configmaps ;deployments.apps/v1.0;leases.coordination.k8s.io:");

        Assert.Equal(new[] { "configmaps" }, selectors.Select(s => s.Text));
        Assert.Equal(
            new[]
            {
                ("pods:frobnicate", "unknown verb 'frobnicate' (known: " + KnownVerbs + ")"),
                ("deployments.apps/v1.0", "'v1.0' is not a valid version or subresource"),
                ("leases.coordination.k8s.io:", "no verbs after ':'"),
            },
            errors.Select(e => (e.Entry, e.Problem)));
    }

    [Fact]
    public void StarAloneIsNotASelectAllEntry()
    {
        // "No Resources" selects everything; "*" is not a resource name.
        var (selectors, errors) = ResourceSelector.ParseAll("*");

        Assert.Empty(selectors);
        Assert.Equal(("*", "'*' is not a valid resource name"), Assert.Single(errors));
    }

    // ---- KubeVersionOrder.Preferred -----------------------------------------------------------

    [Fact]
    public void PrefersGaThenBetaThenAlphaThenHigherNumbers()
    {
        var shuffled = new[] { "v1alpha1", "v1beta1", "v1", "v2beta2", "v1beta2", "v2", "v2alpha1", "v2beta1", "v10", "v3alpha2" };

        Assert.Equal(
            new[] { "v10", "v2", "v1", "v2beta2", "v2beta1", "v1beta2", "v1beta1", "v3alpha2", "v2alpha1", "v1alpha1" },
            KubeVersionOrder.Preferred(shuffled));
    }

    [Theory]
    [InlineData(new[] { "v1", "v2" }, "v2")]
    [InlineData(new[] { "v1beta1", "v1" }, "v1")]
    [InlineData(new[] { "v1beta1", "v1beta2" }, "v1beta2")]
    [InlineData(new[] { "v1alpha1", "v1beta1" }, "v1beta1")]
    [InlineData(new[] { "v2beta1", "v1" }, "v1")]
    [InlineData(new[] { "v2alpha1", "v1beta1" }, "v1beta1")]
    [InlineData(new[] { "v9", "v10" }, "v10")]
    [InlineData(new[] { "v1alpha10", "v1alpha9" }, "v1alpha10")]
    public void PicksThePreferredVersion(string[] versions, string preferred)
    {
        Assert.Equal(preferred, KubeVersionOrder.Preferred(versions).First());
        Assert.Equal(preferred, KubeVersionOrder.Preferred(versions.Reverse()).First());
    }

    [Fact]
    public void NonStandardVersionsComeLastInOrdinalOrder()
    {
        var versions = new[] { "latest", "v1", "v1rc1", "2", "v1alpha1", "V1", "v1beta", "beta1", "v", "v1beta-1", "v99999999999", "v1beta99999999999" };

        Assert.Equal(
            new[] { "v1", "v1alpha1", "2", "V1", "beta1", "latest", "v", "v1beta", "v1beta-1", "v1beta99999999999", "v1rc1", "v99999999999" },
            KubeVersionOrder.Preferred(versions));
    }

    [Fact]
    public void OnlyNonStandardVersionsStillGiveAChoice()
        => Assert.Equal("v99999999999", KubeVersionOrder.Preferred(new[] { "v99999999999" }).First());

    // ---- CSharpNames --------------------------------------------------------------------------

    [Theory]
    [InlineData("dns-policy", "DnsPolicy")]
    [InlineData("$ref", "Ref")]
    [InlineData("x-kubernetes-int-or-string", "XKubernetesIntOrString")]
    [InlineData("apiVersion", "ApiVersion")]
    [InlineData("podIPs", "PodIPs")]
    [InlineData("metadata", "Metadata")]
    [InlineData("foo.bar_baz", "FooBarBaz")]
    [InlineData("3d", "_3d")]
    [InlineData("-", "Value")]
    [InlineData("", "Value")]
    [InlineData("v1beta1", "V1beta1")]
    [InlineData("coordination", "Coordination")]
    public void PascalCase(string name, string expected) => Assert.Equal(expected, CSharpNames.Pascal(name));

    [Theory]
    [InlineData("continue", "@continue")]
    [InlineData("namespace", "@namespace")]
    [InlineData("object", "@object")]
    [InlineData("class", "@class")]
    [InlineData("event", "@event")]
    [InlineData("labelSelector", "labelSelector")]
    [InlineData("dry-run", "dryRun")]
    [InlineData("allowWatchBookmarks", "allowWatchBookmarks")]
    [InlineData("DryRun", "dryRun")]
    [InlineData("3d", "_3d")]
    [InlineData("var", "var")]
    public void ParameterIsCamelCaseAndEscapesKeywords(string name, string expected) => Assert.Equal(expected, CSharpNames.Parameter(name, new HashSet<string>()));

    [Theory]
    [InlineData("configmaps", "ConfigMap", "ConfigMaps")]
    [InlineData("networkpolicies", "NetworkPolicy", "NetworkPolicies")]
    [InlineData("endpoints", "Endpoints", "Endpoints")]
    [InlineData("pods", "Pod", "Pods")]
    [InlineData("horizontalpodautoscalers", "HorizontalPodAutoscaler", "HorizontalPodAutoscalers")]
    [InlineData("ipaddresses", "IPAddress", "IPAddresses")]
    [InlineData("leases", "Lease", "Leases")]
    [InlineData("crontabs", "CronTab", "CronTabs")]
    [InlineData("customresourcedefinitions", "CustomResourceDefinition", "CustomResourceDefinitions")]
    [InlineData("podsecuritypolicies", "PodSecurityPolicy", "PodSecurityPolicies")]
    [InlineData("endpointslices", "EndpointSlice", "EndpointSlices")]
    [InlineData("widgets", "Gadget", "Widgets")]
    public void ResourcePropertyAppliesTheKindsCasingToThePlural(string plural, string kind, string expected)
        => Assert.Equal(expected, CSharpNames.ResourceProperty(plural, kind));

    [Theory]
    [InlineData("MyOperator.Kube", true)]
    [InlineData("Kube", true)]
    [InlineData("_Kube.V1", true)]
    [InlineData("My Kube", false)]
    [InlineData("1abc", false)]
    [InlineData("class", false)]
    [InlineData("My.class", false)]
    [InlineData("My..Kube", false)]
    [InlineData(".Kube", false)]
    [InlineData("My-Kube", false)]
    [InlineData("", false)]
    public void ValidNamespace(string value, bool valid) => Assert.Equal(valid, CSharpNames.IsValidNamespace(value));

    [Theory]
    [InlineData("KubeClient", true)]
    [InlineData("_client", true)]
    [InlineData("my-client", false)]
    [InlineData("Kube.Client", false)]
    [InlineData("class", false)]
    [InlineData("1Client", false)]
    [InlineData("", false)]
    public void ValidTypeName(string value, bool valid) => Assert.Equal(valid, CSharpNames.IsValidTypeName(value));

    [Fact]
    public void UniqueAddsTheLowestFreeNumber()
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { "Pod", "Pod2" };

        Assert.Equal("Pod3", CSharpNames.Unique("Pod", taken));
        Assert.Equal("Pod4", CSharpNames.Unique("Pod", taken));
        Assert.Equal("Node", CSharpNames.Unique("Node", taken));
        Assert.Equal(new[] { "Node", "Pod", "Pod2", "Pod3", "Pod4" }, taken.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void UniqueRespectsTheSetsComparer()
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "GadgetAB" };

        Assert.Equal("GadgetAb2", CSharpNames.Unique("GadgetAb", taken));
    }

    // ---- DefinitionNamer ----------------------------------------------------------------------

    [Theory]
    [InlineData("io.k8s.api.core.v1.Pod", "CoreV1", "Pod")]
    [InlineData("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "MetaV1", "ObjectMeta")]
    [InlineData("io.k8s.api.networking.v1beta1.IPAddress", "NetworkingV1beta1", "IPAddress")]
    [InlineData("com.example.stable.v1.CronTab", "StableV1", "CronTab")]
    [InlineData("io.k8s.apimachinery.pkg.version.Info", "Version", "Info")]
    public void DefinitionNamesFollowClientGoPackageAliases(string definition, string ns, string type)
    {
        var namer = new DefinitionNamer(new[] { definition }, Array.Empty<string>());

        Assert.Equal(ns, namer.NamespaceOf(definition));
        Assert.Equal(type, DefinitionNamer.TypeNameOf(definition));
    }

    [Fact]
    public void DefinitionPackagesThatWouldShareANamespaceGetLongerNames()
    {
        // Kubernetes' own packages are named first, so a CRD never takes their short names.
        var namer = new DefinitionNamer(new[] { "com.example.core.v1.Widget", "io.k8s.api.core.v1.Pod", "com.Example.Core.v1.Gizmo" }, Array.Empty<string>());

        Assert.Equal("CoreV1", namer.NamespaceOf("io.k8s.api.core.v1.Pod"));
        var crdNamespaces = new[] { namer.NamespaceOf("com.example.core.v1.Widget"), namer.NamespaceOf("com.Example.Core.v1.Gizmo") };
        Assert.DoesNotContain("CoreV1", crdNamespaces);
        Assert.Equal(2, crdNamespaces.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
