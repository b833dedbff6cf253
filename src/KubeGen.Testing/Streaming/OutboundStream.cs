using KubeGen.Shared.Streaming;

namespace KubeGen.Testing.Streaming;

/// <summary>A write-only stream whose writes go to the client as messages of one channel (stdout, stderr, a port's data).</summary>
internal sealed class OutboundStream(Func<ReadOnlyMemory<byte>, CancellationToken, Task> send) : UnseekableStream
{
    public override bool CanRead => false;

    public override bool CanWrite => true;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => new(send(buffer, cancellationToken));
}
