namespace KubeGen.Testing;

/// <summary>Run-time controls of the streaming pod subresources: logs, and what exec, attach and port-forward reach.</summary>
public sealed partial class KubeApiServerEmulator
{
    private KubeApiServerEmulatorOptions _streaming = new();

    /// <summary>Plays the command of every <c>pods/exec</c> from now on (see <see cref="KubeApiServerEmulatorOptions.ExecHandler"/>).</summary>
    public PodExecHandler? ExecHandler
    {
        get => _streaming.ExecHandler;
        set => _streaming.ExecHandler = value;
    }

    /// <summary>Plays the attached process of every <c>pods/attach</c> from now on.</summary>
    public PodExecHandler? AttachHandler
    {
        get => _streaming.AttachHandler;
        set => _streaming.AttachHandler = value;
    }

    /// <summary>Plays what listens on the pods' ports for <c>pods/portforward</c> from now on.</summary>
    public PodPortForwardHandler? PortForwardHandler
    {
        get => _streaming.PortForwardHandler;
        set => _streaming.PortForwardHandler = value;
    }

    /// <summary>
    /// Sets the whole log of a container (<paramref name="previous"/>: of its previous instance, served with <c>previous=true</c>);
    /// every line gets the current time (for <c>sinceSeconds</c>, <c>sinceTime</c>, <c>timestamps</c>). The pod need not exist yet.
    /// </summary>
    public void SetPodLog(string ns, string pod, string container, string text, bool previous = false)
        => Log(ns, pod, container, text, previous).Set(text, DateTimeOffset.UtcNow);

    /// <summary>Adds to the end of a container's log, as a running container writes; a followed log (<c>follow=true</c>) gets it at once.</summary>
    public void AppendPodLog(string ns, string pod, string container, string text)
        => Log(ns, pod, container, text, previous: false).Append(text, DateTimeOffset.UtcNow);

    /// <summary>The container ended: followed logs of it end (the client's stream reaches its end) once they have the rest.</summary>
    public void EndPodLog(string ns, string pod, string container)
        => Log(ns, pod, container, "", previous: false).End();

    /// <summary>Called once at start: the options the request handler serves the streaming subresources from.</summary>
    internal void UseStreaming(KubeApiServerEmulatorOptions options) => _streaming = options;

    private Streaming.PodLog Log(string ns, string pod, string container, string text, bool previous)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(pod);
        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentNullException.ThrowIfNull(text);
        return _streaming.PodLogs.Get(ns, pod, container, previous);
    }
}
