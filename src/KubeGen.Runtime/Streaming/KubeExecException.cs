using System.Globalization;

namespace KubeGen.Runtime;

/// <summary>
/// A remote command that did not succeed, raised only when asked (<see cref="ExecExit.EnsureSuccess"/>,
/// <see cref="ExecResult.EnsureSuccess"/>), or a session whose connection ended before the server said how the command ended.
/// </summary>
public sealed class KubeExecException : Exception
{
    /// <summary>Creates the exception for a command that ended without success.</summary>
    public KubeExecException(ExecExit exit, string? stderr = null)
        : base(MessageFor(exit, stderr))
    {
        Exit = exit;
    }

    /// <summary>Creates the exception for a session that ended without an exit status.</summary>
    public KubeExecException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>How the command ended; null when the connection ended before the server said.</summary>
    public ExecExit? Exit { get; }

    /// <summary>The exit code; null when there is none.</summary>
    public int? ExitCode => Exit?.ExitCode;

    private static string MessageFor(ExecExit exit, string? stderr)
    {
        ArgumentNullException.ThrowIfNull(exit);
        string what = exit.ExitCode is { } code
            ? string.Create(CultureInfo.InvariantCulture, $"command terminated with exit code {code}")
            : "command failed: " + (exit.Message ?? exit.Status.Reason ?? "unknown error");
        string? tail = string.IsNullOrWhiteSpace(stderr) ? null : stderr.Trim();
        if (tail is { Length: > 512 })
        {
            tail = "…" + tail[^512..];
        }

        return tail is null ? what : what + ": " + tail;
    }
}
