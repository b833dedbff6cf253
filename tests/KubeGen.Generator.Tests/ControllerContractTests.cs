using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KubeGen.Generator.Tests;

/// <summary>
/// The controller runtime's interfaces on generated code: which types and clients implement them, decided from the
/// spec's shapes and the selection, checked on the compiled symbols rather than on text.
/// </summary>
public sealed class ControllerContractTests
{
    private static GenerationResult Generate(string resources)
    {
        var result = GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.Fixture("mini-cluster.swagger.json"), resources, "Contract.Kube"));
        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        return result;
    }

    private static INamedTypeSymbol Type(GenerationResult result, string name)
        => result.Compilation.GetTypeByMetadataName("Contract.Kube." + name) ?? throw new Xunit.Sdk.XunitException($"{name} was not generated");

    private static List<string> Interfaces(GenerationResult result, string name)
        => Type(result, name).AllInterfaces.Select(i => i.ToDisplayString()).Order(StringComparer.Ordinal).ToList();

    private static bool HasMethod(GenerationResult result, string type, string method)
        => Type(result, type).GetMembers(method).Any(m => m.DeclaredAccessibility == Accessibility.Public);

    [Fact]
    public void Metadata_owner_references_and_every_conditions_item_implement_the_controller_interfaces()
    {
        var result = Generate("deployments.apps:get;pods:get;crontabs.stable.example.com:get");

        Assert.Contains("KubeGen.Runtime.IKubeControllerMetadata", Interfaces(result, "MetaV1.ObjectMeta"));
        Assert.Contains("KubeGen.Runtime.IKubeOwnerReference", Interfaces(result, "MetaV1.OwnerReference"));
        foreach (var condition in new[] { "AppsV1.DeploymentCondition", "CoreV1.PodCondition", "StableV1.CronTabStatusConditionsItem" })
        {
            Assert.Contains("KubeGen.Runtime.IKubeCondition", Interfaces(result, condition));
        }

        // Not a condition: the status that holds them, and a type merely having "type" and "status" strings elsewhere.
        Assert.DoesNotContain("KubeGen.Runtime.IKubeCondition", Interfaces(result, "AppsV1.DeploymentStatus"));
        Assert.Contains("KubeGen.Runtime.IApplyConfiguration<Contract.Kube.AppsV1.Deployment>", Interfaces(result, "AppsV1.Deployment"));
        Assert.DoesNotContain(Interfaces(result, "AppsV1.DeploymentSpec"), i => i.StartsWith("KubeGen.Runtime.IApplyConfiguration", StringComparison.Ordinal));
    }

    [Fact]
    public void A_condition_without_observedGeneration_reads_it_as_null()
    {
        var crontabCondition = Generate("crontabs.stable.example.com:get").Source("Contract.Kube.StableV1.CronTabStatusConditionsItem.g.cs");

        Assert.Contains("long? global::KubeGen.Runtime.IKubeCondition.ObservedGeneration { get => null; set { } }", crontabCondition);
        Assert.Contains("string global::KubeGen.Runtime.IKubeCondition.Type { get => Type ?? string.Empty; set => Type = value; }", crontabCondition);
    }

    [Fact]
    public void A_client_with_get_and_patch_is_an_object_client_and_applies()
    {
        var result = Generate("deployments.apps:get,patch;configmaps:get,patch;pods:get,list");

        Assert.Contains("KubeGen.Runtime.IKubeObjectClient<Contract.Kube.AppsV1.Deployment>", Interfaces(result, "AppsV1.DeploymentsClient"));
        Assert.True(HasMethod(result, "AppsV1.DeploymentsClient", "ApplyAsync"));
        Assert.True(HasMethod(result, "AppsV1.DeploymentsClient", "ApplyStatusAsync"));
        Assert.True(HasMethod(result, "CoreV1.ConfigMapsClient", "ApplyAsync"));
        Assert.False(HasMethod(result, "CoreV1.ConfigMapsClient", "ApplyStatusAsync")); // no status subresource

        // Without patch there is nothing to apply with: no interface, no ApplyAsync.
        Assert.Empty(Interfaces(result, "CoreV1.PodsClient"));
        Assert.False(HasMethod(result, "CoreV1.PodsClient", "ApplyAsync"));
    }

    [Fact]
    public void Force_is_sent_only_with_an_apply_patch()
    {
        var deployments = Generate("deployments.apps:get,patch").Source("Contract.Kube.KubeClient.AppsV1.DeploymentsClient.g.cs");

        Assert.Contains("Force = patch.Type == global::KubeGen.Runtime.KubePatchType.ApplyPatch ? apply.Force : null", deployments);
        Assert.Contains("KubeGen.Runtime.IKubeObjectClient<global::Contract.Kube.AppsV1.Deployment>.PatchStatusAsync(", deployments);
    }

    [Theory]
    [InlineData("events.events.k8s.io:create,patch;events:create,patch", "EventsV1", "EventsV1.Events")]
    [InlineData("events:create,patch", "CoreV1", "CoreV1.Events")]
    public void The_event_sink_prefers_events_k8s_io_and_falls_back_to_core(string resources, string sink, string client)
    {
        var root = Generate(resources).Source("Contract.Kube.KubeClient.g.cs");

        Assert.Contains($"global::KubeGen.Runtime.EventSinks.{sink}(", root);
        Assert.Contains($"=> {client}.CreateAsync(ns, e, cancellationToken: ct)", root);
    }

    [Theory]
    [InlineData("events.events.k8s.io:create")]
    [InlineData("events:patch")]
    [InlineData("configmaps")]
    public void No_event_sink_without_create_and_patch_of_events(string resources)
    {
        var result = Generate(resources);

        Assert.False(HasMethod(result, "KubeClient", "CreateEventSink"));
    }

    [Fact]
    public void A_finalizers_entry_grants_update_on_the_owners_finalizers_and_generates_no_call()
    {
        var result = Generate("crontabs.stable.example.com:get,list,watch,patch;crontabs.stable.example.com/finalizers");
        var rbac = result.Source("rbac.g.cs");

        Assert.Contains("  resources: [\"crontabs/finalizers\"]\n  verbs: [\"update\"]", rbac);
        Assert.DoesNotContain(Type(result, "StableV1.CronTabsClient").GetMembers(), m => m.Name.Contains("Finalizer", StringComparison.Ordinal));
        Assert.DoesNotContain("crontabs/finalizers", Generate("crontabs.stable.example.com:get,patch").Source("rbac.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_finalizers_entry_with_another_verb_is_KGEN0005_and_grants_nothing()
    {
        var result = GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.Fixture("mini-cluster.swagger.json"), "crontabs.stable.example.com:get;crontabs.stable.example.com/finalizers:delete", "Contract.Kube"));

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("KGEN0005", diagnostic.Id);
        Assert.Contains("update", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain("finalizers", result.Source("rbac.g.cs"), StringComparison.Ordinal);
    }
}
