// Source-shared by the runtime and the emulator; not compiled into the generator.
namespace KubeGen.Shared.Streaming;

/// <summary>
/// The facts of Kubernetes' channel protocols over WebSocket (apimachinery <c>pkg/util/remotecommand</c> and the
/// kubelet's port-forward handler): each binary message starts with one byte naming its channel.
/// </summary>
internal static class ChannelProtocol
{
    /// <summary>Version 5 adds the close signal, so a client can end stdin without closing the connection (Kubernetes 1.30+).</summary>
    public const string V5 = "v5.channel.k8s.io";

    /// <summary>Version 4: exit codes on the status channel; no way to end stdin but closing everything.</summary>
    public const string V4 = "v4.channel.k8s.io";

    /// <summary>What a client offers for exec and attach, most preferred first.</summary>
    public static readonly string[] ExecProtocols = [V5, V4];

    /// <summary>What a client offers for port-forward: one data and one error channel per port.</summary>
    public static readonly string[] PortForwardProtocols = [V4];

    /// <summary>kubectl's port-forward (KEP-4006): SPDY/3.1 carried in the WebSocket's binary messages.</summary>
    public const string SpdyTunnel = "SPDY/3.1+portforward.k8s.io";

    public const byte Stdin = 0;
    public const byte Stdout = 1;
    public const byte Stderr = 2;

    /// <summary>The status channel: one <c>metav1.Status</c> when the command ends.</summary>
    public const byte Error = 3;

    /// <summary>Terminal sizes, as JSON <c>{"Width":…,"Height":…}</c> (Go's field names).</summary>
    public const byte Resize = 4;

    /// <summary>v5's close signal: <c>[255, channel]</c> ends that channel's input.</summary>
    public const byte Close = 255;

    /// <summary>The Status reason of a command that exited with a code other than 0; the code is the message of its <c>ExitCode</c> cause.</summary>
    public const string NonZeroExitCodeReason = "NonZeroExitCode";

    public const string ExitCodeCause = "ExitCode";

    /// <summary>The most a status channel may carry; a Status is a few hundred bytes.</summary>
    public const int MaxStatusBytes = 64 * 1024;
}
