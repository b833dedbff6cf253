using KubeGen.Shared.Streaming;

namespace KubeGen.Testing.Streaming;

/// <summary>One stream made of a read side and a write side (a forwarded connection as a handler sees it).</summary>
internal sealed class DuplexStream(Stream reading, Stream writing) : UnseekableStream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => reading.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => writing.WriteAsync(buffer, cancellationToken);
}
