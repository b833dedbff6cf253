using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.Testing;
using KubeGen.Testing.Tests.Infrastructure;

namespace KubeGen.Webhooks.Tests.Infrastructure;

/// <summary>
/// The emulator (serving the mini cluster and admissionregistration.k8s.io/v1) and a webhook server
/// it reaches as the Service <c>webhooks/policy</c>, trusting the webhook's CA through <c>caBundle</c>:
/// kube-apiserver and a webhook deployment, on loopback.
/// </summary>
public sealed class AdmissionTestbed : IAsyncDisposable
{
    private AdmissionTestbed(KubeApiServerEmulator emulator, TestWebhookServer webhooks)
    {
        Emulator = emulator;
        Webhooks = webhooks;
        Client = emulator.CreateHttpClient();
    }

    public KubeApiServerEmulator Emulator { get; }

    public TestWebhookServer Webhooks { get; }

    public HttpClient Client { get; }

    public static string AdmissionSpec => Path.Combine(AppContext.BaseDirectory, "Fixtures", "mini-admissionregistration.swagger.json");

    public static async Task<AdmissionTestbed> StartAsync(Action<WebhookApplicationBuilder> register)
    {
        var options = new KubeApiServerEmulatorOptions();
        options.SpecFiles.Add(KubeGen.Testing.Tests.Infrastructure.Emulator.FixtureSpec);
        options.SpecFiles.Add(AdmissionSpec);
        options.Namespaces.Add("team");
        KubeApiServerEmulator emulator = await KubeApiServerEmulator.StartAsync(options, TestContext.Current.CancellationToken);
        TestWebhookServer webhooks = await TestWebhookServer.StartAsync(register);
        options.WebhookServices[TestWebhookServer.Namespace + "/" + TestWebhookServer.ServiceName] = "127.0.0.1:" + webhooks.App.Port;
        return new AdmissionTestbed(emulator, webhooks);
    }

    /// <summary>The configuration objects the webhook server's manifests hold, with the test CA as caBundle.</summary>
    public IReadOnlyList<JsonObject> Configurations()
    {
        var manifests = Webhooks.App.BuildManifests();
        string caBundle = Convert.ToBase64String(Encoding.UTF8.GetBytes(TestCertificates.Pem(Webhooks.Authority)));
        var configurations = new List<JsonObject>();
        foreach (JsonObject document in manifests.Where(d => ((string)d["kind"]!).EndsWith("WebhookConfiguration", StringComparison.Ordinal)))
        {
            JsonObject copy = document.DeepClone().AsObject();
            copy["metadata"]!.AsObject().Remove("annotations");
            foreach (JsonNode? webhook in copy["webhooks"]!.AsArray())
            {
                webhook!["clientConfig"]!["caBundle"] = caBundle;
            }

            configurations.Add(copy);
        }

        return configurations;
    }

    /// <summary>Stores the webhook configurations of the registered webhooks.</summary>
    public async Task InstallAsync()
    {
        foreach (JsonObject configuration in Configurations())
        {
            await CreateConfigurationAsync(configuration);
        }
    }

    public async Task CreateConfigurationAsync(JsonObject configuration)
    {
        string plural = (string)configuration["kind"]! == "MutatingWebhookConfiguration" ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
        var answer = await SendAsync(HttpMethod.Post, $"/apis/admissionregistration.k8s.io/v1/{plural}", configuration.ToJsonString());
        Assert.True(answer.Code == HttpStatusCode.Created, $"creating {configuration["metadata"]!["name"]}: {answer.Code} {answer.Body}");
    }

    /// <summary>A request to the emulator: the status, the body and the <c>Warning</c> headers.</summary>
    public async Task<(HttpStatusCode Code, JsonNode? Body, IReadOnlyList<string> Warnings)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using HttpResponseMessage response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        IReadOnlyList<string> warnings = response.Headers.TryGetValues("Warning", out IEnumerable<string>? values) ? values.ToList() : [];
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), warnings);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Webhooks.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
