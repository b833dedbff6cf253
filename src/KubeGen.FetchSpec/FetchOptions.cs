namespace KubeGen.FetchSpec;

/// <summary>The command line of kubegen-fetch-spec.</summary>
internal sealed class FetchOptions
{
    public const string Usage = """
        usage: kubegen-fetch-spec [--openapi v2|v3] [--out PATH] [--group-version GV]... [--context NAME] [--kubeconfig FILE]...
          --openapi v2        /openapi/v2 (Swagger 2.0, the whole cluster) into --out FILE (default openapi/cluster.json)
          --openapi v3        the /openapi/v3 group-version documents into --out DIR (default openapi/v3), named
                              api__v1_openapi.json, apis__apps__v1_openapi.json, ... (all, or each --group-version:
                              apps/v1, v1 for the core group)
          --context NAME      the kubeconfig context (default: the current one)
          --kubeconfig FILE   the kubeconfig (default: KUBECONFIG, else in-cluster, else ~/.kube/config)
        The server's /version goes beside the spec (cluster.version.json, or version.json in the v3 folder), and what
        changed since the last fetch (paths and definitions added and removed) is printed.
        """;

    public bool V3 { get; private set; }

    public string? Out { get; private set; }

    public List<string> GroupVersions { get; } = [];

    public string? Context { get; private set; }

    public List<string> Kubeconfigs { get; } = [];

    /// <summary>Where the spec goes: the file (v2) or the folder (v3), relative to the working directory.</summary>
    public string OutPath => Path.GetFullPath(Out ?? (V3 ? Path.Combine("openapi", "v3") : Path.Combine("openapi", "cluster.json")));

    /// <exception cref="ArgumentException">An unknown or incomplete argument.</exception>
    public static FetchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FetchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count && args[i + 1].Length > 0 ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (arg)
            {
                case "--openapi":
                    options.V3 = Value() switch
                    {
                        "v2" => false,
                        "v3" => true,
                        string other => throw new ArgumentException($"--openapi is v2 or v3, not '{other}'"),
                    };
                    break;
                case "--out":
                    options.Out = Value();
                    break;
                case "--group-version":
                    options.GroupVersions.Add(Value().Trim('/'));
                    options.V3 = true;
                    break;
                case "--context":
                    options.Context = Value();
                    break;
                case "--kubeconfig":
                    options.Kubeconfigs.Add(Value());
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{arg}'");
            }
        }

        return options;
    }
}
