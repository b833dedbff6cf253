using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace KubeGen.Runtime;

/// <summary>
/// What an exec credential plugin printed: the <c>status</c> of a <c>client.authentication.k8s.io</c> <c>ExecCredential</c>,
/// a bearer token and/or a client certificate, valid until <see cref="Expires"/> (or until the server rejects it).
/// </summary>
internal sealed class ExecCredential(string? token, X509Certificate2? certificate, DateTimeOffset? expires)
{
    public string? Token { get; } = token;

    public X509Certificate2? Certificate { get; } = certificate;

    public DateTimeOffset? Expires { get; } = expires;

    public override string ToString() => "ExecCredential [REDACTED]";

    /// <summary>Reads the plugin's standard output. Errors say what is wrong but never quote the output (it holds the credential).</summary>
    public static ExecCredential Parse(ReadOnlySpan<byte> output, string expectedApiVersion, Func<string, KubeconfigException> error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output.ToArray());
        }
        catch (JsonException ex)
        {
            throw error(string.Create(
                CultureInfo.InvariantCulture,
                $"printed something that is not JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); an exec plugin must print one ExecCredential object."));
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw error("printed JSON that is not an object; an exec plugin must print one ExecCredential object.");
            }

            string? kind = StringOf(root, "kind");
            string? apiVersion = StringOf(root, "apiVersion");
            if (kind != "ExecCredential")
            {
                throw error($"printed kind '{kind}', not ExecCredential.");
            }

            if (apiVersion != expectedApiVersion)
            {
                throw error($"printed apiVersion '{apiVersion}', but the kubeconfig asks for '{expectedApiVersion}' (exec.apiVersion); they must match.");
            }

            if (!root.TryGetProperty("status", out JsonElement status) || status.ValueKind != JsonValueKind.Object)
            {
                throw error("printed an ExecCredential without a status.");
            }

            string? token = StringOf(status, "token");
            string? certificatePem = StringOf(status, "clientCertificateData");
            string? keyPem = StringOf(status, "clientKeyData");
            DateTimeOffset? expires = null;
            if (StringOf(status, "expirationTimestamp") is { Length: > 0 } stamp)
            {
                if (!DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
                {
                    throw error($"printed status.expirationTimestamp '{stamp}', which is not an RFC 3339 time.");
                }

                expires = parsed;
            }

            if (string.IsNullOrEmpty(certificatePem) != string.IsNullOrEmpty(keyPem))
            {
                throw error("printed only one of status.clientCertificateData and status.clientKeyData; a client certificate needs both.");
            }

            if (string.IsNullOrEmpty(token) && string.IsNullOrEmpty(certificatePem))
            {
                throw error("printed an ExecCredential with neither status.token nor status.clientCertificateData and clientKeyData.");
            }

            X509Certificate2? certificate = null;
            if (!string.IsNullOrEmpty(certificatePem))
            {
                try
                {
                    certificate = ClientCertificates.FromPem(certificatePem, keyPem!);
                }
                catch (CryptographicException ex)
                {
                    throw error($"printed a client certificate and key that cannot be loaded: {ex.Message}");
                }
            }

            return new ExecCredential(string.IsNullOrEmpty(token) ? null : token, certificate, expires);
        }
    }

    /// <summary>The <c>KUBERNETES_EXEC_INFO</c> a plugin reads: apiVersion, kind, spec.interactive and, when asked for, spec.cluster.</summary>
    public static string Request(string apiVersion, bool interactive, ExecClusterInfo? cluster)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", "ExecCredential");
            json.WriteString("apiVersion", apiVersion);
            json.WriteStartObject("spec");
            json.WriteBoolean("interactive", interactive);
            if (cluster is not null)
            {
                json.WriteStartObject("cluster");
                json.WriteString("server", cluster.Server);
                if (cluster.TlsServerName is not null)
                {
                    json.WriteString("tls-server-name", cluster.TlsServerName);
                }

                if (cluster.InsecureSkipTlsVerify)
                {
                    json.WriteBoolean("insecure-skip-tls-verify", true);
                }

                if (cluster.CertificateAuthorityData is not null)
                {
                    json.WriteBase64String("certificate-authority-data", cluster.CertificateAuthorityData);
                }

                if (cluster.ProxyUrl is not null)
                {
                    json.WriteString("proxy-url", cluster.ProxyUrl);
                }

                if (cluster.DisableCompression)
                {
                    json.WriteBoolean("disable-compression", true);
                }

                if (cluster.Config is not null)
                {
                    json.WritePropertyName("config");
                    json.WriteRawValue(cluster.Config, skipInputValidation: false);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? StringOf(JsonElement element, string name)
        => element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The cluster a plugin with <c>provideClusterInfo: true</c> is told about (client-go's <c>Cluster</c> of an ExecCredential).</summary>
internal sealed record ExecClusterInfo(
    string Server,
    string? TlsServerName,
    bool InsecureSkipTlsVerify,
    byte[]? CertificateAuthorityData,
    string? ProxyUrl,
    bool DisableCompression,
    string? Config);
