namespace KubeGen.Webhooks.Manifests;

/// <summary>What the generated manifests need beyond the registrations.</summary>
public sealed class ManifestOptions
{
    /// <summary>The container image of the Deployment.</summary>
    public string Image { get; set; } = "webhook:latest";

    /// <summary>Replicas of the Deployment (default 2: the API server keeps calling the webhook while one pod restarts).</summary>
    public int Replicas { get; set; } = 2;

    /// <summary>
    /// True (the default): cert-manager issues the serving certificate (a self-signed <c>Issuer</c> and a
    /// <c>Certificate</c> for the Service's DNS names are generated) and injects its CA into the webhook
    /// configurations (<c>cert-manager.io/inject-ca-from</c>). False: <see cref="CaBundlePem"/> goes into
    /// each webhook's <c>caBundle</c>, or a placeholder that <c>kubectl apply</c> refuses until it is replaced.
    /// </summary>
    public bool CertManager { get; set; } = true;

    /// <summary>The PEM of the CA that signed the serving certificate, for <c>caBundle</c> without cert-manager.</summary>
    public string? CaBundlePem { get; set; }

    /// <summary>Whether the pod gets a service-account token (only if the handlers call the API server).</summary>
    public bool AutomountServiceAccountToken { get; set; }

    /// <summary>The text that stands for the CA bundle when there is neither cert-manager nor <see cref="CaBundlePem"/>.</summary>
    public const string CaBundlePlaceholder = "REPLACE_WITH_BASE64_OF_CA_PEM";
}
