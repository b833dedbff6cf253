using System.Threading.Channels;

namespace KubeGen.Testing;

/// <summary>
/// Plays the process of a <c>pods/exec</c> (or the attached process of <c>pods/attach</c>) in the emulator: read
/// <see cref="PodExecRequest.Stdin"/>, write <see cref="PodExecRequest.Stdout"/> and <see cref="PodExecRequest.Stderr"/>,
/// and return the exit code. Throw <see cref="PodExecFailedException"/> for a command that cannot be run at all (the
/// client gets a Failure status without an exit code). The token is cancelled when the client goes away.
/// </summary>
public delegate Task<int> PodExecHandler(PodExecRequest request, CancellationToken cancellationToken);

/// <summary>One exec or attach session, as the emulator's handler sees it.</summary>
public sealed class PodExecRequest
{
    internal PodExecRequest()
    {
    }

    /// <summary>The pod's namespace.</summary>
    public string Namespace { get; internal init; } = "";

    /// <summary>The pod's name.</summary>
    public string Pod { get; internal init; } = "";

    /// <summary>The container (the pod's only one when the client named none).</summary>
    public string Container { get; internal init; } = "";

    /// <summary>The command (<c>command</c> query parameters, in order); empty for attach.</summary>
    public IReadOnlyList<string> Command { get; internal init; } = [];

    /// <summary>True for <c>pods/attach</c>.</summary>
    public bool IsAttach { get; internal init; }

    /// <summary>The client asked for a terminal: what is written to <see cref="Stderr"/> reaches the client as standard output.</summary>
    public bool Tty { get; internal init; }

    /// <summary>What the client sends as standard input; ends when the client closes it (v5) or goes away; empty without <c>stdin=true</c>.</summary>
    public Stream Stdin { get; internal init; } = Stream.Null;

    /// <summary>Standard output to the client (dropped without <c>stdout=true</c>).</summary>
    public Stream Stdout { get; internal init; } = Stream.Null;

    /// <summary>Standard error to the client (dropped without <c>stderr=true</c>; standard output with a terminal).</summary>
    public Stream Stderr { get; internal init; } = Stream.Null;

    /// <summary>Terminal sizes the client sends (resize channel).</summary>
    public ChannelReader<TerminalSize> Resizes { get; internal init; } = Channel.CreateUnbounded<TerminalSize>().Reader;
}

/// <summary>A terminal size sent on the resize channel.</summary>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
public readonly record struct TerminalSize(int Width, int Height);

/// <summary>Thrown by a <see cref="PodExecHandler"/> for a command that cannot be run: the client gets a Failure status with this message and no exit code.</summary>
public sealed class PodExecFailedException(string message) : Exception(message);
