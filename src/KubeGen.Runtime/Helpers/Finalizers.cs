namespace KubeGen.Runtime;

/// <summary>
/// Finalizers as controller-runtime's <c>controllerutil</c> handles them: the in-memory helpers say whether anything
/// changed and leave the write to the caller; <see cref="AddAsync"/> and <see cref="RemoveAsync"/> also write, and survive
/// conflicts; <see cref="ReconcileAsync"/> splits a reconcile into apply and cleanup around the finalizer, as kube-rs'
/// <c>finalizer()</c> does.
/// </summary>
public static class Finalizers
{
    /// <summary>How many times <see cref="AddAsync"/> and <see cref="RemoveAsync"/> read and write again after a 409 Conflict.</summary>
    public const int ConflictAttempts = 5;

    /// <summary>Whether the object carries <paramref name="finalizer"/>.</summary>
    public static bool Contains(IKubeObject item, string finalizer)
        => Metadata(item)?.Finalizers is { } finalizers && finalizers.Contains(finalizer);

    /// <summary>Adds <paramref name="finalizer"/> to this copy; false when it was there.</summary>
    public static bool Add(IKubeObject item, string finalizer)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        IKubeControllerMetadata metadata = Metadata(item) ?? throw new ArgumentException("The object has no metadata.", nameof(item));
        if (metadata.Finalizers?.Contains(finalizer) == true)
        {
            return false;
        }

        metadata.Finalizers = [.. metadata.Finalizers ?? [], finalizer];
        return true;
    }

    /// <summary>Removes <paramref name="finalizer"/> from this copy; false when it was not there.</summary>
    public static bool Remove(IKubeObject item, string finalizer)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        IKubeControllerMetadata? metadata = Metadata(item);
        if (metadata?.Finalizers is not { } finalizers || !finalizers.Contains(finalizer))
        {
            return false;
        }

        metadata.Finalizers = [.. finalizers.Where(f => f != finalizer)];
        return true;
    }

    /// <summary>
    /// Makes sure the object on the server carries <paramref name="finalizer"/>: a merge patch of the finalizer list with the
    /// resourceVersion it was computed from, so a concurrent change gets 409; then the object is read again and the patch
    /// recomputed (up to <see cref="ConflictAttempts"/> times). No request when the finalizer is already there.
    /// </summary>
    /// <returns>The object as the server holds it afterwards.</returns>
    /// <exception cref="KubeApiException">The write failed with another error, or conflicted every time.</exception>
    public static Task<T> AddAsync<T>(IKubeObjectClient<T> client, T item, string finalizer, CancellationToken cancellationToken = default)
        where T : class, IKubeObject
        => ChangeAsync(client, item, finalizer, add: true, cancellationToken);

    /// <summary>Makes sure the object on the server no longer carries <paramref name="finalizer"/>, as <see cref="AddAsync"/> does. A missing object counts as done.</summary>
    /// <returns>The object afterwards, or null when it is gone (removing the last finalizer of an object being deleted deletes it).</returns>
    public static async Task<T?> RemoveAsync<T>(IKubeObjectClient<T> client, T item, string finalizer, CancellationToken cancellationToken = default)
        where T : class, IKubeObject
    {
        try
        {
            return await ChangeAsync(client, item, finalizer, add: false, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException ex) when (ex.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// A reconcile guarded by a finalizer: while the object lives, the finalizer is added (if missing) and <paramref name="apply"/>
    /// runs; once it is being deleted, <paramref name="cleanup"/> runs, and when it returns the finalizer is removed so
    /// Kubernetes can delete the object. Cleanup that throws keeps the finalizer (and so the object) and is retried with backoff.
    /// </summary>
    /// <param name="client">Reads and patches the object.</param>
    /// <param name="item">The object from the cache; null when it is gone (then nothing is left to do).</param>
    /// <param name="finalizer">The finalizer's name, domain-qualified (<c>example.com/cleanup</c>).</param>
    /// <param name="apply">Makes the world match the object.</param>
    /// <param name="cleanup">Removes what the object caused outside Kubernetes; must be idempotent.</param>
    /// <param name="cancellationToken">The reconcile's token.</param>
    public static async Task<ReconcileResult> ReconcileAsync<T>(
        IKubeObjectClient<T> client,
        T? item,
        string finalizer,
        Func<T, CancellationToken, Task<ReconcileResult>> apply,
        Func<T, CancellationToken, Task<ReconcileResult>> cleanup,
        CancellationToken cancellationToken = default)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(cleanup);
        if (item is null)
        {
            return ReconcileResult.Done;
        }

        bool deleting = item.ObjectMetadata?.DeletionTimestamp is not null;
        bool present = Contains(item, finalizer);
        if (deleting)
        {
            if (!present)
            {
                return ReconcileResult.Done; // someone else's finalizer holds it; nothing of ours is left
            }

            ReconcileResult result = await cleanup(item, cancellationToken).ConfigureAwait(false);
            if (result != ReconcileResult.Done)
            {
                return result; // cleanup is not finished: the finalizer stays
            }

            await RemoveAsync(client, item, finalizer, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (!present)
        {
            item = await AddAsync(client, item, finalizer, cancellationToken).ConfigureAwait(false);
        }

        return await apply(item, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ChangeAsync<T>(IKubeObjectClient<T> client, T item, string finalizer, bool add, CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        T current = item;
        for (int attempt = 1; ; attempt++)
        {
            IKubeControllerMetadata metadata = Metadata(current) ?? throw new ArgumentException("The object has no metadata.", nameof(item));
            List<string> finalizers = [.. metadata.Finalizers ?? []];
            bool changed = add ? !finalizers.Contains(finalizer) : finalizers.Remove(finalizer);
            if (!changed)
            {
                return current;
            }

            if (add)
            {
                finalizers.Add(finalizer);
            }

            ReconcileRequest key = ReconcileRequest.For(current) ?? throw new ArgumentException("The object has no name.", nameof(item));
            KubePatch patch = KubePatch.Merge(MetadataPatch.Finalizers(finalizers, metadata.ResourceVersion));
            try
            {
                return await client.PatchAsync(key.Namespace, key.Name, patch, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException ex) when (ex.IsConflict && attempt < ConflictAttempts)
            {
                // Someone changed the object since it was read (maybe its finalizers): read it again and recompute.
                current = await client.GetAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static IKubeControllerMetadata? Metadata(IKubeObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.ObjectMetadata switch
        {
            null => null,
            IKubeControllerMetadata metadata => metadata,
            var other => throw ControllerMetadata.Missing(other),
        };
    }
}
