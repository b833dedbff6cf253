using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KubeGen.Runtime;

/// <summary>Discovers the API server and credentials of the pod this process runs in (like client-go's <c>rest.InClusterConfig</c>).</summary>
internal static class InClusterConfig
{
    public const string HostVariable = "KUBERNETES_SERVICE_HOST";
    public const string PortVariable = "KUBERNETES_SERVICE_PORT";
    public const string DirectoryVariable = "KUBEGEN_SERVICEACCOUNT_DIR";
    public const string DefaultDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static KubeConnectionOptions CreateOptions(InClusterOptions? options, Func<string, string?> getEnvironmentVariable)
    {
        string directory = NonEmpty(options?.ServiceAccountDirectory)
            ?? NonEmpty(getEnvironmentVariable(DirectoryVariable))
            ?? DefaultDirectory;
        string? host = NonEmpty(getEnvironmentVariable(HostVariable))?.Trim();
        string? port = NonEmpty(getEnvironmentVariable(PortVariable))?.Trim();
        string tokenFile = Path.Combine(directory, "token");
        string caFile = Path.Combine(directory, "ca.crt");
        string namespaceFile = Path.Combine(directory, "namespace");

        var missing = new List<string>();
        if (host is null)
        {
            missing.Add($"the environment variable {HostVariable} is not set");
        }

        if (port is null)
        {
            missing.Add($"the environment variable {PortVariable} is not set");
        }
        else if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int portNumber) || portNumber is < 1 or > 65535)
        {
            missing.Add($"the environment variable {PortVariable} is '{port}', which is not a TCP port");
        }

        if (!File.Exists(tokenFile))
        {
            missing.Add($"the service-account token file '{tokenFile}' does not exist");
        }
        else if (IsBlank(tokenFile))
        {
            missing.Add($"the service-account token file '{tokenFile}' is empty");
        }

        if (!File.Exists(caFile))
        {
            missing.Add($"the cluster CA file '{caFile}' does not exist");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "Cannot connect to the Kubernetes API server from inside the cluster: "
                + string.Join("; ", missing)
                + $". In a pod, {HostVariable} and {PortVariable} are set by the kubelet and the service-account token, ca.crt and namespace are mounted at '{DefaultDirectory}' "
                + "unless automountServiceAccountToken is false on the Pod or its ServiceAccount (set it to true, or mount a projected service-account token volume there). "
                + $"Outside a cluster, set {HostVariable}, {PortVariable} and {DirectoryVariable}, or create the connection with KubeConnectionOptions.");
        }

        string? ns = null;
        if (File.Exists(namespaceFile))
        {
            ns = NonEmpty(File.ReadAllText(namespaceFile).Trim());
        }

        return new KubeConnectionOptions
        {
            Server = new Uri($"https://{FormatHost(host!)}:{port}/", UriKind.Absolute),
            TokenFile = tokenFile,
            CertificateAuthorityFile = caFile,
            Namespace = ns,
            MaxRetries = options?.MaxRetries ?? KubeConnectionOptions.DefaultMaxRetries,
            RateLimit = options?.RateLimit,
            Handlers = options?.Handlers is { } handlers ? [.. handlers] : [],
        };
    }

    /// <summary>Brackets IPv6 literals (and escapes a zone's '%') so the host fits in a URL.</summary>
    internal static string FormatHost(string host)
    {
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return host;
        }

        if (host.Contains(':', StringComparison.Ordinal)
            && IPAddress.TryParse(host, out IPAddress? address)
            && address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return "[" + host.Replace("%", "%25", StringComparison.Ordinal) + "]";
        }

        return host;
    }

    private static bool IsBlank(string path)
    {
        try
        {
            return string.IsNullOrWhiteSpace(File.ReadAllText(path));
        }
        catch (IOException)
        {
            return false; // Reported when it is read for the first request.
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
