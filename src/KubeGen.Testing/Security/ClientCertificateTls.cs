using System.Security.Cryptography.X509Certificates;
using KubeGen.Testing.Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KubeGen.Testing.Security;

/// <summary>Kestrel's TLS settings for the emulator: its server certificate and, when asked for, client certificates from its CA.</summary>
internal static class ClientCertificateTls
{
    /// <summary>The mode in force: a kubeconfig with a client certificate needs certificates to be at least accepted.</summary>
    public static ClientCertificateAuthentication ModeOf(KubeApiServerEmulatorOptions options)
        => options.KubeconfigClientCertificate && options.ClientCertificates == ClientCertificateAuthentication.Off
            ? ClientCertificateAuthentication.Accepted
            : options.ClientCertificates;

    public static void Configure(HttpsConnectionAdapterOptions https, X509Certificate2 server, X509Certificate2 authority, ClientCertificateAuthentication mode)
    {
        https.ServerCertificate = server;
        if (mode == ClientCertificateAuthentication.Off)
        {
            return;
        }

        // Asked for in the first handshake (never renegotiated, which HTTP/2 forbids), like kube-apiserver's VerifyClientCertIfGiven.
        https.ClientCertificateMode = mode == ClientCertificateAuthentication.Required ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate;
        https.ClientCertificateValidation = (certificate, _, _) => ClientCertificateIssuer.IsIssuedBy(certificate, authority);
    }
}
