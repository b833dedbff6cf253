namespace KubeGen.Runtime;

/// <summary>
/// Finds where to connect, in controller-runtime's order (<c>config.GetConfig</c>): explicit kubeconfig files;
/// else the files of <c>KUBECONFIG</c> when it is set; else in-cluster, exactly as <see cref="KubeConnection.InCluster(InClusterOptions?)"/>,
/// when the service-account environment and files are there; else <c>~/.kube/config</c>. When nothing is found,
/// one error names every place it looked and why each did not apply.
/// </summary>
internal static class ConnectionDiscovery
{
    public const string KubeconfigVariable = "KUBECONFIG";

    public static KubeConnectionOptions Discover(KubeConnectOptions? options, Func<string, string?> getEnvironmentVariable, string? homeDirectory)
    {
        options ??= new KubeConnectOptions();
        if (options.KubeconfigFiles is { Count: > 0 } explicitFiles)
        {
            if (options.Source == KubeConnectSource.InCluster)
            {
                throw new ArgumentException("KubeConnectOptions.KubeconfigFiles cannot be combined with Source = InCluster.", nameof(options));
            }

            return FromFiles(explicitFiles.Select(Path.GetFullPath).ToList(), mustExist: true, options, "KubeConnectOptions.KubeconfigFiles");
        }

        var looked = new List<string>();
        if (options.Source != KubeConnectSource.InCluster)
        {
            string? variable = getEnvironmentVariable(KubeconfigVariable);
            if (!string.IsNullOrWhiteSpace(variable))
            {
                // client-go: the list is split by the OS's path-list separator, empty entries are skipped, and files
                // that do not exist are ignored unless none does.
                List<string> files = variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(Path.GetFullPath)
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                return FromFiles(files, mustExist: false, options, $"{KubeconfigVariable}={variable}");
            }

            looked.Add($"{KubeconfigVariable} is not set");
        }

        if (options.Source != KubeConnectSource.Kubeconfig)
        {
            var inCluster = new InClusterOptions
            {
                ServiceAccountDirectory = options.ServiceAccountDirectory,
                MaxRetries = options.MaxRetries,
                RateLimit = options.RateLimit,
                Handlers = options.Handlers,
            };
            if (options.Source == KubeConnectSource.InCluster)
            {
                return WithCallerSettings(InClusterConfig.CreateOptions(inCluster, getEnvironmentVariable), options);
            }

            if (string.IsNullOrWhiteSpace(getEnvironmentVariable(InClusterConfig.HostVariable)))
            {
                looked.Add($"not in a cluster ({InClusterConfig.HostVariable} is not set)");
            }
            else
            {
                try
                {
                    return WithCallerSettings(InClusterConfig.CreateOptions(inCluster, getEnvironmentVariable), options);
                }
                catch (InvalidOperationException ex)
                {
                    looked.Add("in-cluster did not apply: " + ex.Message);
                }
            }
        }

        if (options.Source != KubeConnectSource.InCluster)
        {
            string? home = string.IsNullOrEmpty(homeDirectory) ? null : Path.Combine(homeDirectory, ".kube", "config");
            if (home is not null && File.Exists(home))
            {
                return FromFiles([home], mustExist: true, options, "~/.kube/config");
            }

            looked.Add(home is null ? "the home directory is unknown, so there is no ~/.kube/config" : $"'{home}' does not exist");
        }

        throw new InvalidOperationException(
            "Cannot find a Kubernetes API server to connect to: " + string.Join("; ", looked)
            + ". Set KUBECONFIG to a kubeconfig file, run inside a pod with a service-account token, or create ~/.kube/config (kind, minikube and cloud CLIs write it).");
    }

    private static KubeConnectionOptions FromFiles(List<string> files, bool mustExist, KubeConnectOptions options, string source)
    {
        var loaded = new List<KubeconfigFile>();
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                if (mustExist)
                {
                    throw KubeconfigException.At(file, null, $"does not exist (from {source}).");
                }

                continue;
            }

            loaded.Add(KubeconfigFile.Load(file));
        }

        if (loaded.Count == 0)
        {
            throw KubeconfigException.At(null, null, $"none of the files of {source} exists: {string.Join(", ", files.Select(f => $"'{f}'"))}.");
        }

        return KubeconfigOptionsBuilder.Build(new KubeconfigSet(loaded), options);
    }

    private static KubeConnectionOptions WithCallerSettings(KubeConnectionOptions discovered, KubeConnectOptions options)
        => string.IsNullOrWhiteSpace(options.Namespace) && options.OnWarning is null
            ? discovered
            : discovered.With(ns: string.IsNullOrWhiteSpace(options.Namespace) ? discovered.Namespace : options.Namespace, onWarning: options.OnWarning);
}
