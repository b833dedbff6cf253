using System.Net;
using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

public sealed class SecurityTests
{
    [Fact]
    public async Task Missing_or_unknown_tokens_are_401()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient anonymous = server.CreateHttpClient(token: "");
        AssertStatus(await anonymous.GetJsonAsync("/api/v1/namespaces/default/pods"), 401, "Unauthorized", "Unauthorized");
        using HttpClient wrong = server.CreateHttpClient(token: "not-a-token");
        AssertStatus(await wrong.GetJsonAsync("/api/v1/namespaces/default/pods"), 401, "Unauthorized", "Unauthorized");
        AssertStatus(await wrong.GetJsonAsync("/version"), 401, "Unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetJsonAsync("/version")).Code);
    }

    [Fact]
    public async Task Rules_decide_and_403_uses_kube_apiserver_wording()
    {
        await using KubeApiServerEmulator server = await StartAsync(o =>
        {
            o.ServiceAccountNamespace = "ns";
            o.ServiceAccountName = "sa";
            o.ServiceAccountRules = [AccessRule.For("get,list,watch", "pods", inNamespace: "ns"), AccessRule.For("get", "deployments.apps")];
        });
        using HttpClient client = server.CreateHttpClient();
        Assert.Equal("system:serviceaccount:ns:sa", server.ServiceAccountUserName);
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/api/v1/namespaces/ns/pods")).Code);
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/default/pods"), 403, "Forbidden",
            "pods is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
        var named = await client.DeleteJsonAsync("/api/v1/namespaces/ns/pods/x");
        AssertStatus(named, 403, "Forbidden", "pods \"x\" is forbidden: User \"system:serviceaccount:ns:sa\" cannot delete resource \"pods\" in API group \"\" in the namespace \"ns\"");
        Assert.Equal("x", named.Body.Str("details.name"));
        Assert.Equal("pods", named.Body.Str("details.kind"));
        AssertStatus(await client.GetJsonAsync("/apis/apps/v1/deployments"), 403, "Forbidden",
            "deployments.apps is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope");
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/ns/pods/x/status"), 403, "Forbidden",
            "pods \"x\" is forbidden: User \"system:serviceaccount:ns:sa\" cannot get resource \"pods/status\" in API group \"\" in the namespace \"ns\"");
        AssertStatus(await client.GetJsonAsync("/apis/apps/v1/namespaces/ns/deployments/web"), 404, "NotFound");

        // Discovery is open to every authenticated user.
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/apis")).Code);
    }

    [Fact]
    public async Task SelfSubjectAccessReview_answers_from_the_rules()
    {
        await using KubeApiServerEmulator server = await StartAsync(o => o.ServiceAccountRules = [AccessRule.For("list", "pods", "default")]);
        using HttpClient client = server.CreateHttpClient();
        const string Path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
        var yes = await client.PostJsonAsync(Path, """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"default","verb":"list","resource":"pods"}}}""");
        Assert.Equal(HttpStatusCode.Created, yes.Code);
        Assert.Equal("true", yes.Body.Str("status.allowed"));
        var no = await client.PostJsonAsync(Path, """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"kube-system","verb":"list","resource":"pods"}}}""");
        Assert.Equal("false", no.Body.Str("status.allowed"));
    }

    [Fact]
    public async Task Tokens_rotate_and_expire_at_run_time()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        string oldToken = server.ServiceAccountToken;
        Assert.Equal(oldToken, File.ReadAllText(Path.Combine(server.ServiceAccountDirectory, "token")));

        string newToken = server.RotateServiceAccountToken(expireOld: true);
        Assert.NotEqual(oldToken, newToken);
        Assert.Equal(newToken, File.ReadAllText(Path.Combine(server.ServiceAccountDirectory, "token")));
        using HttpClient oldClient = server.CreateHttpClient(oldToken);
        using HttpClient newClient = server.CreateHttpClient(newToken);
        AssertStatus(await oldClient.GetJsonAsync("/api/v1/namespaces"), 401, "Unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetJsonAsync("/api/v1/namespaces")).Code);

        server.AddToken("short-lived", EmulatorUser.Admin(), DateTimeOffset.UtcNow.AddMilliseconds(300));
        using HttpClient shortLived = server.CreateHttpClient("short-lived");
        Assert.Equal(HttpStatusCode.OK, (await shortLived.GetJsonAsync("/api/v1/namespaces")).Code);
        await Task.Delay(500, Ct);
        AssertStatus(await shortLived.GetJsonAsync("/api/v1/namespaces"), 401, "Unauthorized");

        server.ExpireToken(newToken);
        AssertStatus(await newClient.GetJsonAsync("/api/v1/namespaces"), 401, "Unauthorized");
    }

    [Fact]
    public async Task Service_account_directory_and_environment_look_like_a_pod()
    {
        await using KubeApiServerEmulator server = await StartAsync(o => o.ServiceAccountNamespace = "team");
        string dir = server.ServiceAccountDirectory;
        Assert.Equal("team", File.ReadAllText(Path.Combine(dir, "namespace")));
        Assert.Equal(server.CaCertificatePem, File.ReadAllText(Path.Combine(dir, "ca.crt")));
        Assert.Equal("127.0.0.1", server.Environment["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), server.Environment["KUBERNETES_SERVICE_PORT"]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.NotNull(new FileInfo(Path.Combine(dir, "..data")).LinkTarget);
        }

        Assert.Contains("certificate-authority-data:", File.ReadAllText(server.KubeconfigPath), StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Files_holding_the_token_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Windows files have ACLs, not mode bits");
        }

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        string work = Path.Combine(Path.GetTempPath(), "kubegen-secrets-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // An existing world-readable kubeconfig is replaced, not written into.
            Directory.CreateDirectory(work);
            string kubeconfig = Path.Combine(work, "kubeconfig");
            File.WriteAllText(kubeconfig, "stale");
            File.SetUnixFileMode(kubeconfig, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            await using KubeApiServerEmulator server = await StartAsync(o =>
            {
                o.KubeconfigPath = kubeconfig;
                o.ServiceAccountDirectory = Path.Combine(work, "serviceaccount");
            });
            string token = Path.Combine(server.ServiceAccountDirectory, "token");
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(kubeconfig));
            Assert.Contains(server.ServiceAccountToken, File.ReadAllText(kubeconfig), StringComparison.Ordinal);
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(ResolvedLink(token)));

            string rotated = server.RotateServiceAccountToken();
            Assert.Equal(rotated, File.ReadAllText(token));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(ResolvedLink(token)));

            string another = Path.Combine(work, "elsewhere", "kubeconfig");
            server.WriteKubeconfig(another, token: "a-token-for-someone");
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(another));

            // No temporary files are left behind next to them.
            Assert.Equal(["kubeconfig", "serviceaccount"], Directory.GetFileSystemEntries(work).Where(p => !p.EndsWith("elsewhere", StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(["kubeconfig"], Directory.GetFileSystemEntries(Path.GetDirectoryName(another)!).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The file a kubelet-style link chain (token → ..data/token → timestamped directory) ends at.</summary>
    private static string ResolvedLink(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    [Fact]
    public async Task Server_certificate_chains_to_the_CA_with_the_service_names()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        X509Certificate2? seen = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    seen = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                    return true;
                },
            },
        };
        using var client = new HttpClient(handler);
        await client.GetAsync(new Uri(server.BaseUrl, "/version"), Ct);
        Assert.NotNull(seen);
        string san = seen.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Format(false);
        foreach (string name in new[] { "127.0.0.1", "localhost", "kubernetes.default.svc" })
        {
            Assert.Contains(name, san, StringComparison.Ordinal);
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(server.CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(seen));
        seen.Dispose();
    }
}
