using System.Text;

namespace KubeGen.Testing.Security;

/// <summary>
/// The text of a kubeconfig for the emulator: one cluster (server, CA data), one context (namespace) and one user,
/// authenticated by a bearer token or a client certificate. kubectl and <c>KubeClient.Connect()</c> read it alike.
/// </summary>
internal static class KubeconfigWriter
{
    public const string Name = "kubegen-emulator";

    public static string Text(Uri server, string caPem, string ns, string? token, EmulatorClientCertificate? certificate)
    {
        string user = certificate is not null
            ? $"""
                client-certificate-data: {Base64(certificate.CertificatePem)}
                client-key-data: {Base64(certificate.PrivateKeyPem)}
            """
            : $"""
                token: "{token}"
            """;
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {Name}
              cluster:
                server: {server.ToString().TrimEnd('/')}
                certificate-authority-data: {Base64(caPem)}
            contexts:
            - name: {Name}
              context:
                cluster: {Name}
                user: {Name}
                namespace: {ns}
            current-context: {Name}
            users:
            - name: {Name}
              user:
            {user}

            """;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));
}
