using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection.Kubeconfig;

/// <summary>
/// Where Connect() looks, in controller-runtime's order (KUBECONFIG, in-cluster, ~/.kube/config), how several
/// KUBECONFIG files merge (client-go's rules), and which context is used. Each test has its own fake environment.
/// </summary>
public sealed class KubeconfigDiscoveryTests
{
    private static string TwoContexts(string current, string server1, string server2) => $"""
        apiVersion: v1
        kind: Config
        current-context: {current}
        clusters:
        - name: dev
          cluster:
            server: {server1}
        - name: prod
          cluster:
            server: {server2}
        users:
        - name: alice
          user:
            token: alice-token-1111
        contexts:
        - name: dev
          context: {"{"}cluster: dev, user: alice, namespace: dev-ns{"}"}
        - name: prod
          context: {"{"}cluster: prod, user: alice{"}"}
        """;

    [Fact]
    public void The_current_context_gives_server_user_and_namespace()
    {
        using var work = new KubeconfigWorkspace();
        work.Environment["KUBECONFIG"] = work.Write("config", TwoContexts("dev", "https://dev.example:6443", "https://prod.example"));

        KubeConnectionOptions options = work.Discover();

        Assert.Equal(new Uri("https://dev.example:6443"), options.Server);
        Assert.Equal("alice-token-1111", options.Token);
        Assert.Equal("dev-ns", options.Namespace);
    }

    [Fact]
    public void An_explicit_context_switches_cluster_and_a_context_without_namespace_means_default()
    {
        using var work = new KubeconfigWorkspace();
        work.Environment["KUBECONFIG"] = work.Write("config", TwoContexts("dev", "https://dev.example", "https://prod.example:8443"));

        KubeConnectionOptions options = work.Discover(new KubeConnectOptions { Context = "prod" });
        using var connection = new KubeConnection(options);

        Assert.Equal(new Uri("https://prod.example:8443"), connection.Server);
        Assert.Equal("default", connection.Namespace);
    }

    [Fact]
    public void Several_KUBECONFIG_files_merge_the_first_to_set_a_value_wins_and_entries_are_taken_whole()
    {
        using var work = new KubeconfigWorkspace();
        // The first file sets the current context and a user "shared" with a token only.
        string first = work.Write("a/config", """
            current-context: from-second
            users:
            - name: shared
              user:
                token: first-token-aaaa
            """);
        // The second defines the cluster and context, a current context that loses, and "shared" with a token file
        // that must not fill in the first file's entry.
        string second = work.Write("b/config", """
            current-context: ignored
            clusters:
            - name: c
              cluster:
                server: https://merged.example
            - name: other
              cluster:
                server: https://other.example
            users:
            - name: shared
              user:
                token: second-token-bbbb
                tokenFile: second-token-file
            contexts:
            - name: from-second
              context: {cluster: c, user: shared, namespace: merged-ns}
            - name: ignored
              context: {cluster: other, user: shared}
            """);
        string missing = work.Path("missing/config");
        work.Environment["KUBECONFIG"] = string.Join(Path.PathSeparator, first, missing, "", second);

        KubeConnectionOptions options = work.Discover();

        Assert.Equal(new Uri("https://merged.example"), options.Server);
        Assert.Equal("first-token-aaaa", options.Token);
        Assert.Null(options.TokenFile);
        Assert.Equal("merged-ns", options.Namespace);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_folder_of_the_file_that_holds_them()
    {
        using var work = new KubeconfigWorkspace();
        work.Write("certs/ca.crt", KubeconfigWorkspace.CaPem(TestCertificates.Authority));
        string config = work.Write("nested/config", """
            current-context: x
            clusters:
            - name: x
              cluster: {server: "https://x.example", certificate-authority: ../certs/ca.crt}
            users:
            - name: x
              user: {tokenFile: token}
            contexts:
            - name: x
              context: {cluster: x, user: x}
            """);
        work.Environment["KUBECONFIG"] = config;

        KubeConnectionOptions options = work.Discover();

        Assert.Equal(work.Path("certs/ca.crt"), options.CertificateAuthorityFile);
        Assert.Equal(work.Path("nested/token"), options.TokenFile);
    }

    [Fact]
    public void KUBECONFIG_comes_before_in_cluster_and_in_cluster_before_the_home_kubeconfig()
    {
        using var work = new KubeconfigWorkspace();
        using var serviceAccount = new ServiceAccountDirectory(token: "sa-token-cccc", caPem: KubeconfigWorkspace.CaPem(TestCertificates.Authority), ns: "pod-ns");
        work.Environment["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
        work.Environment["KUBERNETES_SERVICE_PORT"] = "443";
        work.Environment["KUBEGEN_SERVICEACCOUNT_DIR"] = serviceAccount.Path;
        work.Write("home/.kube/config", TwoContexts("dev", "https://home.example", "https://prod.example"));

        // Inside a pod: in-cluster wins over ~/.kube/config, with the service account's token file and namespace.
        KubeConnectionOptions inPod = work.Discover();
        Assert.Equal(new Uri("https://10.96.0.1:443/"), inPod.Server);
        Assert.Equal(serviceAccount.TokenFile, inPod.TokenFile);
        Assert.Equal("pod-ns", inPod.Namespace);

        // An explicit KUBECONFIG wins over in-cluster.
        work.Environment["KUBECONFIG"] = work.Write("explicit", TwoContexts("prod", "https://dev.example", "https://explicit.example"));
        Assert.Equal(new Uri("https://explicit.example"), work.Discover().Server);

        // Without the pod environment, ~/.kube/config.
        work.Environment.Remove("KUBECONFIG");
        work.Environment.Remove("KUBERNETES_SERVICE_HOST");
        Assert.Equal(new Uri("https://home.example"), work.Discover().Server);

        // A source can be forced.
        work.Environment["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
        Assert.Equal(new Uri("https://home.example"), work.Discover(new KubeConnectOptions { Source = KubeConnectSource.Kubeconfig }).Server);
        Assert.Equal(new Uri("https://10.96.0.1:443/"), work.Discover(new KubeConnectOptions { Source = KubeConnectSource.InCluster }).Server);
    }

    [Fact]
    public void With_no_source_the_error_names_all_three_places()
    {
        using var work = new KubeconfigWorkspace();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => work.Discover());

        Assert.Contains("KUBECONFIG is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("KUBERNETES_SERVICE_HOST is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(work.Home, ".kube", "config"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_incomplete_pod_environment_falls_through_and_says_why_in_cluster_did_not_apply()
    {
        using var work = new KubeconfigWorkspace();
        work.Environment["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
        work.Environment["KUBERNETES_SERVICE_PORT"] = "443";
        work.Environment["KUBEGEN_SERVICEACCOUNT_DIR"] = work.Path("no-such-sa");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => work.Discover());

        Assert.Contains("in-cluster did not apply", error.Message, StringComparison.Ordinal);
        Assert.Contains("token file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_kubeconfig_files_replace_KUBECONFIG_and_must_exist()
    {
        using var work = new KubeconfigWorkspace();
        work.Environment["KUBECONFIG"] = work.Write("env", TwoContexts("dev", "https://env.example", "https://prod.example"));
        string given = work.Write("given", TwoContexts("dev", "https://given.example", "https://prod.example"));

        Assert.Equal(new Uri("https://given.example"), work.Discover(new KubeConnectOptions { KubeconfigFiles = { given } }).Server);
        KubeconfigException error = Assert.Throws<KubeconfigException>(() => work.Discover(new KubeConnectOptions { KubeconfigFiles = { work.Path("nope") } }));
        Assert.Equal(work.Path("nope"), error.File);
    }
}
