using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Admission;

/// <summary>The answer of one webhook call.</summary>
internal sealed record WebhookAnswer(bool Allowed, JsonObject? Status, JsonNode? Patch, IReadOnlyList<string> Warnings);

/// <summary>
/// Calls one webhook as kube-apiserver's webhook client does: POST of an <c>admission.k8s.io/v1</c>
/// AdmissionReview to the URL or to <c>https://&lt;service&gt;.&lt;namespace&gt;.svc:&lt;port&gt;&lt;path&gt;</c>
/// with <c>?timeout=&lt;timeoutSeconds&gt;s</c>, the server's certificate checked against the
/// <c>caBundle</c> (or the system's roots without one) for that name, the whole call bounded by
/// <c>timeoutSeconds</c>. A Service is reached at the endpoint the emulator's
/// <see cref="KubeApiServerEmulatorOptions.WebhookServices"/> gives it (there is no cluster network).
/// </summary>
internal sealed class WebhookCaller(IDictionary<string, string> services)
{
    /// <exception cref="WebhookCallException">The webhook could not be called or answered something unusable.</exception>
    public async Task<WebhookAnswer> CallAsync(WebhookConfiguration webhook, JsonObject review, CancellationToken cancellationToken)
    {
        Uri target = Target(webhook);
        string uid = WebhookConfiguration.Text(review["request"]?["uid"]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(webhook.TimeoutSeconds));
        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(webhook.TimeoutSeconds), PooledConnectionLifetime = TimeSpan.Zero };
        handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(webhook, certificate, errors) };
        if (webhook.ServiceName is not null)
        {
            DnsEndPoint endpoint = Endpoint(webhook);
            handler.ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(endpoint, token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(review.ToJsonString()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        string post = $"Post \"{target}\"";
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(target, content, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WebhookCallException($"failed to call webhook: {post}: context deadline exceeded");
        }
        catch (HttpRequestException e)
        {
            throw new WebhookCallException($"failed to call webhook: {post}: {Innermost(e)}");
        }

        using (response)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new WebhookCallException($"failed to call webhook: {post}: context deadline exceeded");
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                string snippet = body.Length > 256 ? body[..256] : body;
                throw new WebhookCallException($"failed to call webhook: the server responded with the status code {(int)response.StatusCode} ({snippet.Trim()})");
            }

            return Parse(body, uid);
        }
    }

    private Uri Target(WebhookConfiguration webhook)
    {
        if (webhook.Url is Uri url)
        {
            return AddTimeout(url, webhook.TimeoutSeconds);
        }

        if (webhook.ServiceName is null || webhook.ServiceNamespace is null)
        {
            throw new WebhookCallException("failed to call webhook: clientConfig has neither url nor service");
        }

        return AddTimeout(new Uri($"https://{webhook.ServiceName}.{webhook.ServiceNamespace}.svc:{webhook.ServicePort}{webhook.ServicePath ?? "/"}"), webhook.TimeoutSeconds);
    }

    private DnsEndPoint Endpoint(WebhookConfiguration webhook)
    {
        string key = webhook.ServiceNamespace + "/" + webhook.ServiceName;
        if (!services.TryGetValue(key, out string? address))
        {
            throw new WebhookCallException($"failed to call webhook: service \"{key}\" has no endpoint (the emulator reaches a Service through KubeApiServerEmulatorOptions.WebhookServices or --webhook-service {key}=HOST:PORT)");
        }

        int colon = address.LastIndexOf(':');
        return new DnsEndPoint(address[..colon].Trim('[', ']'), int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Uri AddTimeout(Uri uri, int seconds)
    {
        var builder = new UriBuilder(uri);
        string query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "timeout=" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "s";
        return builder.Uri;
    }

    private static bool Trusted(WebhookConfiguration webhook, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (webhook.CaBundle is null)
        {
            return errors == SslPolicyErrors.None;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(webhook.CaBundle);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static WebhookAnswer Parse(string body, string uid)
    {
        JsonObject? review;
        try
        {
            review = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException e)
        {
            throw new WebhookCallException($"failed to call webhook: {e.Message}");
        }

        if (review is null || WebhookConfiguration.Text(review["apiVersion"]) != "admission.k8s.io/v1" || WebhookConfiguration.Text(review["kind"]) != "AdmissionReview")
        {
            throw new WebhookCallException("received invalid webhook response: expected an admission.k8s.io/v1 AdmissionReview");
        }

        if (review["response"] is not JsonObject response)
        {
            throw new WebhookCallException("received invalid webhook response: the response is missing");
        }

        string answeredUid = WebhookConfiguration.Text(response["uid"]);
        if (answeredUid != uid)
        {
            throw new WebhookCallException($"expected response.uid=\"{uid}\", got \"{answeredUid}\"");
        }

        bool allowed = response["allowed"] is JsonValue a && a.TryGetValue(out bool value) && value;
        JsonNode? patch = null;
        if (response["patch"] is JsonValue p && p.TryGetValue(out string? base64) && base64.Length > 0)
        {
            if (WebhookConfiguration.Text(response["patchType"]) != "JSONPatch")
            {
                throw new WebhookCallException($"received invalid webhook response: unsupported patch type \"{WebhookConfiguration.Text(response["patchType"])}\"");
            }

            try
            {
                patch = JsonNode.Parse(Convert.FromBase64String(base64));
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                throw new WebhookCallException($"received invalid webhook response: the patch is not base64 JSON: {e.Message}");
            }
        }

        List<string> warnings = (response["warnings"] as JsonArray ?? []).Select(WebhookConfiguration.Text).Where(w => w.Length > 0).ToList();
        return new WebhookAnswer(allowed, response["status"] as JsonObject, patch, warnings);
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}

/// <summary>A webhook could not be called, or its answer could not be used (kube's <c>ErrCallingWebhook</c>).</summary>
internal sealed class WebhookCallException(string message) : Exception(message);
