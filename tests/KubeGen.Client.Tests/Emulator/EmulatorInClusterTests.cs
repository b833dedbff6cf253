using ClientTests.Kube;
using ClientTests.Kube.CoreV1;
using KubeGen.Runtime;
using KubeGen.Testing;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.Emulator;

/// <summary>
/// Tests that must not run alongside others: they set process-wide environment variables, or measure
/// throughput. xunit runs this collection on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (process environment, load)";
}

/// <summary>A generated client connecting to the emulator the way it connects from inside a pod.</summary>
[Collection(SerialCollection.Name)]
public sealed class EmulatorInClusterTests
{
    [Fact]
    public async Task InClusterConnectsWithTheServiceAccountDirectoryAndEnvironment()
    {
        await using EmulatorHarness api = await StartAsync(o =>
        {
            o.ServiceAccountNamespace = Ns;
            o.ServiceAccountName = "operator";
            o.ServiceAccountRules = [AccessRule.For("get,list,watch,create", "configmaps", inNamespace: Ns)];
        });
        string[] names = ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "KUBEGEN_SERVICEACCOUNT_DIR"];
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (string name in names)
            {
                Environment.SetEnvironmentVariable(name, api.Server.Environment[name]);
            }

            await using KubeClient kube = KubeClient.InCluster(new InClusterOptions { ServiceAccountDirectory = api.Server.ServiceAccountDirectory });
            Assert.Equal(Ns, kube.Namespace);
            Assert.Equal(api.Server.BaseUrl, kube.Connection.Server);

            ConfigMap created = await kube.CoreV1.ConfigMaps.CreateAsync(kube.Namespace, ConfigMap("from-pod"), cancellationToken: api.Cancel);
            Assert.Equal(Ns, created.Metadata!.Namespace);
            Assert.Equal(["from-pod"], (await kube.CoreV1.ConfigMaps.ListAsync(kube.Namespace, cancellationToken: api.Cancel)).Items.Select(c => c.Metadata!.Name));

            // The service account's rules apply.
            var forbidden = await Assert.ThrowsAsync<KubeApiException>(() => kube.CoreV1.Secrets.ListAsync(kube.Namespace, cancellationToken: api.Cancel));
            Assert.Equal("secrets is forbidden: User \"system:serviceaccount:shop:operator\" cannot list resource \"secrets\" in API group \"\" in the namespace \"shop\"", forbidden.Status.Message);

            // A rotated token (old one expired) is picked up from the directory.
            api.Server.RotateServiceAccountToken(expireOld: true);
            Assert.Single((await kube.CoreV1.ConfigMaps.ListAsync(kube.Namespace, cancellationToken: api.Cancel)).Items);

            // The default directory comes from KUBEGEN_SERVICEACCOUNT_DIR when the options do not name one.
            await using KubeClient fromEnvironment = KubeClient.InCluster();
            Assert.Equal(Ns, fromEnvironment.Namespace);
            Assert.Equal("from-pod", (await fromEnvironment.CoreV1.ConfigMaps.GetAsync(Ns, "from-pod", cancellationToken: api.Cancel)).Metadata!.Name);
        }
        finally
        {
            foreach ((string name, string? value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
