using YamlDotNet.RepresentationModel;

namespace KubeGen.Client.Tests;

/// <summary>
/// The rbac.yaml that build/KubeGen.targets writes next to this project's build output: one Role per
/// client with the namespaced rules, and a ClusterRole for cluster-scoped resources (namespaces here),
/// together exactly the rules each generated client's RbacRules constant names.
/// </summary>
public sealed class RbacManifestTests
{
    private static readonly string ManifestPath = Path.Combine(AppContext.BaseDirectory, "rbac.yaml");

    [Fact]
    public void The_build_output_has_a_Role_per_client_and_a_ClusterRole_for_cluster_scoped_resources()
    {
        List<Role> roles = ReadManifest();

        Assert.Equal(
            ["Role clienttests-kube", "ClusterRole clienttests-kube", "Role clienttests-selection"],
            roles.Select(r => $"{r.Kind} {r.Name}"));
        Assert.Equal(
            ["|namespaces|get,list,watch,create,update,patch,delete", "|namespaces/status|get,update,patch"],
            roles[1].Rules);
        Assert.DoesNotContain(roles[0].Rules, rule => rule.Contains("|namespaces", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_clients_roles_together_hold_exactly_its_RbacRules()
    {
        List<Role> roles = ReadManifest();

        Assert.Equal(
            ClientShapeTests.ParseRules(ClientTests.Kube.KubeClient.RbacRules).Order(StringComparer.Ordinal),
            roles.Where(r => r.Name == "clienttests-kube").SelectMany(r => r.Rules).Order(StringComparer.Ordinal));
        Assert.Equal(
            ClientShapeTests.ParseRules(ClientTests.Selection.KubeClient.RbacRules).Order(StringComparer.Ordinal),
            roles.Single(r => r.Name == "clienttests-selection").Rules.Order(StringComparer.Ordinal));
    }

    private static List<Role> ReadManifest()
    {
        Assert.True(File.Exists(ManifestPath), $"The build wrote no {ManifestPath} (build/KubeGen.targets, KubeGenWriteRbacManifest).");
        var stream = new YamlStream();
        using (var reader = new StreamReader(ManifestPath))
        {
            stream.Load(reader);
        }

        var roles = new List<Role>();
        foreach (YamlDocument document in stream.Documents)
        {
            var root = (YamlMappingNode)document.RootNode;
            Assert.Equal("rbac.authorization.k8s.io/v1", Scalar(root, "apiVersion"));
            var metadata = (YamlMappingNode)root.Children[new YamlScalarNode("metadata")];
            var rules = new List<string>();
            foreach (YamlNode node in (YamlSequenceNode)root.Children[new YamlScalarNode("rules")])
            {
                var rule = (YamlMappingNode)node;
                string group = Assert.Single(Strings(rule, "apiGroups"));
                string resource = Assert.Single(Strings(rule, "resources"));
                rules.Add($"{group}|{resource}|{string.Join(',', Strings(rule, "verbs"))}");
            }

            roles.Add(new Role(Scalar(root, "kind"), Scalar(metadata, "name"), rules));
        }

        return roles;
    }

    private static string Scalar(YamlMappingNode map, string key) => ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value ?? string.Empty;

    private static IEnumerable<string> Strings(YamlMappingNode map, string key)
        => ((YamlSequenceNode)map.Children[new YamlScalarNode(key)]).Select(n => ((YamlScalarNode)n).Value ?? string.Empty);

    private sealed record Role(string Kind, string Name, List<string> Rules);
}
