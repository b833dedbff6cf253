using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection;

/// <summary>
/// Uses the real process environment variables; the tests of one class run one after another and
/// no other test reads these variables.
/// </summary>
public sealed class InClusterTests : IDisposable
{
    private static readonly string[] Variables = ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "KUBEGEN_SERVICEACCOUNT_DIR"];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly TempDirectory _dir = TestSupport.CreateTempDirectory();

    public void Dispose()
    {
        foreach ((string name, string? value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        _dir.Dispose();
    }

    private void WriteServiceAccount(string? token = "sa-token-abc", bool ca = true, string? ns = "team-a")
    {
        if (token is not null)
        {
            File.WriteAllText(_dir.File("token"), token);
        }

        if (ca)
        {
            TestCertificates.WritePem(_dir.File("ca.crt"), TestCertificates.Authority);
        }

        if (ns is not null)
        {
            File.WriteAllText(_dir.File("namespace"), ns);
        }
    }

    private static void SetEnvironment(string? host, string? port, string? dir)
    {
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", host);
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", port);
        Environment.SetEnvironmentVariable("KUBEGEN_SERVICEACCOUNT_DIR", dir);
    }

    [Fact]
    public async Task Connects_with_the_service_account_token_ca_and_namespace()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.Server);
        server.EnqueueJson(200, """{"kind":"Pod","metadata":{"name":"me"}}""");
        WriteServiceAccount(token: "sa-token-abc\n", ns: "team-a\n");
        SetEnvironment("127.0.0.1", server.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _dir.Path);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = KubeConnection.InCluster();
        TestObject pod = await connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/team-a/pods/me", null, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal(new Uri($"https://127.0.0.1:{server.BaseUri.Port}/"), connection.Server);
        Assert.Equal("team-a", connection.Namespace);
        Assert.Equal("me", pod.Metadata?.Name);
        Assert.Equal("Bearer sa-token-abc", Assert.Single(server.Requests).Header("Authorization"));
    }

    [Theory]
    [InlineData("127.0.0.1", "https://127.0.0.1:{0}/")]
    [InlineData("::1", "https://[::1]:{0}/")]
    public async Task Discovers_a_loopback_api_server_from_the_environment_and_a_kubelet_style_directory(string host, string expectedServer)
    {
        IPAddress address = IPAddress.Parse(host);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Assert.SkipUnless(CanListenOnIPv6Loopback(out string why), $"IPv6 loopback is not available on this machine: {why}");
        }

        using var directory = new ServiceAccountDirectory(token: "discovered-token-42\n", caPem: TestCertificates.Pem(TestCertificates.Authority), ns: "team-b\n");
        await using LoopbackServer server = await LoopbackServer.StartAsync(TestCertificates.CreateLoopbackServer(TestCertificates.Authority), address);
        server.EnqueueJson(200, """{"kind":"Pod","metadata":{"name":"me"}}""");
        string port = server.BaseUri.Port.ToString(CultureInfo.InvariantCulture);
        SetEnvironment(host, port, directory.Path);
        using CancellationTokenSource timeout = TestSupport.Timeout();

        await using KubeConnection connection = KubeConnection.InCluster();
        TestObject pod = await connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/team-b/pods/me", null, TestJsonContext.Default.TestObject, timeout.Token);

        Assert.Equal(new Uri(string.Format(CultureInfo.InvariantCulture, expectedServer, port)), connection.Server);
        Assert.Equal("team-b", connection.Namespace);
        Assert.Equal("me", pod.Metadata?.Name);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("Bearer discovered-token-42", request.Header("Authorization"));
        Assert.Equal("HTTP/2", request.Protocol);
    }

    [Fact]
    public void The_discovered_options_carry_the_connection_settings()
    {
        WriteServiceAccount();
        SetEnvironment("10.96.0.1", "443", _dir.Path);
        Func<DelegatingHandler> handler = () => new PassThroughHandler();

        KubeConnectionOptions options = KubeConnectionOptions.InCluster(new InClusterOptions { MaxRetries = 3, RateLimit = KubeRateLimit.ClientGoDefaults, Handlers = { handler } });

        Assert.Equal(new Uri("https://10.96.0.1:443/"), options.Server);
        Assert.Equal(_dir.File("token"), options.TokenFile);
        Assert.Equal(_dir.File("ca.crt"), options.CertificateAuthorityFile);
        Assert.Equal("team-a", options.Namespace);
        Assert.Equal(3, options.MaxRetries);
        Assert.Same(KubeRateLimit.ClientGoDefaults, options.RateLimit);
        Assert.Same(handler, Assert.Single(options.Handlers));
        Assert.Equal(KubeConnectionOptions.DefaultMaxRetries, KubeConnectionOptions.InCluster().MaxRetries);
        Assert.Null(KubeConnectionOptions.InCluster().RateLimit);
    }

    private sealed class PassThroughHandler : DelegatingHandler;

    private static bool CanListenOnIPv6Loopback(out string why)
    {
        why = "";
        if (!Socket.OSSupportsIPv6)
        {
            why = "the OS does not support IPv6";
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException ex)
        {
            why = ex.Message;
            return false;
        }
    }

    [Fact]
    public void Options_directory_wins_over_the_environment_and_namespace_defaults()
    {
        WriteServiceAccount(ns: null);
        SetEnvironment("10.96.0.1", "443", "/does/not/exist");

        using KubeConnection connection = KubeConnection.InCluster(new InClusterOptions { ServiceAccountDirectory = _dir.Path });

        Assert.Equal("https://10.96.0.1/", connection.Server.ToString());
        Assert.Equal(443, connection.Server.Port);
        Assert.Equal("default", connection.Namespace);
    }

    [Theory]
    [InlineData("::1", "6443", "https://[::1]:6443/")]
    [InlineData("fd00:10:96::1", "443", "https://[fd00:10:96::1]/")]
    [InlineData("[fd00::1]", "8443", "https://[fd00::1]:8443/")]
    [InlineData("kubernetes.default.svc", "443", "https://kubernetes.default.svc/")]
    [InlineData("10.96.0.1", "6443", "https://10.96.0.1:6443/")]
    public void Hosts_are_formatted_for_the_url(string host, string port, string expected)
    {
        WriteServiceAccount();
        SetEnvironment(host, port, _dir.Path);

        using KubeConnection connection = KubeConnection.InCluster();

        Assert.Equal(expected, connection.Server.AbsoluteUri);
    }

    [Fact]
    public void An_ipv6_zone_is_escaped()
    {
        Assert.Equal("[fe80::1%25eth0]", InClusterConfig.FormatHost("fe80::1%eth0"));
    }

    [Fact]
    public void A_missing_host_is_named()
    {
        WriteServiceAccount();
        SetEnvironment(null, "443", _dir.Path);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KubeConnection.InCluster());

        Assert.StartsWith("Cannot connect to the Kubernetes API server from inside the cluster: the environment variable KUBERNETES_SERVICE_HOST is not set. ", error.Message, StringComparison.Ordinal);
        Assert.Contains("automountServiceAccountToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_port_is_named()
    {
        WriteServiceAccount();
        SetEnvironment("10.96.0.1", "", _dir.Path);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KubeConnection.InCluster());

        Assert.StartsWith("Cannot connect to the Kubernetes API server from inside the cluster: the environment variable KUBERNETES_SERVICE_PORT is not set. ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_port_is_named()
    {
        WriteServiceAccount();
        SetEnvironment("10.96.0.1", "https", _dir.Path);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KubeConnection.InCluster());

        Assert.Contains("the environment variable KUBERNETES_SERVICE_PORT is 'https', which is not a TCP port. ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_token_is_named_with_its_path()
    {
        WriteServiceAccount(token: null);
        SetEnvironment("10.96.0.1", "443", _dir.Path);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KubeConnection.InCluster());

        Assert.StartsWith($"Cannot connect to the Kubernetes API server from inside the cluster: the service-account token file '{_dir.File("token")}' does not exist. ", error.Message, StringComparison.Ordinal);
        Assert.Contains("automountServiceAccountToken is false on the Pod or its ServiceAccount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_token_is_named()
    {
        WriteServiceAccount(token: " \n");
        SetEnvironment("10.96.0.1", "443", _dir.Path);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KubeConnection.InCluster());

        Assert.Contains($"the service-account token file '{_dir.File("token")}' is empty. ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_ca_is_named_with_its_path()
    {
        WriteServiceAccount(ca: false);
        SetEnvironment("10.96.0.1", "443", _dir.Path);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KubeConnection.InCluster());

        Assert.StartsWith($"Cannot connect to the Kubernetes API server from inside the cluster: the cluster CA file '{_dir.File("ca.crt")}' does not exist. ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Everything_missing_is_named_at_once()
    {
        SetEnvironment(null, null, _dir.Path);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KubeConnection.InCluster());

        Assert.StartsWith(
            "Cannot connect to the Kubernetes API server from inside the cluster: the environment variable KUBERNETES_SERVICE_HOST is not set; "
            + "the environment variable KUBERNETES_SERVICE_PORT is not set; "
            + $"the service-account token file '{_dir.File("token")}' does not exist; "
            + $"the cluster CA file '{_dir.File("ca.crt")}' does not exist. ",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("automountServiceAccountToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_directory_is_used_without_options_or_environment()
    {
        Assert.SkipWhen(Directory.Exists("/var/run/secrets/kubernetes.io/serviceaccount"), "this machine runs in a pod");
        SetEnvironment("10.96.0.1", "443", null);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KubeConnection.InCluster());

        Assert.Contains("'/var/run/secrets/kubernetes.io/serviceaccount/token'", error.Message, StringComparison.Ordinal);
    }
}
