using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime;

/// <summary>
/// A source of credentials that runs something to get them (a kubeconfig's exec plugin, <see cref="ExecCredentialPlugin"/>).
/// </summary>
/// <remarks>
/// The connection reaches the plugin only through this interface on purpose: Native AOT compiles the methods of a class
/// only when the class is ever created, and only <see cref="KubeConnection.Connect(KubeConnectOptions?)"/> creates one.
/// An app that connects in-cluster therefore carries none of the plugin code (process handling, JSON, PEM), nor the
/// kubeconfig reader behind it.
/// </remarks>
internal interface ICredentialPlugin
{
    /// <summary>The client certificate of the current credential, for TLS handshakes; null when it has none.</summary>
    X509Certificate2? CurrentCertificate { get; }

    /// <summary>The tokens the plugin returned lately, for redaction.</summary>
    IReadOnlyList<string> KnownTokens { get; }

    /// <summary>The current token, getting a new credential first when there is none or it expired.</summary>
    ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>After a 401 for <paramref name="rejectedToken"/>: a new token, or null when retrying would not help.</summary>
    ValueTask<string?> RefreshAfterUnauthorizedAsync(string? rejectedToken, CancellationToken cancellationToken);
}
