using System.Globalization;

namespace PodTool;

/// <summary>The command line, parsed once: the command, its pod, and the flags each command reads.</summary>
internal sealed class ToolArguments
{
    public string Command { get; private set; } = "help";

    public string Pod { get; private set; } = string.Empty;

    public string? Namespace { get; private set; }

    public string? Context { get; private set; }

    public string? Container { get; private set; }

    public bool Follow { get; private set; }

    public int? TailLines { get; private set; }

    public int? SinceSeconds { get; private set; }

    public bool Timestamps { get; private set; }

    public bool Previous { get; private set; }

    public int? LimitBytes { get; private set; }

    /// <summary>The command of <c>exec</c>, everything after <c>--</c>.</summary>
    public IReadOnlyList<string> ExecCommand { get; private set; } = [];

    /// <summary>The local port of <c>port-forward</c>; 0 lets the system pick one.</summary>
    public int LocalPort { get; private set; }

    public int RemotePort { get; private set; }

    public static ToolArguments Parse(string[] args)
    {
        var parsed = new ToolArguments();
        var positional = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (arg)
            {
                case "--":
                    parsed.ExecCommand = args[(i + 1)..];
                    i = args.Length;
                    break;
                case "-n" or "--namespace":
                    parsed.Namespace = Value();
                    break;
                case "--context":
                    parsed.Context = Value();
                    break;
                case "-c" or "--container":
                    parsed.Container = Value();
                    break;
                case "-f" or "--follow":
                    parsed.Follow = true;
                    break;
                case "--tail":
                    parsed.TailLines = Number(arg, Value());
                    break;
                case "--since":
                    parsed.SinceSeconds = Number(arg, Value());
                    break;
                case "--timestamps":
                    parsed.Timestamps = true;
                    break;
                case "-p" or "--previous":
                    parsed.Previous = true;
                    break;
                case "--limit-bytes":
                    parsed.LimitBytes = Number(arg, Value());
                    break;
                case "--print-rbac":
                    parsed.Command = "print-rbac";
                    return parsed;
                case "-h" or "--help":
                    parsed.Command = "help";
                    return parsed;
                default:
                    if (arg.StartsWith('-'))
                    {
                        throw new ArgumentException($"unknown option '{arg}'");
                    }

                    positional.Add(arg);
                    break;
            }
        }

        if (positional.Count == 0)
        {
            throw new ArgumentException("a command is required");
        }

        parsed.Command = positional[0];
        int expected = parsed.Command switch
        {
            "logs" or "exec" => 2,
            "port-forward" => 3,
            _ => throw new ArgumentException($"unknown command '{parsed.Command}'"),
        };
        if (positional.Count != expected)
        {
            throw new ArgumentException($"{parsed.Command} takes {(expected == 2 ? "POD" : "POD [LOCAL:]REMOTE")}");
        }

        parsed.Pod = positional[1];
        if (parsed.Command == "exec" && parsed.ExecCommand.Count == 0)
        {
            throw new ArgumentException("exec needs a command after --");
        }

        if (parsed.Command == "port-forward")
        {
            string ports = positional[2];
            int colon = ports.IndexOf(':', StringComparison.Ordinal);
            parsed.LocalPort = colon < 0 ? 0 : Port(ports[..colon], allowZero: true);
            parsed.RemotePort = Port(ports[(colon + 1)..], allowZero: false);
        }

        return parsed;
    }

    private static int Number(string option, string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            ? number
            : throw new ArgumentException($"{option} takes a non-negative number, not '{value}'");

    private static int Port(string value, bool allowZero)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535 && (allowZero || port > 0)
            ? port
            : throw new ArgumentException($"'{value}' is not a port");
}
