using System.Globalization;
using KubeGen.Shared.Streaming;

namespace KubeGen.Runtime;

/// <summary>
/// How a command run with <c>pods/exec</c> (or a process attached to) ended, from the <c>metav1.Status</c> the server sends
/// on the status channel: success, an exit code other than 0 (reason <c>NonZeroExitCode</c>), or a failure to run it at all
/// (for example an executable that does not exist), which has no exit code. A non-zero exit is a result, not an exception;
/// <see cref="EnsureSuccess"/> turns it into one.
/// </summary>
public sealed class ExecExit
{
    internal ExecExit(KubeStatus status)
    {
        Status = status;
        if (string.Equals(status.Status, "Success", StringComparison.Ordinal))
        {
            ExitCode = 0;
        }
        else if (string.Equals(status.Reason, ChannelProtocol.NonZeroExitCodeReason, StringComparison.Ordinal))
        {
            foreach (KubeStatusCause cause in status.Details?.Causes ?? [])
            {
                if (string.Equals(cause.Reason, ChannelProtocol.ExitCodeCause, StringComparison.Ordinal)
                    && int.TryParse(cause.Message, NumberStyles.None, CultureInfo.InvariantCulture, out int code))
                {
                    ExitCode = code;
                    break;
                }
            }
        }
    }

    /// <summary>The command ran and exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>The exit code; null when the command could not be run (see <see cref="Message"/>).</summary>
    public int? ExitCode { get; }

    /// <summary>What the server said: for a failure, why (<c>command terminated with non-zero exit code: …</c>, an executable that was not found).</summary>
    public string? Message => Status.Message;

    /// <summary>The Status from the status channel.</summary>
    public KubeStatus Status { get; }

    /// <summary>Throws <see cref="KubeExecException"/> unless the command exited with 0.</summary>
    /// <exception cref="KubeExecException">The command exited with another code, or could not be run.</exception>
    public void EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new KubeExecException(this);
        }
    }

    /// <inheritdoc/>
    public override string ToString()
        => Succeeded ? "exit code 0"
            : ExitCode is { } code ? string.Create(CultureInfo.InvariantCulture, $"exit code {code}")
            : "failed: " + (Message ?? Status.Reason ?? "unknown error");
}
