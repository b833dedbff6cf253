namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>An informer over a fixed set of objects, synced from the start; the test raises its events.</summary>
internal sealed class FakeInformer<T> : IInformer<T>
    where T : class, IKubeObject
{
    private readonly Dictionary<ReconcileRequest, T> _objects = [];

    public event Action<T>? OnAdded;

    public event Action<T, T>? OnUpdated;

    public event Action<T>? OnDeleted;

    public bool IsStarted { get; private set; }

    public bool HasSynced { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        IsStarted = true;
        HasSynced = true;
        return Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public T? Get(string? @namespace, string name) => _objects.GetValueOrDefault(new ReconcileRequest(@namespace, name));

    public IReadOnlyList<T> List() => [.. _objects.Values];

    public void Add(T item)
    {
        _objects[ReconcileRequest.For(item)!.Value] = item;
        OnAdded?.Invoke(item);
    }

    public void Update(T old, T item)
    {
        _objects[ReconcileRequest.For(item)!.Value] = item;
        OnUpdated?.Invoke(old, item);
    }

    public void Delete(T item)
    {
        _objects.Remove(ReconcileRequest.For(item)!.Value);
        OnDeleted?.Invoke(item);
    }
}
