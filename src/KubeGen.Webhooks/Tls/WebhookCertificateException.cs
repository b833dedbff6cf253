namespace KubeGen.Webhooks.Tls;

/// <summary>The serving certificate cannot be used; the message says which file and what is wrong, never key material.</summary>
public sealed class WebhookCertificateException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
