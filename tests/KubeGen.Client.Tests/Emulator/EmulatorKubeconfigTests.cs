using ClientTests.Kube;
using ClientTests.Kube.CoreV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;
using KubeGen.Testing;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.Emulator;

/// <summary>
/// The generated <c>KubeClient.Connect()</c> against the emulator through the kubeconfig it writes, with a token and with
/// client certificates (RSA and EC), and kubectl reading the same files.
/// </summary>
public sealed class EmulatorKubeconfigTests : IDisposable
{
    private readonly TemporaryDirectory _work = new("kubegen-kubeconfig-");

    public void Dispose() => _work.Dispose();

    private static KubeConnectOptions From(string kubeconfig) => new() { KubeconfigFiles = { kubeconfig } };

    [Fact]
    public async Task Connect_reads_the_emulators_token_kubeconfig_and_kubectl_reads_it_too()
    {
        string kubeconfig = _work.File("kubeconfig");
        await using EmulatorHarness api = await StartAsync(o =>
        {
            o.KubeconfigPath = kubeconfig;
            o.ServiceAccountNamespace = Ns;
        });
        await api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMap("settings"), cancellationToken: api.Cancel);

        await using KubeClient kube = KubeClient.Connect(From(kubeconfig));

        Assert.Equal(Ns, kube.Namespace);
        Assert.Equal(api.Server.BaseUrl, kube.Connection.Server);
        Assert.Equal(["settings"], (await kube.CoreV1.ConfigMaps.ListAsync(kube.Namespace, cancellationToken: api.Cancel)).Items.Select(c => c.Metadata!.Name));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig));
        }

        Kubectl.Require();
        (int exit, string stdout, string stderr) = await new Kubectl(kubeconfig, _work.Path).RunAsync("get", "configmaps", "-o", "name");
        Assert.True(exit == 0, stderr);
        Assert.Equal("configmap/settings", stdout.Trim());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_required_client_certificate_authenticates_its_user_for_connect_and_kubectl(bool rsa)
    {
        await using EmulatorHarness api = await StartAsync(o => o.ClientCertificates = ClientCertificateAuthentication.Required);
        var jane = new EmulatorUser { Name = "jane", Groups = ["developers", "system:authenticated"], Rules = [AccessRule.For("get,list,create", "configmaps", inNamespace: Ns)] };
        EmulatorClientCertificate certificate = api.Server.IssueClientCertificate(jane, rsa);
        Assert.StartsWith(rsa ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----", certificate.PrivateKeyPem, StringComparison.Ordinal);
        string kubeconfig = _work.File("jane.kubeconfig");
        api.Server.WriteKubeconfig(kubeconfig, Ns, certificate);

        await using KubeClient kube = KubeClient.Connect(From(kubeconfig));
        await kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMap("by-jane"), cancellationToken: api.Cancel);

        // The certificate's user, with that user's rules: no secrets.
        KubeApiException forbidden = await Assert.ThrowsAsync<KubeApiException>(() => kube.CoreV1.Secrets.ListAsync(Ns, cancellationToken: api.Cancel));
        Assert.Contains("User \"jane\" cannot list resource \"secrets\"", forbidden.Status.Message, StringComparison.Ordinal);

        // Required: a bearer token alone does not get through the TLS handshake.
        await Assert.ThrowsAsync<HttpRequestException>(() => api.Kube.CoreV1.ConfigMaps.ListAsync(Ns, cancellationToken: api.Cancel));

        Kubectl.Require();
        (int exit, string stdout, string stderr) = await new Kubectl(kubeconfig, _work.Path).RunAsync("get", "configmaps", "-o", "name");
        Assert.True(exit == 0, stderr);
        Assert.Equal("configmap/by-jane", stdout.Trim());
        (exit, stdout, _) = await new Kubectl(kubeconfig, _work.Path).RunAsync("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
        if (exit == 0)
        {
            // Only where the emulator answers SelfSubjectReview (kubectl 1.28+); the listing above already proves the identity.
            Assert.Equal("jane", stdout.Trim());
        }
    }

    [Fact]
    public async Task The_emulators_own_kubeconfig_can_hold_an_admin_client_certificate()
    {
        string kubeconfig = _work.File("admin.kubeconfig");
        await using EmulatorHarness api = await StartAsync(o =>
        {
            o.KubeconfigPath = kubeconfig;
            o.KubeconfigClientCertificate = true;
        });

        string text = await File.ReadAllTextAsync(kubeconfig, api.Cancel);
        Assert.Contains("client-certificate-data:", text, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Server.ServiceAccountToken, text, StringComparison.Ordinal);
        await using KubeClient kube = KubeClient.Connect(From(kubeconfig));
        Assert.Empty((await kube.CoreV1.Secrets.ListAsync(Ns, cancellationToken: api.Cancel)).Items);
        // Accepted, not required: the service-account token still works.
        Assert.Empty((await api.Kube.CoreV1.Secrets.ListAsync(Ns, cancellationToken: api.Cancel)).Items);
    }
}
