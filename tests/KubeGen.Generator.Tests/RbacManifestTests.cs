using KubeGen.Generator.Emit;

namespace KubeGen.Generator.Tests;

public sealed class RbacManifestTests
{
    [Theory]
    [InlineData("PodLister.Kube", "KubeClient", "podlister-kube")]
    [InlineData("My_Company.Operators.Kubernetes", "KubeClient", "my-company-operators-kubernetes")]
    [InlineData("App.Kube", "ClusterClient", "app-kube-clusterclient")]
    [InlineData("__A..B__", "KubeClient", "a-b")]
    [InlineData("_", "KubeClient", "kubegen-client")]
    public void Role_names_are_DNS_labels_unique_per_client(string rootNamespace, string clientName, string expected)
    {
        Assert.Equal(expected, KubeGen.Generator.Modeling.RbacRules.RoleName(rootNamespace, clientName));
    }

    [Fact]
    public void Role_names_are_cut_to_63_characters_without_a_trailing_dash()
    {
        string name = KubeGen.Generator.Modeling.RbacRules.RoleName(new string('a', 62) + ".Kube", "KubeClient");

        Assert.Equal(new string('a', 62), name);
    }
}
