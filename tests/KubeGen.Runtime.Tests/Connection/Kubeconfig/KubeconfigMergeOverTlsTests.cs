using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection.Kubeconfig;

/// <summary>Merged KUBECONFIG files and a context switch, end to end over real TLS on loopback.</summary>
public sealed class KubeconfigMergeOverTlsTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    [Fact]
    public async Task Two_clusters_in_two_files_the_current_context_and_a_switched_one_each_reach_their_server()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer dev = await LoopbackServer.StartAsync(TestCertificates.Server);
        await using LoopbackServer prod = await LoopbackServer.StartAsync(TestCertificates.Server);
        dev.Fallback = LoopbackServer.Json(200, PodJson);
        prod.Fallback = LoopbackServer.Json(200, PodJson);
        string ca = KubeconfigWorkspace.Base64(KubeconfigWorkspace.CaPem(TestCertificates.Authority));
        // Like a kind kubeconfig and a cloud CLI's kubeconfig side by side; both define a user "me", the first file's wins.
        string first = work.Write("kind.yaml", $"""
            current-context: dev
            clusters:
            - name: dev
              cluster: {"{"}server: "{dev.BaseUri}", certificate-authority-data: {ca}{"}"}
            users:
            - name: me
              user: {"{"}token: dev-token-1111{"}"}
            contexts:
            - name: dev
              context: {"{"}cluster: dev, user: me{"}"}
            """);
        string second = work.Write("cloud.yaml", $"""
            current-context: prod
            clusters:
            - name: prod
              cluster: {"{"}server: "{prod.BaseUri}", certificate-authority-data: {ca}{"}"}
            users:
            - name: me
              user: {"{"}token: prod-token-2222{"}"}
            contexts:
            - name: prod
              context: {"{"}cluster: prod, user: me, namespace: shop{"}"}
            """);
        work.Environment["KUBECONFIG"] = first + Path.PathSeparator + second;
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using (KubeConnection current = work.Connect())
        {
            await GetPodAsync(current, timeout.Token);
            Assert.Equal("default", current.Namespace);
        }

        await using (KubeConnection switched = work.Connect(new KubeConnectOptions { Context = "prod" }))
        {
            await GetPodAsync(switched, timeout.Token);
            Assert.Equal("shop", switched.Namespace);
        }

        Assert.Equal("Bearer dev-token-1111", Assert.Single(dev.Requests).Header("Authorization"));
        // The prod context is the second file's, but user "me" is the first file's.
        Assert.Equal("Bearer dev-token-1111", Assert.Single(prod.Requests).Header("Authorization"));
    }
}
