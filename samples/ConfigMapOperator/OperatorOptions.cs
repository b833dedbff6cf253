using System.Globalization;

namespace ConfigMapOperator;

/// <summary>The command line (see <see cref="Usage"/>); every option has a production default.</summary>
internal sealed record OperatorOptions
{
    public const string Usage = """
        usage: ConfigMapOperator [options]
          --selector SELECTOR      label selector of the source ConfigMaps (default kubegen.dev/mirror=true)
          --lease NAME             the Lease that elects the one active replica (default configmap-operator)
          --identity ID            this replica's holder identity (default: HOSTNAME, the pod name)
          --lease-duration S       client-go's timings, in seconds (defaults 15, 10 and 2)
          --renew-deadline S
          --retry-period S
          --workers N              keys reconciled at once (default 2; never two for one key)
          --health-port PORT       serve /healthz, /readyz and /metrics on PORT (default: off)
          --print-rbac             print the RBAC rules this build needs (a Role's rules) and exit
          --help, -h               this text
        """;

    public string Selector { get; init; } = "kubegen.dev/mirror=true";

    public string LeaseName { get; init; } = "configmap-operator";

    /// <summary>Null: the elector's default, the HOSTNAME environment variable (the pod name).</summary>
    public string? Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    public int Workers { get; init; } = 2;

    /// <summary>Null: no probe or metrics endpoint.</summary>
    public int? HealthPort { get; init; }

    public bool PrintRbac { get; init; }

    public bool Help { get; init; }

    /// <exception cref="FormatException">An unknown option, a missing value or a malformed number.</exception>
    public static OperatorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new OperatorOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string option = args[i];
            switch (option)
            {
                case "--print-rbac":
                    options = options with { PrintRbac = true };
                    continue;
                case "--help" or "-h":
                    options = options with { Help = true };
                    continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new FormatException($"unknown or incomplete option '{option}'");
            }

            string value = args[++i];
            options = option switch
            {
                "--selector" => options with { Selector = value },
                "--lease" => options with { LeaseName = value },
                "--identity" => options with { Identity = value },
                "--lease-duration" => options with { LeaseDuration = Seconds(option, value) },
                "--renew-deadline" => options with { RenewDeadline = Seconds(option, value) },
                "--retry-period" => options with { RetryPeriod = Seconds(option, value) },
                "--workers" => options with { Workers = Positive(option, value, 1024) },
                "--health-port" => options with { HealthPort = Positive(option, value, 65535) },
                _ => throw new FormatException($"unknown option '{option}'"),
            };
        }

        return options;
    }

    private static int Positive(string option, string value, int max)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number > 0 && number <= max
            ? number
            : throw new FormatException($"{option} needs a whole number from 1 to {max.ToString(CultureInfo.InvariantCulture)}, not '{value}'");

    private static TimeSpan Seconds(string option, string value)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"{option} needs a positive number of seconds, not '{value}'");
}
