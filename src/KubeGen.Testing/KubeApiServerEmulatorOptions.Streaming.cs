using KubeGen.Testing.Streaming;

namespace KubeGen.Testing;

/// <summary>The pod subresources that stream: what exec, attach and port-forward reach, and the pods' logs.</summary>
public sealed partial class KubeApiServerEmulatorOptions
{
    /// <summary>
    /// Plays the command of every <c>pods/exec</c>; null runs a few built-in commands (<c>echo</c>, <c>cat</c>, <c>true</c>,
    /// <c>false</c>, <c>hostname</c>, <c>env</c>, <c>sleep</c>, <c>sh -c</c> with those and <c>exit N</c>). Also settable on
    /// the running emulator (<see cref="KubeApiServerEmulator.ExecHandler"/>).
    /// </summary>
    public PodExecHandler? ExecHandler { get; set; }

    /// <summary>Plays the attached process of every <c>pods/attach</c>; null echoes standard input to standard output.</summary>
    public PodExecHandler? AttachHandler { get; set; }

    /// <summary>
    /// Plays what listens on the pods' ports for <c>pods/portforward</c>; null means nothing listens (each connection gets the
    /// kubelet's "connection refused" error). <see cref="PodPortForwardHandlers.ToEndPoint"/> forwards to a real TCP endpoint.
    /// </summary>
    public PodPortForwardHandler? PortForwardHandler { get; set; }

    /// <summary>The containers' logs, set and appended through <see cref="KubeApiServerEmulator.SetPodLog"/> and its siblings.</summary>
    internal PodLogStore PodLogs { get; } = new();
}
