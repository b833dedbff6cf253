using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Runtime.Tests.Infrastructure;
using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// samples/LabelPolicy, the admission webhook sample, published with Native AOT and run as its
/// Deployment runs it (a certificate directory, the namespace in the environment), with the emulator
/// calling it as kube-apiserver would through the configurations the binary prints. Runs in the demo
/// collection (not in parallel with it): both publish with Native AOT.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed class LabelPolicyTests(LabelPolicyFixture fixture, ITestOutputHelper output) : IClassFixture<LabelPolicyFixture>
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private const string ServiceNamespace = "label-policy";
    private const string ServiceDnsName = "label-policy.label-policy.svc";

    [Fact]
    public void Publish_succeeds_without_any_warning()
    {
        fixture.RequirePrerequisites();
        ProcessResult publish = fixture.Publish!;
        fixture.WriteSummary(output);

        Assert.True(fixture.AllWarningLines.Count == 0, "The publish printed warnings:\n" + string.Join('\n', fixture.AllWarningLines));
        Assert.False(publish.TimedOut, "The publish did not finish in time.");
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed with exit code {publish.ExitCode}:\n" + string.Join('\n', fixture.WarningAndErrorLines));
        Assert.False(File.Exists(Path.Combine(fixture.PublishDirectory, fixture.AppName + ".dll")), "The app was not compiled ahead of time.");
    }

    [Fact]
    public async Task The_native_webhook_allows_mutates_and_denies_what_the_emulator_sends_it()
    {
        fixture.RequirePublishedBinary();
        CancellationToken ct = TestContext.Current.CancellationToken;
        X509Certificate2 authority = TestCertificates.CreateAuthority("LabelPolicy test CA");
        string certificates = Directory.CreateTempSubdirectory("kubegen-e2e-labelpolicy-").FullName;
        try
        {
            await WriteSecretAsync(certificates, TestCertificates.CreateServer(authority, ServiceDnsName), authority, ct);
            string caFile = Path.Combine(certificates, "ca.crt");

            // The configurations come from the binary itself, as `--print-manifests` prints them for a cluster.
            ProcessResult printed = await ProcessRunner.RunAsync(fixture.BinaryPath, ["--print-manifests", "--namespace", ServiceNamespace, "--ca-bundle", caFile], certificates, new Dictionary<string, string?>(), StepTimeout, ct);
            Assert.True(printed.ExitCode == 0, printed.CombinedText);
            string[] documents = string.Join("\n", printed.StandardOutput).Split("---\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(documents, d => d.Contains("kind: Deployment", StringComparison.Ordinal) && d.Contains("readOnlyRootFilesystem: true", StringComparison.Ordinal));

            await using RunningProcess webhook = RunningProcess.Start(
                fixture.BinaryPath, [], certificates,
                [new("LABEL_POLICY_CERT_DIR", certificates), new("LABEL_POLICY_NAMESPACE", ServiceNamespace), new("LABEL_POLICY_PORT", "0"), new("ASPNETCORE_URLS", "")],
                "LabelPolicy", output);
            string listening = await webhook.WaitForLineAsync(l => l.Contains("Now listening on: https://", StringComparison.Ordinal), "Now listening on", StepTimeout, ct);
            string port = listening[(listening.LastIndexOf(':') + 1)..].Trim();

            // HTTP/2 over TLS (ALPN h2), which kube-apiserver's webhook client uses when it is offered.
            using (HttpClient h2 = CreateHttp2Client(authority))
            {
                using HttpResponseMessage ready = await h2.GetAsync(new Uri($"https://127.0.0.1:{port}/readyz"), ct);
                Assert.Equal(HttpVersion.Version20, ready.Version);
                Assert.Equal("ok", await ready.Content.ReadAsStringAsync(ct));
            }

            var options = new KubeApiServerEmulatorOptions();
            options.SpecFiles.Add(Path.Combine(fixture.RepositoryRoot, "fixtures", "openapi", "mini-cluster.swagger.json"));
            options.SpecFiles.Add(Path.Combine(fixture.RepositoryRoot, "fixtures", "openapi", "mini-admissionregistration.swagger.json"));
            options.WebhookServices[ServiceNamespace + "/label-policy"] = "127.0.0.1:" + port;
            await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, ct);
            using HttpClient http = server.CreateHttpClient();
            foreach (string document in documents.Where(d => d.Contains("WebhookConfiguration\n", StringComparison.Ordinal)))
            {
                string plural = document.Contains("kind: MutatingWebhookConfiguration", StringComparison.Ordinal) ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
                (HttpStatusCode code, JsonNode? body, _) = await SendAsync(http, server, $"apis/admissionregistration.k8s.io/v1/{plural}", document, "application/yaml", ct);
                Assert.True(code == HttpStatusCode.Created, $"{plural}: {code} {body}");
            }

            // Allowed as it is.
            var allowed = await SendAsync(http, server, "api/v1/namespaces/default/pods", Pod("web", """{"app":"web","app.kubernetes.io/managed-by":"team"}""", """{"requests":{"cpu":"100m"}}"""), "application/json", ct);
            Assert.Equal(HttpStatusCode.Created, allowed.Code);
            Assert.Equal("team", (string?)allowed.Body!["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
            Assert.Empty(allowed.Warnings);

            // Mutated: the defaults are in the stored object, and the warning came back.
            var mutated = await SendAsync(http, server, "api/v1/namespaces/default/pods", Pod("api", """{"app":"api"}""", "{}"), "application/json", ct);
            Assert.Equal(HttpStatusCode.Created, mutated.Code);
            JsonObject stored = server.GetObject("v1", "Pod", "default", "api")!;
            Assert.Equal("label-policy", (string?)stored["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
            Assert.Equal("""{"cpu":"50m","memory":"64Mi"}""", stored["spec"]!["containers"]![0]!["resources"]!["requests"]!.ToJsonString());
            Assert.Equal(["299 - \"label-policy: defaults were added to pod api\""], mutated.Warnings);

            // Denied, for a Pod and for a Deployment whose template lacks the label.
            var denied = await SendAsync(http, server, "api/v1/namespaces/default/pods", Pod("bare", "{}", "{}"), "application/json", ct);
            Assert.Equal(HttpStatusCode.Forbidden, denied.Code);
            Assert.Equal("admission webhook \"require-app-label.label-policy.kubegen.dev\" denied the request: pod bare has no \"app\" label; add metadata.labels.app", (string?)denied.Body!["message"]);
            var deployment = await SendAsync(http, server, "apis/apps/v1/namespaces/default/deployments", """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"d"}},"spec":{"selector":{"matchLabels":{"x":"y"}},"template":{"metadata":{"labels":{"x":"y"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""", "application/json", ct);
            Assert.Equal(HttpStatusCode.Forbidden, deployment.Code);
            Assert.Contains("the pod template of deployment d has no \"app\" label", (string?)deployment.Body!["message"], StringComparison.Ordinal);

            Assert.Equal(0, await webhook.StopAsync(StepTimeout));
        }
        finally
        {
            Directory.Delete(certificates, recursive: true);
        }
    }

    [Fact]
    public async Task The_native_webhook_refuses_to_start_with_a_certificate_for_another_name()
    {
        fixture.RequirePublishedBinary();
        (ProcessResult run, _) = await RunUntilExitAsync(TestCertificates.CreateServer(TestCertificates.Authority, "other.example.com"), null);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("it is not valid for label-policy.label-policy.svc (the name the API server connects to); its names are other.example.com", run.CombinedText, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", run.CombinedText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_native_webhook_refuses_to_start_when_the_chain_does_not_reach_ca_crt()
    {
        fixture.RequirePublishedBinary();

        // The right name, but ca.crt (what cert-manager writes next to the pair) is another authority's.
        (ProcessResult run, string caFile) = await RunUntilExitAsync(TestCertificates.CreateServer(TestCertificates.Authority, ServiceDnsName), TestCertificates.CreateAuthority("Another CA"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"its chain does not reach {caFile} (", run.CombinedText, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", run.CombinedText, StringComparison.Ordinal);
    }

    /// <summary>
    /// A client that speaks HTTP/2 only and trusts only <paramref name="authority"/> for the Service's name
    /// (it connects to 127.0.0.1, as the emulator does through WebhookServices).
    /// </summary>
    private static HttpClient CreateHttp2Client(X509Certificate2 authority)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var leaf = new X509Certificate2(certificate);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(leaf) && leaf.MatchesHostname(ServiceDnsName);
        };
        return new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
    }

    /// <summary>The mounted Secret: tls.crt and tls.key of <paramref name="serving"/>, and ca.crt when <paramref name="authority"/> is given.</summary>
    private static async Task WriteSecretAsync(string directory, X509Certificate2 serving, X509Certificate2? authority, CancellationToken ct)
    {
        TestCertificates.WritePem(Path.Combine(directory, "tls.crt"), serving);
        await File.WriteAllTextAsync(Path.Combine(directory, "tls.key"), serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), ct);
        if (authority is not null)
        {
            TestCertificates.WritePem(Path.Combine(directory, "ca.crt"), authority);
        }
    }

    /// <summary>Runs the binary as its Deployment does on a Secret of its own until it exits; also where ca.crt was.</summary>
    private async Task<(ProcessResult Run, string CaFile)> RunUntilExitAsync(X509Certificate2 serving, X509Certificate2? authority)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string certificates = Directory.CreateTempSubdirectory("kubegen-e2e-labelpolicy-").FullName;
        try
        {
            await WriteSecretAsync(certificates, serving, authority, ct);
            ProcessResult run = await ProcessRunner.RunAsync(fixture.BinaryPath, [], certificates,
                new Dictionary<string, string?> { ["LABEL_POLICY_CERT_DIR"] = certificates, ["LABEL_POLICY_NAMESPACE"] = ServiceNamespace, ["LABEL_POLICY_PORT"] = "0" }, StepTimeout, ct);
            return (run, Path.Combine(certificates, "ca.crt"));
        }
        finally
        {
            Directory.Delete(certificates, recursive: true);
        }
    }

    private static string Pod(string name, string labels, string resources)
        => $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"spec":{"containers":[{"name":"c","image":"nginx:1.27","resources":{{{resources}}}}]}}""";

    private static async Task<(HttpStatusCode Code, JsonNode? Body, IReadOnlyList<string> Warnings)> SendAsync(HttpClient http, KubeApiServerEmulator server, string path, string body, string contentType, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using HttpResponseMessage response = await http.PostAsync(new Uri(server.BaseUrl, path), content, ct);
        string text = await response.Content.ReadAsStringAsync(ct);
        IReadOnlyList<string> warnings = response.Headers.TryGetValues("Warning", out IEnumerable<string>? values) ? values.ToList() : [];
        return (response.StatusCode, JsonNode.Parse(text), warnings);
    }
}

/// <summary>Publishes samples/LabelPolicy with Native AOT from this repository's projects (KubeGen and KubeGen.Webhooks).</summary>
public sealed class LabelPolicyFixture() : NativeAotPublishFixture("LabelPolicy", Path.Combine("samples", "LabelPolicy"));
