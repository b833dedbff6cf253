using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection.Kubeconfig;

/// <summary>Each kind of broken kubeconfig gives one <see cref="KubeconfigException"/> naming the file and the field, and no secret.</summary>
public sealed class KubeconfigBadInputTests
{
    private const string Secret = "secret-token-zzzz";

    private static KubeconfigException Fails(string text, KubeConnectOptions? options = null, Action<KubeconfigWorkspace>? prepare = null)
    {
        using var work = new KubeconfigWorkspace();
        prepare?.Invoke(work);
        string path = work.Write("config", text);
        work.Environment["KUBECONFIG"] = path;
        KubeconfigException error = Assert.Throws<KubeconfigException>(() => work.Discover(options));
        Assert.Equal(path, error.File);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        SecretAssert.NotIn(error, Secret);
        return error;
    }

    private static string Config(string user = $"    token: {Secret}", string context = "{cluster: c, user: u}", string cluster = "server: https://c.example")
        => $"""
            current-context: ctx
            clusters:
            - name: c
              cluster:
                {cluster}
            users:
            - name: u
              user:
            {user}
            contexts:
            - name: ctx
              context: {context}
            """;

    [Fact]
    public void Malformed_yaml_names_the_line()
    {
        KubeconfigException misplaced = Fails($"current-context: a\ntoken: {Secret}\n  users: b\n");
        Assert.Contains("is not valid YAML at line 3", misplaced.Message, StringComparison.Ordinal);

        KubeconfigException unclosed = Fails($"clusters:\n- name: c\n  cluster: [unclosed\nusers: {Secret}\n");
        Assert.Contains("is not valid YAML", unclosed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_context_lists_the_contexts_there_are()
    {
        KubeconfigException error = Fails(Config(), new KubeConnectOptions { Context = "staging" });
        Assert.Contains("context 'staging'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ctx'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_cluster_or_user_names_the_context_field()
    {
        KubeconfigException cluster = Fails(Config(context: "{cluster: gone, user: u}"));
        Assert.Equal("contexts[ctx].context.cluster", cluster.Field);
        Assert.Contains("'gone'", cluster.Message, StringComparison.Ordinal);

        KubeconfigException user = Fails(Config(context: "{cluster: c, user: nobody}"));
        Assert.Equal("contexts[ctx].context.user", user.Field);
    }

    [Fact]
    public void A_cluster_without_server_and_a_bad_server_url_name_the_field()
    {
        Assert.Equal("clusters[c].cluster.server", Fails(Config(cluster: "insecure-skip-tls-verify: false")).Field);
        Assert.Equal("clusters[c].cluster.server", Fails(Config(cluster: "server: ftp://c.example")).Field);
    }

    [Fact]
    public void An_unreadable_or_mismatched_client_key_names_the_key_field()
    {
        KubeconfigException missingFile = Fails(Config(user: "    client-certificate: cert.pem\n    client-key: key.pem"));
        Assert.Equal("users[u].user.client-certificate", missingFile.Field);

        string certificatePem = TestCertificates.Server.ExportCertificatePem();
        KubeconfigException garbage = Fails(
            Config(user: "    client-certificate: cert.pem\n    client-key: key.pem"),
            prepare: work =>
            {
                work.Write("cert.pem", certificatePem);
                work.Write("key.pem", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
            });
        Assert.Equal("users[u].user.client-key", garbage.Field);

        KubeconfigException half = Fails(Config(user: $"    client-certificate-data: {KubeconfigWorkspace.Base64(certificatePem)}"));
        Assert.Equal("users[u].user.client-key", half.Field);
    }

    [Fact]
    public void Bad_base64_data_is_named_without_quoting_it()
    {
        KubeconfigException error = Fails(Config(user: $"    client-key-data: '{Secret}!!'\n    client-certificate-data: eA=="));
        Assert.Equal("users[u].user.client-key-data", error.Field);
        Assert.Contains("not valid base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Insecure_skip_tls_verify_needs_the_callers_consent()
    {
        KubeconfigException error = Fails(Config(cluster: "server: https://c.example\n    insecure-skip-tls-verify: true"));
        Assert.Equal("clusters[c].cluster.insecure-skip-tls-verify", error.Field);
        Assert.Contains("AllowInsecureSkipTlsVerify", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_auth_fails_instead_of_being_ignored()
    {
        Assert.Equal("users[u].user.username", Fails(Config(user: $"    username: admin\n    password: {Secret}")).Field);
        Assert.Equal("users[u].user.auth-provider", Fails(Config(user: "    auth-provider: {name: gcp}")).Field);
        Assert.Equal("users[u].user.as", Fails(Config(user: $"    token: {Secret}\n    as: root")).Field);
    }

    [Fact]
    public void Exec_plugin_settings_are_checked_when_loading()
    {
        Assert.Equal("users[u].user.exec.apiVersion", Fails(Config(user: "    exec: {command: x, apiVersion: client.authentication.k8s.io/v1alpha1}")).Field);
        Assert.Equal("users[u].user.exec.interactiveMode", Fails(Config(user: "    exec: {command: x, apiVersion: client.authentication.k8s.io/v1}")).Field);
        Assert.Equal("users[u].user.exec.command", Fails(Config(user: "    exec: {apiVersion: client.authentication.k8s.io/v1beta1}")).Field);
    }
}
