using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Webhooks.Tls;

/// <summary>
/// What the API server will check of the serving certificate, checked at start so that a wrong
/// Secret fails the pod with a clear message instead of every admission call with a TLS error:
/// validity dates, server-authentication use, the Service's DNS name (<c>&lt;service&gt;.&lt;namespace&gt;.svc</c>,
/// the name kube-apiserver connects to), and, when <c>ca.crt</c> is there, that the chain reaches it.
/// </summary>
public static class CertificateCheck
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>Every problem found (empty when the certificate is fit to serve).</summary>
    public static IReadOnlyList<string> Problems(ServingCertificate certificate, IEnumerable<string> dnsNames, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        X509Certificate2 leaf = certificate.Certificate;
        var problems = new List<string>();
        if (leaf.NotAfter.ToUniversalTime() < now.UtcDateTime)
        {
            problems.Add($"it expired on {Date(leaf.NotAfter)}");
        }

        if (leaf.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            problems.Add($"it is not valid before {Date(leaf.NotBefore)}");
        }

        if (leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usage
            && !usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ServerAuthentication))
        {
            problems.Add("its extended key usage does not include server authentication");
        }

        foreach (string name in dnsNames)
        {
            if (!leaf.MatchesHostname(name, allowWildcards: true, allowCommonName: false))
            {
                problems.Add($"it is not valid for {name} (the name the API server connects to); its names are {Names(leaf)}");
            }
        }

        if (File.Exists(certificate.AuthorityPath))
        {
            problems.AddRange(ChainProblems(certificate, now));
        }

        return problems;
    }

    /// <summary>Throws with every problem when there is any.</summary>
    /// <exception cref="WebhookCertificateException">The certificate is not fit to serve.</exception>
    public static void Ensure(ServingCertificate certificate, IEnumerable<string> dnsNames, DateTimeOffset now)
    {
        IReadOnlyList<string> problems = Problems(certificate, dnsNames, now);
        if (problems.Count > 0)
        {
            throw new WebhookCertificateException(
                $"The webhook's serving certificate {certificate.CertificatePath} (subject {certificate.Certificate.Subject}) cannot be used: "
                + string.Join("; ", problems) + ".");
        }
    }

    private static IEnumerable<string> ChainProblems(ServingCertificate certificate, DateTimeOffset now)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(certificate.AuthorityPath);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return [$"{certificate.AuthorityPath} is not a PEM certificate bundle"];
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ExtraStore.AddRange(certificate.Intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(certificate.Certificate))
        {
            return [];
        }

        string status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct(StringComparer.Ordinal));
        return [$"its chain does not reach {certificate.AuthorityPath} ({status}); put any intermediates after the leaf in tls.crt"];
    }

    private static string Names(X509Certificate2 leaf)
    {
        X509SubjectAlternativeNameExtension? san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return "none (no subject alternative names)";
        }

        IEnumerable<string> names = san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString()));
        string list = string.Join(", ", names);
        return list.Length == 0 ? "none" : list;
    }

    private static string Date(DateTime value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
