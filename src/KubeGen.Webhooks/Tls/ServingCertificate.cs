using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KubeGen.Runtime;

namespace KubeGen.Webhooks.Tls;

/// <summary>
/// The server's certificate from a mounted Secret directory (<c>tls.crt</c> with any intermediates
/// after the leaf, <c>tls.key</c>; the layout of kubernetes.io/tls Secrets and cert-manager), cached
/// and followed as it rotates: before each TLS handshake <see cref="Refresh"/> compares where the
/// two files really point (the kubelet swaps a <c>..data</c> symlink) and their modification times
/// with the last load, a few metadata calls and no read, and loads them again when either changed.
/// So the first handshake after a rotation uses the new certificate, without a restart and without
/// a timer. A rotation that cannot be loaded (half written, a key that does not match) keeps the
/// last good certificate and is reported through <see cref="ReloadFailed"/>.
/// </summary>
public sealed class ServingCertificate : IDisposable
{
    private readonly Lock _gate = new();
    private FileStamp _certificateStamp;
    private FileStamp _keyStamp;
    private Loaded? _current;

    /// <summary>Reads nothing yet: <see cref="Load"/> does.</summary>
    public ServingCertificate(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
    }

    /// <summary>The mounted directory.</summary>
    public string Directory { get; }

    /// <summary><c>tls.crt</c> in <see cref="Directory"/>.</summary>
    public string CertificatePath => Path.Combine(Directory, "tls.crt");

    /// <summary><c>tls.key</c> in <see cref="Directory"/>.</summary>
    public string KeyPath => Path.Combine(Directory, "tls.key");

    /// <summary><c>ca.crt</c> in <see cref="Directory"/> (cert-manager writes it; optional).</summary>
    public string AuthorityPath => Path.Combine(Directory, "ca.crt");

    /// <summary>How many times a certificate was loaded (1 after <see cref="Load"/>, +1 per rotation picked up).</summary>
    public int Generation { get; private set; }

    /// <summary>The certificate in use (the leaf, with its private key).</summary>
    public X509Certificate2 Certificate => (_current ?? throw new InvalidOperationException("The serving certificate is not loaded yet.")).Leaf;

    /// <summary>The intermediates sent after the leaf.</summary>
    public X509Certificate2Collection Intermediates => (_current ?? throw new InvalidOperationException("The serving certificate is not loaded yet.")).Intermediates;

    /// <summary>Raised after a rotated certificate was loaded (on the handshake that noticed it).</summary>
    public event EventHandler<X509Certificate2>? Reloaded;

    /// <summary>Raised when rotated files could not be loaded; the old certificate stays in use.</summary>
    public event EventHandler<WebhookCertificateException>? ReloadFailed;

    /// <summary>Loads the files now.</summary>
    /// <exception cref="WebhookCertificateException">Missing or unreadable files, or a key that does not belong to the certificate.</exception>
    public void Load()
    {
        lock (_gate)
        {
            FileStamp certificate = FileStamp.Of(CertificatePath);
            FileStamp key = FileStamp.Of(KeyPath);
            Swap(Read(), certificate, key);
        }
    }

    /// <summary>Loads the files again if they changed since the last load.</summary>
    /// <returns>True when a new certificate is now in use.</returns>
    public bool Refresh()
    {
        EventHandler<X509Certificate2>? reloaded;
        X509Certificate2 leaf;
        lock (_gate)
        {
            FileStamp certificate = FileStamp.Of(CertificatePath);
            FileStamp key = FileStamp.Of(KeyPath);
            if (certificate == _certificateStamp && key == _keyStamp)
            {
                return false;
            }

            try
            {
                Swap(Read(), certificate, key);
            }
            catch (WebhookCertificateException e)
            {
                // Not retried until the files change again: a half-written rotation is followed by the rest of it.
                _certificateStamp = certificate;
                _keyStamp = key;
                ReloadFailed?.Invoke(this, e);
                return false;
            }

            reloaded = Reloaded;
            leaf = _current!.Leaf;
        }

        reloaded?.Invoke(this, leaf);
        return true;
    }

    /// <summary>The TLS context of the current certificate, refreshed first: what every handshake uses.</summary>
    internal SslStreamCertificateContext Context
    {
        get
        {
            Refresh();
            return (_current ?? throw new InvalidOperationException("The serving certificate is not loaded yet.")).Context;
        }
    }

    private void Swap(Loaded loaded, FileStamp certificate, FileStamp key)
    {
        _current = loaded;
        _certificateStamp = certificate;
        _keyStamp = key;
        Generation++;
    }

    private Loaded Read()
    {
        if (!File.Exists(CertificatePath) || !File.Exists(KeyPath))
        {
            string missing = string.Join(" and ", new[] { CertificatePath, KeyPath }.Where(p => !File.Exists(p)));
            throw new WebhookCertificateException(
                $"The webhook's serving certificate is missing: {missing} does not exist. Mount a kubernetes.io/tls Secret "
                + $"(from cert-manager or kubectl create secret tls) at {Directory}.");
        }

        X509Certificate2Collection all = [];
        X509Certificate2 leaf;
        try
        {
            all.ImportFromPemFile(CertificatePath);
            if (all.Count == 0)
            {
                throw new WebhookCertificateException($"{CertificatePath} holds no PEM certificate.");
            }

            leaf = X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // The message of CreateFromPemFile never holds key material; it is replaced anyway, with what to check.
            throw new WebhookCertificateException(
                $"The webhook's serving certificate cannot be loaded from {CertificatePath} and {KeyPath}: the files are not PEM, "
                + "or the key does not belong to the first certificate of tls.crt (" + e.GetType().Name + ").", e);
        }
        catch (IOException e)
        {
            throw new WebhookCertificateException($"The webhook's serving certificate cannot be read from {Directory}: {e.Message}", e);
        }

        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < all.Count; i++)
        {
            intermediates.Add(all[i]);
        }

        return new Loaded(leaf, intermediates, SslStreamCertificateContext.Create(leaf, intermediates, offline: true));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _current = null;
        }
    }

    private sealed record Loaded(X509Certificate2 Leaf, X509Certificate2Collection Intermediates, SslStreamCertificateContext Context);
}
