using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace KubeGen.Runtime;

/// <summary>
/// Turns one context of merged kubeconfig files into <see cref="KubeConnectionOptions"/>: the context's cluster
/// (server, CA, TLS server name, proxy), its user (token, token file, client certificate or exec plugin) and its
/// namespace. Every field KubeGen does not support fails loudly instead of being ignored, because ignoring
/// (say) impersonation would send requests as someone else.
/// </summary>
internal static class KubeconfigOptionsBuilder
{
    private static readonly string[] ProxySchemes = ["http", "https", "socks5", "socks4", "socks4a"];

    public static KubeConnectionOptions Build(KubeconfigSet config, KubeConnectOptions options)
    {
        string? contextName = string.IsNullOrEmpty(options.Context) ? config.CurrentContext : options.Context;
        if (contextName is null)
        {
            throw KubeconfigException.At(config.Files[0].Path, "current-context",
                $"is not set in {config.Describe()}; set it (kubectl config use-context NAME) or pass KubeConnectOptions.Context. Contexts: {Names(config.ContextNames())}.");
        }

        KubeconfigEntry context = config.Context(contextName)
            ?? throw KubeconfigException.At(config.Files[0].Path, options.Context is null ? "current-context" : null,
                $"context '{contextName}'{(options.Context is null ? string.Empty : " (KubeConnectOptions.Context)")} is not defined in {config.Describe()}. Contexts: {Names(config.ContextNames())}.");

        string clusterName = context.String("cluster") is { Length: > 0 } c ? c : throw context.Error("cluster", "is missing: a context must name a cluster.");
        KubeconfigEntry cluster = config.Cluster(clusterName)
            ?? throw context.Error("cluster", $"names cluster '{clusterName}', which is not defined in {config.Describe()}.");
        KubeconfigEntry? user = null;
        if (context.String("user") is { Length: > 0 } userName)
        {
            user = config.User(userName) ?? throw context.Error("user", $"names user '{userName}', which is not defined in {config.Describe()}.");
        }

        ClusterSettings server = ReadCluster(cluster, options);
        string? ns = !string.IsNullOrWhiteSpace(options.Namespace) ? options.Namespace : context.String("namespace");
        UserSettings credentials = user is null ? default : ReadUser(user, server, options);
        return new KubeConnectionOptions
        {
            Server = server.Server,
            CertificateAuthorityFile = server.CaFile,
            CertificateAuthorities = server.CaCertificates,
            InsecureSkipTlsVerify = server.Insecure,
            TlsServerName = server.TlsServerName,
            Proxy = server.Proxy,
            DisableCompression = server.DisableCompression,
            Token = credentials.Token,
            TokenFile = credentials.TokenFile,
            ClientCertificate = credentials.Certificate,
            ExecPlugin = credentials.Exec,
            Namespace = string.IsNullOrWhiteSpace(ns) ? null : ns,
            MaxRetries = options.MaxRetries,
            RateLimit = options.RateLimit,
            Handlers = [.. options.Handlers],
            OnWarning = options.OnWarning,
            Origin = $"context '{contextName}' of kubeconfig {config.Describe()}",
        };
    }

    private static ClusterSettings ReadCluster(KubeconfigEntry cluster, KubeConnectOptions options)
    {
        string serverText = cluster.String("server") is { Length: > 0 } s ? s.Trim() : throw cluster.Error("server", "is missing: a cluster needs the API server's URL.");
        if (!serverText.Contains("://", StringComparison.Ordinal))
        {
            // client-go takes a bare host[:port] as https.
            serverText = "https://" + serverText;
        }

        if (!Uri.TryCreate(serverText, UriKind.Absolute, out Uri? server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
        {
            throw cluster.Error("server", $"must be an https:// (or http://) URL, but it is '{serverText}'.");
        }

        byte[]? caData = cluster.Data("certificate-authority-data");
        string? caFile = cluster.PathValue("certificate-authority");
        X509Certificate2Collection? caCertificates = null;
        if (caData is not null)
        {
            // client-go: the data wins over the file when both are set.
            caFile = null;
            caCertificates = [];
            try
            {
                caCertificates.ImportFromPem(Encoding.ASCII.GetString(caData));
            }
            catch (CryptographicException ex)
            {
                throw cluster.Error("certificate-authority-data", $"holds no readable PEM certificate: {ex.Message}", ex);
            }

            if (caCertificates.Count == 0)
            {
                throw cluster.Error("certificate-authority-data", "holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            }
        }
        else if (caFile is not null && !File.Exists(caFile))
        {
            throw cluster.Error("certificate-authority", $"names '{caFile}', which does not exist.");
        }

        bool insecure = cluster.Bool("insecure-skip-tls-verify");
        if (insecure)
        {
            if (caFile is not null || caCertificates is not null)
            {
                throw cluster.Error("insecure-skip-tls-verify", "is true while a certificate authority is set; client-go refuses that combination too. Remove one.");
            }

            if (!options.AllowInsecureSkipTlsVerify)
            {
                throw cluster.Error("insecure-skip-tls-verify",
                    "is true: the server's certificate would not be checked, so anyone on the network path could read the credentials. "
                    + "Set certificate-authority(-data) instead, or pass KubeConnectOptions.AllowInsecureSkipTlsVerify = true to accept that risk.");
            }
        }

        Uri? proxy = null;
        if (cluster.String("proxy-url") is { Length: > 0 } proxyText)
        {
            if (!Uri.TryCreate(proxyText, UriKind.Absolute, out proxy) || Array.IndexOf(ProxySchemes, proxy.Scheme) < 0)
            {
                throw cluster.Error("proxy-url", $"must be an http://, https:// or socks5:// URL, but it is '{proxyText}'.");
            }
        }

        string? tlsServerName = cluster.String("tls-server-name");
        var settings = new ClusterSettings(server, caFile, caCertificates, insecure, string.IsNullOrEmpty(tlsServerName) ? null : tlsServerName, proxy, cluster.Bool("disable-compression"));
        return settings with { ExecInfo = ClusterInfo(cluster, settings, caData) };
    }

    private static ExecClusterInfo ClusterInfo(KubeconfigEntry cluster, ClusterSettings settings, byte[]? caData)
    {
        if (caData is null && settings.CaFile is not null)
        {
            try
            {
                caData = File.ReadAllBytes(settings.CaFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw cluster.Error("certificate-authority", $"cannot be read: {ex.Message}", ex);
            }
        }

        // The plugin's per-cluster config travels in extensions[client.authentication.k8s.io/exec].
        string? config = null;
        if (cluster.Sequence("extensions") is { } extensions)
        {
            foreach (YamlNode item in extensions.Children)
            {
                if (item is YamlMappingNode mapping
                    && KubeconfigEntry.ScalarOf(mapping, "name", cluster.File, cluster.Field + ".extensions") == "client.authentication.k8s.io/exec"
                    && mapping.Children.TryGetValue(new YamlScalarNode("extension"), out YamlNode? extension))
                {
                    config = YamlJson.ToJson(extension);
                }
            }
        }

        return new ExecClusterInfo(settings.Server.ToString(), settings.TlsServerName, settings.Insecure, caData, settings.Proxy?.ToString(), settings.DisableCompression, config);
    }

    private static UserSettings ReadUser(KubeconfigEntry user, ClusterSettings cluster, KubeConnectOptions options)
    {
        if (user.Has("username") || user.Has("password"))
        {
            throw user.Error(user.Has("username") ? "username" : "password",
                "basic authentication is not supported: kube-apiserver removed it in Kubernetes 1.19. Use a token, a client certificate or an exec plugin.");
        }

        if (user.Has("auth-provider"))
        {
            throw user.Error("auth-provider",
                "is not supported: client-go removed its auth providers in Kubernetes 1.26. Use the provider's exec plugin instead (gke-gcloud-auth-plugin, kubelogin for Azure and OIDC).");
        }

        foreach (string impersonation in (string[])["as", "as-uid", "as-groups", "as-user-extra"])
        {
            if (user.Has(impersonation))
            {
                throw user.Error(impersonation, "impersonation is not supported by KubeGen; requests would be sent as the wrong user. Remove it or connect as that user.");
            }
        }

        X509Certificate2? certificate = ReadClientCertificate(user);
        ExecCredentialPlugin? exec = user.Nested("exec") is { } execEntry ? new ExecCredentialPlugin(ReadExec(execEntry, cluster, options)) : null;
        string? token = user.String("token");
        string? tokenFile = user.PathValue("tokenFile");
        return new UserSettings(string.IsNullOrEmpty(token) ? null : token, tokenFile, certificate, exec);
    }

    private static X509Certificate2? ReadClientCertificate(KubeconfigEntry user)
    {
        string? certificatePem = Pem(user, "client-certificate-data", "client-certificate", out string certificateField);
        string? keyPem = Pem(user, "client-key-data", "client-key", out string keyField);
        if (certificatePem is null && keyPem is null)
        {
            return null;
        }

        if (certificatePem is null || keyPem is null)
        {
            throw user.Error(certificatePem is null ? "client-certificate" : "client-key",
                $"is missing while {(certificatePem is null ? keyField : certificateField)} is set; a client certificate needs both.");
        }

        try
        {
            return ClientCertificates.FromPem(certificatePem, keyPem);
        }
        catch (CryptographicException ex)
        {
            // .NET's message says what is wrong (no key, encrypted, mismatched) without quoting the key.
            throw user.Error(keyField, $"cannot be used with {certificateField}: {ex.Message}", ex);
        }
    }

    private static string? Pem(KubeconfigEntry user, string dataKey, string fileKey, out string field)
    {
        if (user.Data(dataKey) is { } data)
        {
            field = dataKey;
            return Encoding.ASCII.GetString(data);
        }

        field = fileKey;
        if (user.PathValue(fileKey) is not { } file)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw user.Error(fileKey, $"names '{file}', which cannot be read: {ex.Message}", ex);
        }
    }

    private static ExecPluginConfig ReadExec(KubeconfigEntry exec, ClusterSettings cluster, KubeConnectOptions options)
    {
        string command = exec.String("command") is { Length: > 0 } c ? c : throw exec.Error("command", "is missing: an exec plugin needs a command.");
        if (command.Contains('/', StringComparison.Ordinal) || command.Contains('\\', StringComparison.Ordinal))
        {
            // client-go: a command with a path separator is relative to the kubeconfig's folder; a bare name is looked up on PATH.
            command = Path.GetFullPath(command, exec.Directory);
        }

        string apiVersion = exec.String("apiVersion") ?? string.Empty;
        if (apiVersion is not ("client.authentication.k8s.io/v1" or "client.authentication.k8s.io/v1beta1"))
        {
            throw exec.Error("apiVersion", $"is '{apiVersion}'; supported are client.authentication.k8s.io/v1 and client.authentication.k8s.io/v1beta1 (v1alpha1 was removed in Kubernetes 1.24).");
        }

        string? interactive = exec.String("interactiveMode");
        if (string.IsNullOrEmpty(interactive))
        {
            // v1 requires it (client-go refuses the plugin otherwise); v1beta1 defaults to IfAvailable.
            interactive = apiVersion.EndsWith("/v1", StringComparison.Ordinal)
                ? throw exec.Error("interactiveMode", "is required with client.authentication.k8s.io/v1 (Never, IfAvailable or Always).")
                : "IfAvailable";
        }
        else if (interactive is not ("Never" or "IfAvailable" or "Always"))
        {
            throw exec.Error("interactiveMode", $"is '{interactive}'; it must be Never, IfAvailable or Always.");
        }

        var args = new List<string>();
        if (exec.Sequence("args") is { } argList)
        {
            for (int i = 0; i < argList.Children.Count; i++)
            {
                args.Add(exec.ItemScalar(argList.Children[i], $"{exec.Field}.args[{KubeconfigEntry.Index(i)}]"));
            }
        }

        var env = new List<KeyValuePair<string, string>>();
        if (exec.Sequence("env") is { } envList)
        {
            for (int i = 0; i < envList.Children.Count; i++)
            {
                string field = $"{exec.Field}.env[{KubeconfigEntry.Index(i)}]";
                if (envList.Children[i] is not YamlMappingNode item
                    || KubeconfigEntry.ScalarOf(item, "name", exec.File, field + ".name") is not { Length: > 0 } name)
                {
                    throw KubeconfigException.At(exec.File, field, "must be a mapping with name and value.");
                }

                env.Add(new(name, KubeconfigEntry.ScalarOf(item, "value", exec.File, field + ".value") ?? string.Empty));
            }
        }

        if (options.ExecPluginTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("KubeConnectOptions.ExecPluginTimeout must be positive.", nameof(options));
        }

        return new ExecPluginConfig(
            command, args, env, apiVersion, exec.String("installHint"), exec.Bool("provideClusterInfo"), interactive,
            cluster.ExecInfo!, options.ExecPluginTimeout, exec.File, exec.Field);
    }

    private static string Names(IEnumerable<string> names)
    {
        string list = string.Join(", ", names.Select(n => $"'{n}'"));
        return list.Length == 0 ? "none" : list;
    }

    private readonly record struct UserSettings(string? Token, string? TokenFile, X509Certificate2? Certificate, ExecCredentialPlugin? Exec);

    private sealed record ClusterSettings(
        Uri Server, string? CaFile, X509Certificate2Collection? CaCertificates, bool Insecure, string? TlsServerName, Uri? Proxy, bool DisableCompression)
    {
        public ExecClusterInfo? ExecInfo { get; init; }
    }
}
