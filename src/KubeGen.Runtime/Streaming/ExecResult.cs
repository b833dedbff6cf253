namespace KubeGen.Runtime;

/// <summary>What a command run to its end returned (<c>RunAsync</c>): its output and how it exited.</summary>
public sealed class ExecResult
{
    internal ExecResult(ExecExit exit, string stdout, string stderr)
    {
        Exit = exit;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>How the command ended.</summary>
    public ExecExit Exit { get; }

    /// <summary>The exit code; null when the command could not be run (see <see cref="ExecExit.Message"/>).</summary>
    public int? ExitCode => Exit.ExitCode;

    /// <summary>The command exited with 0.</summary>
    public bool Succeeded => Exit.Succeeded;

    /// <summary>What the command wrote to standard output (UTF-8).</summary>
    public string Stdout { get; }

    /// <summary>What the command wrote to standard error (UTF-8); empty with a TTY, where both go to <see cref="Stdout"/>.</summary>
    public string Stderr { get; }

    /// <summary>Returns this result when the command exited with 0.</summary>
    /// <exception cref="KubeExecException">The command exited with another code, or could not be run; the message ends with its standard error.</exception>
    public ExecResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new KubeExecException(Exit, Stderr);
        }

        return this;
    }
}
