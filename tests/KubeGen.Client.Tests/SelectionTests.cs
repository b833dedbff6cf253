using System.Reflection;

namespace KubeGen.Client.Tests;

/// <summary>
/// The csproj's second KubernetesApi item: two OpenAPI v3 documents merged into ClientTests.Selection with
/// <c>Resources="deployments.apps;leases.coordination.k8s.io:get,update"</c>, set the way a user sets it: every
/// selector applies (the ';' separators survive the trip through the compiler's .editorconfig), verbs included.
/// </summary>
public sealed class SelectionTests
{
    [Fact]
    public void EverySelectorApplies()
    {
        Type leases = typeof(ClientTests.Selection.CoordinationV1.LeasesClient);

        Assert.Equal(
            ["GetAsync", "ReplaceAsync"],
            leases.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal(typeof(ClientTests.Selection.CoordinationV1.CoordinationV1Client), typeof(ClientTests.Selection.KubeClient).GetProperty("CoordinationV1")!.PropertyType);
        Assert.Contains("DeleteCollectionAsync", typeof(ClientTests.Selection.AppsV1.DeploymentsClient).GetMethods().Select(m => m.Name));
    }

    [Fact]
    public void RbacRulesFollowTheSelection()
    {
        Assert.Equal(
            new[]
            {
                "apps|deployments|get,list,watch,create,update,patch,delete,deletecollection",
                "apps|deployments/scale|get,update,patch",
                "apps|deployments/status|get,update,patch",
                "coordination.k8s.io|leases|get,update",
            },
            ClientShapeTests.ParseRules(ClientTests.Selection.KubeClient.RbacRules));
    }
}
