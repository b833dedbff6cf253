using System.Diagnostics;
using System.Text.Json;
using KubeGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Runtime.Tests.Connection.Kubeconfig;

/// <summary>
/// Exec credential plugins, with a shell script standing in for a cloud CLI (aws eks get-token, gke-gcloud-auth-plugin,
/// kubelogin): what it is given, caching until expirationTimestamp, a new run after a 401, and clear failures.
/// </summary>
public sealed class ExecPluginTests
{
    private const string PodJson = """{"kind":"Pod","metadata":{"name":"web-0"}}""";
    private const string V1 = "client.authentication.k8s.io/v1";

    /// <summary>
    /// A plugin that counts its runs in a file and prints token "exec-token-N" expiring at <paramref name="expires"/>;
    /// it also saves its arguments, KUBERNETES_EXEC_INFO and PLUGIN_REGION for the test to read.
    /// </summary>
    private static string CountingPlugin(KubeconfigWorkspace work, string expires, string apiVersion = V1) => work.Script("plugin.sh", $$$"""
        dir="$(dirname "$0")"
        n=$(cat "$dir/runs" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$dir/runs"
        printf '%s\n' "$@" > "$dir/args"
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/exec-info"
        printf '%s' "$PLUGIN_REGION" > "$dir/region"
        printf '{"apiVersion":"{{{apiVersion}}}","kind":"ExecCredential","status":{"token":"exec-token-%s","expirationTimestamp":"{{{expires}}}"}}' "$n"
        """);

    private static string ExecUser(string command, string apiVersion = V1, string extra = "") => $"""
            exec:
              apiVersion: {apiVersion}
              command: {command}
              args: [get-token, --cluster, test]
              env:
              - name: PLUGIN_REGION
                value: eu-west-1
              interactiveMode: Never
              provideClusterInfo: true{extra}
        """;

    /// <summary>Accepts only the listed bearer tokens (401 otherwise).</summary>
    private static Func<HttpContext, RecordedRequest, Task> Accepting(params string[] tokens)
        => (context, request) => tokens.Any(t => request.Header("Authorization") == "Bearer " + t)
            ? LoopbackServer.Json(200, PodJson)(context, request)
            : LoopbackServer.Json(401, """{"kind":"Status","status":"Failure","reason":"Unauthorized","code":401}""")(context, request);

    private static Task<TestObject> GetPodAsync(KubeConnection connection, CancellationToken cancellationToken)
        => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/web-0", null, TestJsonContext.Default.TestObject, cancellationToken);

    private static int Runs(KubeconfigWorkspace work) => int.Parse(File.ReadAllText(work.Path("runs")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_plugin_gets_args_env_and_cluster_info_and_its_token_is_cached_until_it_expires()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.Fallback = Accepting("exec-token-1");
        string plugin = CountingPlugin(work, "2999-01-01T00:00:00Z");
        work.UseConfig(server.BaseUri, ExecUser(plugin));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = work.Connect();
        await GetPodAsync(connection, timeout.Token);
        await GetPodAsync(connection, timeout.Token);
        await GetPodAsync(connection, timeout.Token);

        Assert.Equal(1, Runs(work));
        Assert.All(server.Requests, r => Assert.Equal("Bearer exec-token-1", r.Header("Authorization")));
        Assert.Equal(["get-token", "--cluster", "test"], File.ReadAllLines(work.Path("args")));
        Assert.Equal("eu-west-1", File.ReadAllText(work.Path("region")));
        using JsonDocument info = JsonDocument.Parse(File.ReadAllText(work.Path("exec-info")));
        Assert.Equal("ExecCredential", info.RootElement.GetProperty("kind").GetString());
        Assert.Equal(V1, info.RootElement.GetProperty("apiVersion").GetString());
        JsonElement spec = info.RootElement.GetProperty("spec");
        Assert.False(spec.GetProperty("interactive").GetBoolean());
        Assert.Equal(server.BaseUri.ToString(), spec.GetProperty("cluster").GetProperty("server").GetString());
        Assert.Equal(
            KubeconfigWorkspace.CaPem(TestCertificates.Authority),
            System.Text.Encoding.ASCII.GetString(spec.GetProperty("cluster").GetProperty("certificate-authority-data").GetBytesFromBase64()));
    }

    [Fact]
    public async Task An_expired_credential_runs_the_plugin_again_before_the_next_request()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.Fallback = Accepting("exec-token-1", "exec-token-2", "exec-token-3");
        // Already expired when printed: every request needs a new run (v1beta1 here).
        string plugin = CountingPlugin(work, "2000-01-01T00:00:00Z", "client.authentication.k8s.io/v1beta1");
        work.UseConfig(server.BaseUri, ExecUser(plugin, "client.authentication.k8s.io/v1beta1"));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = work.Connect();
        await GetPodAsync(connection, timeout.Token);
        await GetPodAsync(connection, timeout.Token);
        await GetPodAsync(connection, timeout.Token);

        Assert.Equal(3, Runs(work));
        Assert.Equal(["Bearer exec-token-1", "Bearer exec-token-2", "Bearer exec-token-3"], server.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task A_401_runs_the_plugin_again_and_retries_once_with_the_new_token()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        // The first token was revoked server-side before it expired.
        server.Fallback = Accepting("exec-token-2");
        string plugin = CountingPlugin(work, "2999-01-01T00:00:00Z");
        work.UseConfig(server.BaseUri, ExecUser(plugin));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = work.Connect();
        TestObject pod = await GetPodAsync(connection, timeout.Token);
        await GetPodAsync(connection, timeout.Token);

        Assert.Equal("web-0", pod.Metadata?.Name);
        Assert.Equal(2, Runs(work));
        Assert.Equal(["Bearer exec-token-1", "Bearer exec-token-2", "Bearer exec-token-2"], server.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task A_client_certificate_from_the_plugin_authenticates_the_tls_connection()
    {
        using var work = new KubeconfigWorkspace();
        (string certificatePem, string keyPem) = TestCertificates.CreateClientPem(TestCertificates.Authority, "from-plugin", rsa: false);
        await using LoopbackServer server = await LoopbackServer.StartRequiringClientCertificateAsync(TestCertificates.Server, TestCertificates.Authority);
        server.Fallback = LoopbackServer.Json(200, PodJson);
        // What a cloud CLI prints for certificate credentials; the script only replays it.
        string certificateJson = JsonSerializer.Serialize(certificatePem, TestJsonContext.Default.String);
        string keyJson = JsonSerializer.Serialize(keyPem, TestJsonContext.Default.String);
        work.Write("credential.json", "{\"apiVersion\":\"" + V1 + "\",\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":" + certificateJson + ",\"clientKeyData\":" + keyJson + "}}");
        string plugin = work.Script("cert.sh", "cat \"$(dirname \"$0\")/credential.json\"");
        work.UseConfig(server.BaseUri, ExecUser(plugin));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = work.Connect();
        await GetPodAsync(connection, timeout.Token);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Contains("CN=from-plugin", request.ClientCertificateSubject, StringComparison.Ordinal);
        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public async Task A_failing_plugin_gives_its_exit_code_and_error_output_but_never_its_standard_output()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        string plugin = work.Script("login.sh", """
            echo '{"status":{"token":"leaked-token-qqqq"}}'
            echo "error: the SSO session has expired; run: cloud login" >&2
            exit 3
            """);
        string config = work.UseConfig(server.BaseUri, ExecUser(plugin));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = work.Connect();
        KubeconfigException error = await Assert.ThrowsAsync<KubeconfigException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Equal(config, error.File);
        Assert.Equal("users[test-user].user.exec", error.Field);
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("the SSO session has expired; run: cloud login", error.Message, StringComparison.Ordinal);
        SecretAssert.NotIn(error, "leaked-token-qqqq");
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_plugin_that_prints_invalid_json_or_the_wrong_api_version_is_named()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        string garbage = work.Script("garbage.sh", "echo 'token=secret-output-pppp'");
        string wrongVersion = work.Script("wrong.sh", """echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"secret-output-pppp"}}'""");
        using CancellationTokenSource timeout = TestSupport.Timeout();

        foreach ((string plugin, string expected) in new[] { (garbage, "is not JSON"), (wrongVersion, "apiVersion 'client.authentication.k8s.io/v1beta1'") })
        {
            work.UseConfig(server.BaseUri, ExecUser(plugin));
            await using KubeConnection connection = work.Connect();
            KubeconfigException error = await Assert.ThrowsAsync<KubeconfigException>(() => GetPodAsync(connection, timeout.Token));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.Equal("users[test-user].user.exec", error.Field);
            SecretAssert.NotIn(error, "secret-output-pppp");
        }
    }

    [Fact]
    public async Task A_plugin_that_hangs_is_stopped_after_the_timeout()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        string plugin = work.Script("hang.sh", "echo 'waiting for the browser login' >&2\nexec sleep 600");
        work.UseConfig(server.BaseUri, ExecUser(plugin));
        using CancellationTokenSource timeout = TestSupport.Timeout(60);

        await using KubeConnection connection = work.Connect(new KubeConnectOptions { ExecPluginTimeout = TimeSpan.FromSeconds(1) });
        var watch = Stopwatch.StartNew();
        KubeconfigException error = await Assert.ThrowsAsync<KubeconfigException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Contains("did not finish within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("waiting for the browser login", error.Message, StringComparison.Ordinal);
        // Bounded to catch a hang, not to measure speed.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_missing_plugin_says_so_with_the_install_hint()
    {
        using var work = new KubeconfigWorkspace();
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        work.UseConfig(server.BaseUri, ExecUser("kubegen-no-such-cloud-cli", extra: "\n      installHint: Install it with 'cloud components install auth-plugin'."));
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = work.Connect();
        KubeconfigException error = await Assert.ThrowsAsync<KubeconfigException>(() => GetPodAsync(connection, timeout.Token));

        Assert.Contains("kubegen-no-such-cloud-cli", error.Message, StringComparison.Ordinal);
        Assert.Contains("cloud components install auth-plugin", error.Message, StringComparison.Ordinal);
    }
}
