using System.Threading.Channels;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Store;

/// <summary>
/// A subscription to the changes of one resource (optionally one namespace), with a bounded queue
/// of the changes its client has not taken yet.
/// </summary>
internal sealed class StoreWatcher : IDisposable
{
    private readonly ObjectStore _store;
    private readonly Channel<StoreEvent> _channel;

    public StoreWatcher(ObjectStore store, ResourceKey resource, string? ns, int queueLimit)
    {
        _store = store;
        Resource = resource;
        Namespace = ns;

        // Wait mode only makes TryWrite refuse when full; nothing ever waits to write (the store
        // writes under its lock), it closes the watcher instead.
        _channel = Channel.CreateBounded<StoreEvent>(new BoundedChannelOptions(queueLimit) { FullMode = BoundedChannelFullMode.Wait });
    }

    public ResourceKey Resource { get; }

    public string? Namespace { get; }

    public ChannelReader<StoreEvent> Reader => _channel.Reader;

    public int Pending => _channel.Reader.Count;

    /// <summary>Set (under the store's lock) when the store closed this watcher for falling behind: it has missed changes.</summary>
    public bool FellBehind { get; private set; }

    /// <summary>Queues a change; false when the queue is full.</summary>
    internal bool TryEnqueue(StoreEvent e) => _channel.Writer.TryWrite(e);

    /// <summary>
    /// Ends the watch because its client fell behind, as kube-apiserver's cacher does with a watcher
    /// whose buffer is full: what is queued is dropped now (that is the memory to give back), the
    /// reader finds the queue completed and ends the response, and the client resumes from the last
    /// version it received.
    /// </summary>
    internal void CloseForFallingBehind()
    {
        FellBehind = true;
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out _))
        {
        }
    }

    internal void Complete() => _channel.Writer.TryComplete();

    public void Dispose() => _store.Unsubscribe(this);
}
