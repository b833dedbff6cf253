using System.Collections.Immutable;
using System.Text.RegularExpressions;
using KubeGen.Generator.Diagnostics;
using KubeGen.Generator.Model;
using KubeGen.Generator.Mapping;
using KubeGen.Generator.Modeling;
using KubeGen.Generator.Naming;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Pipeline;
using KubeGen.Generator.Selection;
using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace KubeGen.Generator.Tests;

/// <summary>
/// One test per bad input: the exact diagnostic (id, severity, message naming the concrete
/// thing, location), that the generator never throws, that nothing is emitted for a spec that
/// cannot be used, and that the code still compiles when the problem is only a warning.
/// </summary>
public sealed class DiagnosticsTests
{
    private const string SelectorHint = ". Expected 'plural[.group][/version][/subresource][:verb,verb]' entries separated by ';'";

    private static string Cluster => TestPaths.Fixture("mini-cluster.swagger.json");

    private static string Broken(string name) => TestPaths.Fixture(Path.Combine("broken", name));

    // ---- The spec itself: fatal, nothing is generated -------------------------------------

    [Fact]
    public void MissingSpecFileIsKGEN0001()
    {
        const string path = "/nonexistent/openapi/cluster.json";
        var result = Generate(new KubernetesApiItem(path, Text: null, "pods"));

        var diagnostic = Only(result, "KGEN0001", DiagnosticSeverity.Error);
        Assert.Equal($"The OpenAPI spec '{path}' of a KubernetesApi item cannot be read: the file does not exist or cannot be opened", diagnostic.GetMessage());
        AssertInFile(diagnostic, path);
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void SpecThatThrowsWhenReadIsKGEN0001WithTheReason()
    {
        const string path = "/mnt/unreadable/cluster.json";
        var item = new KubernetesApiItem(path, Text: null, "pods");
        var driver = CSharpGeneratorDriver.Create(
            new[] { new KubernetesApiGenerator().AsSourceGenerator() },
            ImmutableArray.Create<AdditionalText>(new ThrowingAdditionalText(path, new IOException("Permission denied"))),
            GeneratorHarness.ParseOptions,
            GeneratorHarness.CreateOptions(item),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var result = Run(driver);

        var diagnostic = Only(result, "KGEN0001", DiagnosticSeverity.Error);
        Assert.Equal($"The OpenAPI spec '{path}' of a KubernetesApi item cannot be read: Permission denied", diagnostic.GetMessage());
        AssertInFile(diagnostic, path);
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void EmptySpecIsKGEN0002()
    {
        var path = Broken("empty.json");
        var result = Generate(KubernetesApiItem.FromFile(path, "pods"));

        var diagnostic = Only(result, "KGEN0002", DiagnosticSeverity.Error);
        Assert.Equal($"The OpenAPI spec '{path}' is not valid JSON: the file is empty", diagnostic.GetMessage());
        AssertInFile(diagnostic, path);
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void WhitespaceOnlySpecIsKGEN0002()
    {
        const string path = "/specs/blank.json";
        var result = Generate(new KubernetesApiItem(path, "  \r\n\t\n", "pods"));

        var diagnostic = Only(result, "KGEN0002", DiagnosticSeverity.Error);
        Assert.EndsWith("is not valid JSON: the file is empty", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void InvalidJsonIsKGEN0002AtTheLineAndColumnOfTheError()
    {
        // Fixtures/broken/not-json.json line 3: {"title": "Kubernetes" "version": ...} (a missing ',').
        var path = Broken("not-json.json");
        var result = Generate(KubernetesApiItem.FromFile(path, "pods"));

        var diagnostic = Only(result, "KGEN0002", DiagnosticSeverity.Error);
        Assert.Equal(
            $"The OpenAPI spec '{path}' is not valid JSON: '\"' is invalid after a value. Expected either ',', '}}', or ']' (line 3, column 34)",
            diagnostic.GetMessage());

        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(path, span.Path);
        Assert.Equal(new LinePosition(2, 33), span.StartLinePosition); // 0-based: line 3, column 34
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void JsonThatIsNotOpenApiIsKGEN0003()
    {
        // The output of `kubectl get --raw /api`.
        var path = Broken("not-openapi.json");
        var result = Generate(KubernetesApiItem.FromFile(path, "pods"));

        var diagnostic = Only(result, "KGEN0003", DiagnosticSeverity.Error);
        Assert.Equal(
            $"'{path}' is not an OpenAPI document: it has neither \"swagger\": \"2.0\" nor \"openapi\": \"3.x\". Fetch it with 'kubectl get --raw /openapi/v2' or a '/openapi/v3/apis/<group>/<version>' document.",
            diagnostic.GetMessage());
        AssertInFile(diagnostic, path);
        Assert.Empty(result.Sources);
    }

    [Theory]
    [InlineData("[{\"swagger\": \"2.0\"}]", "the top-level value is a JSON array, not an object")]
    [InlineData("\"swagger\"", "the top-level value is a JSON string, not an object")]
    [InlineData("{\"swagger\": \"1.2\", \"paths\": {}}", "it has neither \"swagger\": \"2.0\" nor \"openapi\": \"3.x\"")]
    [InlineData("{\"swagger\": 2.0, \"paths\": {}}", "it has neither \"swagger\": \"2.0\" nor \"openapi\": \"3.x\"")]
    [InlineData("{\"swagger\": \"2.0\", \"info\": {}}", "it has no \"paths\" object")]
    [InlineData("{\"openapi\": \"3.0.0\", \"paths\": []}", "it has no \"paths\" object")]
    public void OtherDocumentsThatAreNotOpenApiAreKGEN0003(string text, string reason)
    {
        const string path = "/specs/other.json";
        var result = Generate(new KubernetesApiItem(path, text, "pods"));

        var diagnostic = Only(result, "KGEN0003", DiagnosticSeverity.Error);
        Assert.StartsWith($"'{path}' is not an OpenAPI document: {reason}. Fetch it with", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void SpecWithoutResourceOperationsIsKGEN0013AndStillCompiles()
    {
        // Only /version/: valid Swagger 2.0, but nothing a client could talk to.
        var path = Broken("no-resources.swagger.json");
        var result = Generate(KubernetesApiItem.FromFile(path, resources: null));

        var diagnostic = Only(result, "KGEN0013", DiagnosticSeverity.Warning);
        Assert.Equal($"The spec '{path}' has no Kubernetes resource operations (no paths with x-kubernetes-action); no client members are generated", diagnostic.GetMessage());
        AssertInFile(diagnostic, path);
        AssertCompiles(result);
        // The client root, and its (empty) RBAC manifest.
        Assert.Equal(new[] { "Test.Kube.KubeClient.g.cs", "KubeGen.rbac.g.cs" }, result.Sources.Select(s => s.HintName));
    }

    [Fact]
    public void MalformedSpecStructureIsADiagnosticNotACrash()
    {
        // Strings, numbers and arrays where the spec format wants objects and strings.
        var path = Broken("odd-shapes.swagger.json");
        foreach (var resources in new[] { null, "things", "gizmos;things:get,update" })
        {
            var result = Generate(KubernetesApiItem.FromFile(path, resources));

            var diagnostic = Only(result, "KGEN0014", DiagnosticSeverity.Error);
            Assert.StartsWith($"KubeGen failed unexpectedly while reading the spec '{path}': InvalidOperationException: ", diagnostic.GetMessage(), StringComparison.Ordinal);
            Assert.EndsWith("Please report this with the spec that caused it.", diagnostic.GetMessage(), StringComparison.Ordinal);
            AssertInFile(diagnostic, path);
            Assert.Empty(result.Sources);
        }
    }

    [Fact]
    public void UnexpectedFailureWhileBuildingTheModelIsKGEN0014()
    {
        // A catalog whose index points at a string where the path item should be: the reader never
        // builds one, so the model builder fails internally when it asks for the operation.
        var document = new SpecDocument(System.Text.Encoding.UTF8.GetBytes("\"not a path item\""));
        var pods = new CatalogResource(string.Empty, "v1", "pods") { Kind = "Pod", Namespaced = true };
        pods.Operations.Add(new CatalogOperation("get", "get", KubeGen.Shared.KubeApiPath.ParseTemplate("/api/v1/namespaces/{namespace}/pods/{name}", out _)!, document, new JsonSlice(0, 17)));
        var catalog = new SpecCatalog("/specs/cluster.json", "0:0", SpecFormat.Swagger2, document, ImmutableArray.Create(pods), ImmutableArray<DiagnosticInfo>.Empty);
        var cluster = new ClusterRequest(string.Empty, new[] { catalog.Path }.ToImmutableEquatableArray(), ImmutableEquatableArray<string>.Empty);
        var request = new ClientRequest("Test.Kube", "KubeClient", new[] { cluster }.ToImmutableEquatableArray(), new[] { string.Empty }.ToImmutableEquatableArray());

        var result = ModelBuilder.Build(request, new[] { catalog }, TestContext.Current.CancellationToken);

        Assert.Null(result.Model);
        var diagnostic = Assert.Single(result.Diagnostics).ToDiagnostic();
        Assert.Equal("KGEN0014", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.StartsWith("KubeGen failed unexpectedly while generating client 'KubeClient': InvalidOperationException: ", diagnostic.GetMessage(), StringComparison.Ordinal);
        AssertInFile(diagnostic, "/specs/cluster.json");
    }

    // ---- The selection ----------------------------------------------------------------------

    [Theory]
    [InlineData("podz", "; did you mean 'pods'?")]
    [InlineData("pods.apps", "; did you mean 'pods'?")]
    [InlineData("leasez.coordination.k8s.io", "; did you mean 'leases.coordination.k8s.io'?")]
    [InlineData("deploymnets", "; did you mean 'deployments.apps'?")]
    [InlineData("ipadresses", "; did you mean 'ipaddresses.networking.k8s.io'?")]
    [InlineData("pods/v2", "; did you mean 'pods'?")]
    [InlineData("frobnicators", "")]
    public void UnknownResourceIsKGEN0004WithTheClosestNames(string entry, string suggestion)
    {
        var result = Generate(KubernetesApiItem.FromFile(Cluster, entry + ";configmaps"));

        var diagnostic = Only(result, "KGEN0004", DiagnosticSeverity.Error);
        Assert.Equal($"The resource '{entry}' selected for client 'KubeClient' is not served by the spec{suggestion}", diagnostic.GetMessage());
        AssertInFile(diagnostic, Cluster);

        // The rest of the selection is still generated.
        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.CoreV1.ConfigMapsClient"));
    }

    [Fact]
    public void UnknownResourceNamesTheClient()
    {
        var result = Generate(KubernetesApiItem.FromFile(Cluster, "podz", clientName: "ClusterClient"));

        var diagnostic = Only(result, "KGEN0004", DiagnosticSeverity.Error);
        Assert.Equal("The resource 'podz' selected for client 'ClusterClient' is not served by the spec; did you mean 'pods'?", diagnostic.GetMessage());
        Assert.DoesNotContain(result.Sources, s => s.HintName.Contains("PodsClient", StringComparison.Ordinal));
    }

    [Fact]
    public void VerbTheSpecDoesNotServeIsKGEN0005()
    {
        // The fixture's Namespace has no deletecollection (as upstream).
        var result = Generate(KubernetesApiItem.FromFile(Cluster, "namespaces:get,deletecollection"));

        var diagnostic = Only(result, "KGEN0005", DiagnosticSeverity.Error);
        Assert.Equal(
            "The verb 'deletecollection' selected for 'namespaces:get,deletecollection' is not served by the spec; available verbs: get, list, watch, create, update, patch, delete",
            diagnostic.GetMessage());
        AssertInFile(diagnostic, Cluster);

        AssertCompiles(result);
        var methods = MethodNames(result, "Test.Kube.CoreV1.NamespacesClient");
        Assert.Contains("GetAsync", methods);
        Assert.DoesNotContain("DeleteCollectionAsync", methods);
        Assert.DoesNotContain("ListAsync", methods);
    }

    [Theory]
    [InlineData("pods:frobnicate", "unknown verb 'frobnicate' (known: get, list, watch, create, update, patch, delete, deletecollection)")]
    [InlineData("pods:get,escalate", "unknown verb 'escalate' (known: get, list, watch, create, update, patch, delete, deletecollection)")]
    [InlineData("pods:", "no verbs after ':'")]
    [InlineData("pods: , ", "no verbs after ':'")]
    [InlineData(".apps", "the resource name is missing")]
    [InlineData("pod_s", "'pod_s' is not a valid resource name")]
    [InlineData("deployments.apps/v1.0", "'v1.0' is not a valid version or subresource")]
    [InlineData("deployments./v1", "'' is not a valid API group")]
    [InlineData("deployments.ap ps", "'ap ps' is not a valid API group")]
    public void InvalidSelectorEntryIsKGEN0010WithTheProblem(string entry, string problem)
    {
        var result = Generate(KubernetesApiItem.FromFile(Cluster, entry + ";configmaps"));

        var diagnostic = Only(result, "KGEN0010", DiagnosticSeverity.Error);
        Assert.Equal($"The Resources selector entry '{entry.Trim()}' is invalid: {problem}{SelectorHint}", diagnostic.GetMessage());
        AssertInFile(diagnostic, Cluster);

        // The valid entries are still generated; the invalid one selects nothing.
        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.CoreV1.ConfigMapsClient"));
        Assert.Null(result.Compilation.GetTypeByMetadataName("Test.Kube.CoreV1.PodsClient"));
    }

    [Theory]
    [InlineData("horizontalpodautoscalers.autoscaling", "v2, v1", "autoscaling/v2", "horizontalpodautoscalers.autoscaling/v1", "AutoscalingV2", "AutoscalingV1", "HorizontalPodAutoscaler")]
    [InlineData("horizontalpodautoscalers", "v2, v1", "autoscaling/v2", "horizontalpodautoscalers.autoscaling/v1", "AutoscalingV2", "AutoscalingV1", "HorizontalPodAutoscaler")]
    [InlineData("ipaddresses", "v1, v1beta1", "networking.k8s.io/v1", "ipaddresses.networking.k8s.io/v1beta1", "NetworkingV1", "NetworkingV1beta1", "IPAddress")]
    public void ResourceInSeveralVersionsIsKGEN0006NamingTheChosenVersion(string entry, string versions, string chosen, string other, string chosenNamespace, string otherNamespace, string kind)
    {
        var result = Generate(KubernetesApiItem.FromFile(Cluster, entry));

        var diagnostic = Only(result, "KGEN0006", DiagnosticSeverity.Info);
        Assert.Equal($"'{entry}' is served in several versions ({versions}); using {chosen}. Write '{other}' to pick another version explicitly.", diagnostic.GetMessage());
        AssertInFile(diagnostic, Cluster);

        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName($"Test.Kube.{chosenNamespace}.{kind}"));
        Assert.Null(result.Compilation.GetTypeByMetadataName($"Test.Kube.{otherNamespace}.{kind}"));
        Assert.Contains(chosenNamespace, PropertyNames(result, "Test.Kube.KubeClient"));
        Assert.DoesNotContain(otherNamespace, PropertyNames(result, "Test.Kube.KubeClient"));
    }

    [Theory]
    [InlineData("horizontalpodautoscalers.autoscaling/v1", "AutoscalingV1", "AutoscalingV2", "HorizontalPodAutoscaler")]
    [InlineData("horizontalpodautoscalers.autoscaling/v2", "AutoscalingV2", "AutoscalingV1", "HorizontalPodAutoscaler")]
    [InlineData("ipaddresses.networking.k8s.io/v1beta1", "NetworkingV1beta1", "NetworkingV1", "IPAddress")]
    public void ExplicitVersionIsUsedWithoutKG0006(string entry, string chosenNamespace, string otherNamespace, string kind)
    {
        var result = Generate(KubernetesApiItem.FromFile(Cluster, entry));

        Assert.Empty(result.GeneratorDiagnostics);
        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName($"Test.Kube.{chosenNamespace}.{kind}"));
        Assert.Null(result.Compilation.GetTypeByMetadataName($"Test.Kube.{otherNamespace}.{kind}"));
        Assert.Equal(new[] { chosenNamespace }, PropertyNames(result, "Test.Kube.KubeClient").Where(p => p.Contains('V')));
    }

    [Fact]
    public void NameInSeveralGroupsWithoutCoreIsKGEN0007()
    {
        // widgets in a.example.com/v1 and b.example.com/v1.
        var path = Broken("ambiguous-groups.swagger.json");
        var result = Generate(KubernetesApiItem.FromFile(path, "widgets"));

        var diagnostic = Only(result, "KGEN0007", DiagnosticSeverity.Error);
        Assert.Equal("'widgets' matches resources in several API groups (a.example.com, b.example.com); add the group, e.g. 'widgets.a.example.com'", diagnostic.GetMessage());
        AssertInFile(diagnostic, path);
        Assert.DoesNotContain(result.Sources, s => s.HintName.Contains("WidgetsClient", StringComparison.Ordinal));
    }

    [Fact]
    public void NameInSeveralGroupsIsFineWithTheGroup()
    {
        var result = Generate(KubernetesApiItem.FromFile(Broken("ambiguous-groups.swagger.json"), "widgets.b.example.com"));

        Assert.Empty(result.GeneratorDiagnostics);
        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.BV1.WidgetsClient"));
        Assert.Null(result.Compilation.GetTypeByMetadataName("Test.Kube.AV1.WidgetsClient"));
    }

    [Theory]
    [InlineData("events")]
    [InlineData("event")]
    public void BareNameInCoreAndAnotherGroupResolvesToCoreWithoutDiagnostic(string entry)
    {
        // core/v1 Event and events.k8s.io/v1 Event: like kubectl, the core group wins.
        var result = Generate(KubernetesApiItem.FromFile(Cluster, entry));

        Assert.Empty(result.GeneratorDiagnostics);
        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.CoreV1.EventsClient"));
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.CoreV1.Event"));
        Assert.Equal(new[] { "CoreV1" }, PropertyNames(result, "Test.Kube.KubeClient").Where(p => p.Contains('V')));
        Assert.DoesNotContain(result.Sources, s => s.HintName.Contains("EventsV1", StringComparison.Ordinal));
    }

    [Fact]
    public void EventsOfTheOtherGroupNeedTheGroup()
    {
        var result = Generate(KubernetesApiItem.FromFile(Cluster, "events.events.k8s.io"));

        Assert.Empty(result.GeneratorDiagnostics);
        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.EventsV1.EventsClient"));
        Assert.Null(result.Compilation.GetTypeByMetadataName("Test.Kube.CoreV1.EventsClient"));
    }

    [Fact]
    public void ConnectKindsWithoutDefinitionsProduceNoDiagnostic()
    {
        // pods/attach, exec, portforward, proxy name PodAttachOptions etc., which have no definition.
        var result = Generate(KubernetesApiItem.FromFile(Cluster, "pods;services;nodes"));

        Assert.Empty(result.GeneratorDiagnostics);
        AssertCompiles(result);
        Assert.DoesNotContain(result.Compilation.SyntaxTrees, t => t.ToString().Contains("ProxyOptions", StringComparison.Ordinal) || t.ToString().Contains("PodExecOptions", StringComparison.Ordinal));
    }

    // ---- Item metadata ----------------------------------------------------------------------

    [Theory]
    [InlineData("My Kube")]
    [InlineData("1abc")]
    [InlineData("class")]
    [InlineData("My.class.Kube")]
    [InlineData("My..Kube")]
    [InlineData("My.Kube.")]
    [InlineData("My-Kube")]
    public void InvalidNamespaceIsKGEN0012(string ns)
    {
        var result = Generate(KubernetesApiItem.FromFile(Cluster, "pods", ns));

        var diagnostic = Only(result, "KGEN0012", DiagnosticSeverity.Error);
        Assert.Equal($"The Namespace '{ns}' of a KubernetesApi item is not a valid C# namespace", diagnostic.GetMessage());
        AssertInFile(diagnostic, Cluster);
        Assert.Empty(result.Sources);
    }

    [Theory]
    [InlineData("my-client")]
    [InlineData("class")]
    [InlineData("Kube.Client")]
    [InlineData("1Client")]
    [InlineData("Kube Client")]
    public void InvalidClientNameIsKGEN0012(string clientName)
    {
        var result = Generate(KubernetesApiItem.FromFile(Cluster, "pods", clientName: clientName));

        var diagnostic = Only(result, "KGEN0012", DiagnosticSeverity.Error);
        Assert.Equal($"The ClientName '{clientName}' of a KubernetesApi item is not a valid C# type name", diagnostic.GetMessage());
        AssertInFile(diagnostic, Cluster);
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void TwoClientNamesInOneNamespaceAreKGEN0016AndNeitherIsGenerated()
    {
        var coordination = TestPaths.Fixture("mini-coordination-v1.openapi3.json");
        var result = Generate(
            KubernetesApiItem.FromFile(Cluster, "pods", "Same.Kube", "ClientA"),
            KubernetesApiItem.FromFile(coordination, "leases.coordination.k8s.io", "Same.Kube", "ClientB"));

        var diagnostic = Only(result, "KGEN0016", DiagnosticSeverity.Error);
        Assert.Equal(
            "The clients ClientA, ClientB are generated into the same namespace 'Same.Kube', so their model types would collide; give each KubernetesApi client its own Namespace (or the same ClientName to merge them)",
            diagnostic.GetMessage());
        AssertInFile(diagnostic, Cluster);
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void NamespacesThatDifferOnlyInCaseAreKGEN0016()
    {
        // Generated file (hint) names are case-insensitive, so these would collide too.
        var result = Generate(
            KubernetesApiItem.FromFile(Cluster, "pods", "Same.Kube"),
            new KubernetesApiItem("/specs/copy.json", File.ReadAllText(Cluster), "configmaps", "same.kube"));

        var diagnostic = Only(result, "KGEN0016", DiagnosticSeverity.Error);
        Assert.Equal(
            "The clients Same.Kube.KubeClient, same.kube.KubeClient are generated into the same namespace 'Same.Kube', so their model types would collide; give each KubernetesApi client its own Namespace (or the same ClientName to merge them)",
            diagnostic.GetMessage());
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void ClientsInDifferentNamespacesAreIndependent()
    {
        var coordination = TestPaths.Fixture("mini-coordination-v1.openapi3.json");
        var result = Generate(
            KubernetesApiItem.FromFile(Cluster, "pods:get", "First.Kube", "ClientA"),
            KubernetesApiItem.FromFile(coordination, "leases.coordination.k8s.io", "Second.Kube", "ClientB"),
            new KubernetesApiItem("/specs/third.json", File.ReadAllText(Cluster), "broken-entry:", "Third.Kube", "ClientC"));

        // The third client's problem is its own; the others are generated and compile.
        var diagnostic = Only(result, "KGEN0010", DiagnosticSeverity.Error);
        Assert.StartsWith("The Resources selector entry 'broken-entry:' is invalid", diagnostic.GetMessage(), StringComparison.Ordinal);
        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("First.Kube.CoreV1.PodsClient"));
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Second.Kube.CoordinationV1.LeasesClient"));
    }

    [Fact]
    public void ItemsOfOneClientWithDifferentSelectorsAreKGEN0015AndTheUnionIsUsed()
    {
        var apps = TestPaths.Fixture("mini-apps-v1.openapi3.json");
        var coordination = TestPaths.Fixture("mini-coordination-v1.openapi3.json");
        var result = Generate(
            KubernetesApiItem.FromFile(apps, "deployments.apps:get"),
            KubernetesApiItem.FromFile(coordination, "leases.coordination.k8s.io:get"));

        var diagnostic = Only(result, "KGEN0015", DiagnosticSeverity.Warning);
        Assert.Equal("The KubernetesApi items of client 'KubeClient' have different Resources selectors; their union is used", diagnostic.GetMessage());
        AssertInFile(diagnostic, apps);

        AssertCompiles(result);
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.AppsV1.DeploymentsClient"));
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.CoordinationV1.LeasesClient"));
    }

    [Fact]
    public void ItemsOfOneClientWithTheSameEntriesInAnotherOrderAgree()
    {
        var result = Generate(
            KubernetesApiItem.FromFile(TestPaths.Fixture("mini-apps-v1.openapi3.json"), "deployments.apps:get;leases.coordination.k8s.io:get"),
            KubernetesApiItem.FromFile(TestPaths.Fixture("mini-coordination-v1.openapi3.json"), " leases.coordination.k8s.io:get ; deployments.apps:get;"));

        Assert.Empty(result.GeneratorDiagnostics);
        AssertCompiles(result);
    }

    // ---- Schemas: warnings, the code still compiles -----------------------------------------

    [Fact]
    public void MissingDefinitionIsKGEN0011AndTheValueIsRawJson()
    {
        // io.k8s.api.core.v1.Pod.spec is $ref io.k8s.api.core.v1.PodSpec, which is not defined.
        var path = Broken("missing-ref.swagger.json");
        var result = Generate(KubernetesApiItem.FromFile(path, "pods"));

        var diagnostic = Only(result, "KGEN0011", DiagnosticSeverity.Warning);
        Assert.Equal(
            "'io.k8s.api.core.v1.Pod.spec' references 'io.k8s.api.core.v1.PodSpec', which the spec does not define; the value is exposed as raw JSON (System.Text.Json.JsonElement)",
            diagnostic.GetMessage());
        AssertInFile(diagnostic, path);

        AssertCompiles(result);
        Assert.Equal("System.Text.Json.JsonElement?", PropertyType(result, "Test.Kube.CoreV1.Pod", "Spec"));
        Assert.NotNull(result.Compilation.GetTypeByMetadataName("Test.Kube.CoreV1.PodsClient"));
    }

    [Fact]
    public void UnmappableSchemaIsKGEN0009AndThePropertyIsRawJson()
    {
        // com.example.upload.v1.Bundle.payload has `type: file`.
        var path = Broken("unmappable.swagger.json");
        var result = Generate(KubernetesApiItem.FromFile(path, "bundles.upload.example.com"));

        var diagnostic = Only(result, "KGEN0009", DiagnosticSeverity.Warning);
        Assert.Equal(
            "The schema of 'com.example.upload.v1.Bundle.payload' cannot be mapped to a C# type (type 'file'); it is exposed as raw JSON (System.Text.Json.JsonElement)",
            diagnostic.GetMessage());
        AssertInFile(diagnostic, path);

        AssertCompiles(result);
        Assert.Equal("System.Text.Json.JsonElement?", PropertyType(result, "Test.Kube.UploadV1.Bundle", "Payload"));
        Assert.Equal("long?", PropertyType(result, "Test.Kube.UploadV1.Bundle", "Size"));
    }

    [Fact]
    public void NameCollisionsAreKGEN0008AndEveryNameStaysDistinct()
    {
        // Gadget: "foo-bar" and "fooBar" are both FooBar; the inline "part" would be GadgetPart like
        // the definition GadgetPart; the inline "aB" and "ab" are GadgetAB and GadgetAb, which differ
        // only in case (hint names, like Windows and macOS file names, ignore case).
        var path = Broken("name-collision.swagger.json");
        var result = Generate(KubernetesApiItem.FromFile(path, "gadgets.collide.example.com"));

        Assert.All(result.GeneratorDiagnostics, d =>
        {
            Assert.Equal("KGEN0008", d.Id);
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            AssertInFile(d, path);
        });
        Assert.Equal(
            new[]
            {
                "Property 'com.example.collide.v1.Gadget.fooBar' collides with another generated name; it is emitted as 'FooBar2'",
                "Type 'com.example.collide.v1.Gadget.ab' collides with another generated name; it is emitted as 'CollideV1.GadgetAb2'",
                "Type 'com.example.collide.v1.Gadget.part' collides with another generated name; it is emitted as 'CollideV1.GadgetPart2'",
            },
            result.GeneratorDiagnostics.Select(d => d.GetMessage()).Order(StringComparer.Ordinal));

        AssertCompiles(result);
        Assert.Equal("foo-bar", JsonName(result, "Test.Kube.CollideV1.Gadget", "FooBar"));
        Assert.Equal("fooBar", JsonName(result, "Test.Kube.CollideV1.Gadget", "FooBar2"));
        Assert.Equal("Test.Kube.CollideV1.GadgetPart?", PropertyType(result, "Test.Kube.CollideV1.Gadget", "Extra"));
        Assert.Equal("Test.Kube.CollideV1.GadgetPart2?", PropertyType(result, "Test.Kube.CollideV1.Gadget", "Part"));
        Assert.Equal("Test.Kube.CollideV1.GadgetAB?", PropertyType(result, "Test.Kube.CollideV1.Gadget", "AB"));
        Assert.Equal("Test.Kube.CollideV1.GadgetAb2?", PropertyType(result, "Test.Kube.CollideV1.Gadget", "Ab"));
        Assert.Equal(result.Sources.Length, result.Sources.Select(s => s.HintName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    // ---- Documentation ----------------------------------------------------------------------

    [Fact]
    public void EveryDiagnosticIsDocumentedAndReleaseTracked()
    {
        var docs = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "diagnostics.md"));
        var releases = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "src", "KubeGen.Generator", "AnalyzerReleases.Unshipped.md"));
        // Each section heading is the bare id, so its anchor is the lowercase id (diagnostics.md#kgen0004).
        var documented = Regex.Matches(docs, @"^## (KGEN\d{4})\r?$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

        // build/KubeGen.targets reports a few IDs itself (MSBuild errors): they are documented too.
        var targets = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "src", "KubeGen", "build", "KubeGen.targets"));
        var msbuildOnly = Regex.Matches(targets, "Code=\"(KGEN\\d{4})\"").Select(m => m.Groups[1].Value)
            .Except(KubeGenDiagnostics.All.Select(d => d.Id));

        Assert.Equal(KubeGenDiagnostics.All.Select(d => d.Id).Concat(msbuildOnly).Order(StringComparer.Ordinal), documented);
        foreach (var descriptor in KubeGenDiagnostics.All)
        {
            var section = Section(docs, descriptor.Id);
            Assert.Contains($"*{descriptor.Title}*", section, StringComparison.Ordinal);
            Assert.Contains($"**Severity:** {descriptor.DefaultSeverity}", section, StringComparison.Ordinal);
            Assert.Contains($"{descriptor.Id} | KubeGen | {descriptor.DefaultSeverity} | {descriptor.Title}", releases, StringComparison.Ordinal);
            Assert.Equal(KubeGenDiagnostics.HelpLinkBase + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
            Assert.Contains($"[{descriptor.Id}](#{descriptor.Id.ToLowerInvariant()})", docs, StringComparison.Ordinal);
        }
    }

    private static string Section(string docs, string id)
    {
        var start = docs.IndexOf("## " + id, StringComparison.Ordinal);
        var end = docs.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? docs.Substring(start) : docs.Substring(start, end - start);
    }

    // ---- Helpers ----------------------------------------------------------------------------

    /// <summary>Runs the generator; fails if it threw (an exception would surface as CS8785, not a KG diagnostic).</summary>
    private static GenerationResult Generate(params KubernetesApiItem[] items) => Run(GeneratorHarness.CreateDriver(items));

    private static GenerationResult Run(GeneratorDriver driver)
    {
        var compilation = GeneratorHarness.CreateCompilation();
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics, TestContext.Current.CancellationToken);
        var generator = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(generator.Exception);
        Assert.DoesNotContain(driverDiagnostics, d => d.Id == "CS8785");
        Assert.All(generator.Diagnostics, d => Assert.Matches("^KGEN[0-9]{4}$", d.Id));
        return new GenerationResult(
            generator.GeneratedSources,
            driverDiagnostics,
            output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray(),
            (CSharpCompilation)output);
    }

    /// <summary>The only diagnostic, with the expected id and severity.</summary>
    private static Diagnostic Only(GenerationResult result, string id, DiagnosticSeverity severity)
    {
        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(severity, diagnostic.DefaultSeverity);
        return diagnostic;
    }

    private static void AssertInFile(Diagnostic diagnostic, string path)
    {
        Assert.Equal(LocationKind.ExternalFile, diagnostic.Location.Kind);
        Assert.Equal(path, diagnostic.Location.GetLineSpan().Path);
    }

    private static void AssertCompiles(GenerationResult result)
        => Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());

    private static INamedTypeSymbol Type(GenerationResult result, string metadataName)
        => result.Compilation.GetTypeByMetadataName(metadataName) ?? throw new Xunit.Sdk.XunitException($"{metadataName} was not generated");

    private static List<string> MethodNames(GenerationResult result, string metadataName)
        => Type(result, metadataName).GetMembers().OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).Select(m => m.Name).Distinct().ToList();

    private static List<string> PropertyNames(GenerationResult result, string metadataName)
        => Type(result, metadataName).GetMembers().OfType<IPropertySymbol>().Select(p => p.Name).ToList();

    private static string PropertyType(GenerationResult result, string metadataName, string property)
        => Type(result, metadataName).GetMembers(property).OfType<IPropertySymbol>().Single().Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes));

    private static string? JsonName(GenerationResult result, string metadataName, string property)
        => Type(result, metadataName).GetMembers(property).OfType<IPropertySymbol>().Single().GetAttributes()
            .Single(a => a.AttributeClass?.Name == "JsonPropertyNameAttribute").ConstructorArguments[0].Value as string;

    /// <summary>An additional file whose read fails, like a spec on an unreadable mount.</summary>
    private sealed class ThrowingAdditionalText(string path, Exception exception) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => throw exception;
    }
}
