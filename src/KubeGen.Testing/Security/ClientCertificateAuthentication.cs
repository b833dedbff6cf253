namespace KubeGen.Testing;

/// <summary>Whether the emulator asks for TLS client certificates (<see cref="KubeApiServerEmulatorOptions.ClientCertificates"/>).</summary>
public enum ClientCertificateAuthentication
{
    /// <summary>Not asked for: clients authenticate with bearer tokens (the default).</summary>
    Off,

    /// <summary>
    /// Asked for, as kube-apiserver does: a certificate from <see cref="KubeApiServerEmulator.IssueClientCertificate"/> authenticates
    /// its user; clients without one use bearer tokens. A certificate from another CA fails the TLS handshake.
    /// </summary>
    Accepted,

    /// <summary>Required: the TLS handshake fails without a certificate issued by the emulator's CA, so bearer tokens alone never get in.</summary>
    Required,
}

/// <summary>A TLS client certificate the emulator issued, as PEM (what a kubeconfig's <c>client-certificate-data</c> and <c>client-key-data</c> hold).</summary>
/// <param name="CertificatePem">The certificate (CN = user name, O = groups), issued by the emulator's CA.</param>
/// <param name="PrivateKeyPem">Its private key: <c>RSA PRIVATE KEY</c> (PKCS#1) or <c>EC PRIVATE KEY</c> (SEC1).</param>
public sealed record EmulatorClientCertificate(string CertificatePem, string PrivateKeyPem)
{
    /// <summary>Never shows the key.</summary>
    public override string ToString() => "EmulatorClientCertificate [key REDACTED]";
}
