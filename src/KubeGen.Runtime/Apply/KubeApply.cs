namespace KubeGen.Runtime;

/// <summary>
/// Server-side apply and status writes for controllers: apply a typed configuration or a JSON document with a field
/// manager (a conflict becomes <see cref="ApplyConflictException"/> naming the other managers), and status updates
/// through the status subresource that survive conflicts.
/// </summary>
public static class KubeApply
{
    /// <summary>How many times <see cref="UpdateStatusAsync"/> reads and writes again after a 409 Conflict (client-go's <c>retry.DefaultRetry</c> steps).</summary>
    public const int ConflictAttempts = 5;

    /// <summary>Applies a typed configuration (generated <c>…ApplyConfiguration</c>): only its non-null fields are sent, and owned by <see cref="ApplyOptions.FieldManager"/>.</summary>
    /// <exception cref="ApplyConflictException">Without force, other managers own fields it sets.</exception>
    public static Task<T> ApplyAsync<T, TApply>(this IKubeObjectClient<T> client, TApply configuration, ApplyOptions options, CancellationToken cancellationToken = default)
        where T : class, IKubeObject
        where TApply : IApplyConfiguration<TApply>
    {
        string name = NameOf(configuration);
        return ApplyAsync(client, configuration.Namespace, name, KubePatch.Apply(configuration, TApply.JsonTypeInfo), options, cancellationToken);
    }

    /// <summary>Applies a document (<see cref="KubePatch.Apply(string)"/>) as <see cref="ApplyOptions.FieldManager"/>.</summary>
    /// <exception cref="ApplyConflictException">Without force, other managers own fields it sets.</exception>
    public static Task<T> ApplyAsync<T>(this IKubeObjectClient<T> client, string? @namespace, string name, KubePatch document, ApplyOptions options, CancellationToken cancellationToken = default)
        where T : class, IKubeObject
    {
        Check(client, document, options);
        return TranslateConflictAsync(client.PatchAsync(@namespace, name, document, cancellationToken, options));
    }

    /// <summary>Applies a status document through the status subresource (only <c>status</c> is taken from it).</summary>
    /// <exception cref="ApplyConflictException">Without force, other managers own fields it sets.</exception>
    public static Task<T> ApplyStatusAsync<T>(this IKubeObjectClient<T> client, string? @namespace, string name, KubePatch document, ApplyOptions options, CancellationToken cancellationToken = default)
        where T : class, IKubeObject
    {
        Check(client, document, options);
        return TranslateConflictAsync(client.PatchStatusAsync(@namespace, name, document, cancellationToken, options));
    }

    /// <summary>Applies a typed status configuration through the status subresource.</summary>
    /// <exception cref="ApplyConflictException">Without force, other managers own fields it sets.</exception>
    public static Task<T> ApplyStatusAsync<T, TApply>(this IKubeObjectClient<T> client, TApply configuration, ApplyOptions options, CancellationToken cancellationToken = default)
        where T : class, IKubeObject
        where TApply : IApplyConfiguration<TApply>
    {
        string name = NameOf(configuration);
        return ApplyStatusAsync(client, configuration.Namespace, name, KubePatch.Apply(configuration, TApply.JsonTypeInfo), options, cancellationToken);
    }

    /// <summary>
    /// Read, change, write the status subresource, and again on 409 Conflict (client-go's <c>retry.RetryOnConflict</c>):
    /// <paramref name="change"/> gets a fresh copy of the object, never the cache's shared one, and returns whether it
    /// changed anything; when it did not, nothing is written. After a conflict the object is read again and
    /// <paramref name="change"/> runs again on it, so write it to compute the status from what it is given.
    /// </summary>
    /// <param name="client">Reads the object and replaces its status.</param>
    /// <param name="current">The object as last seen (from the cache); copied, not changed.</param>
    /// <param name="copy">Makes a private copy (<c>item => KubeObjects.DeepCopy(item, ConfigMap.JsonTypeInfo)</c>).</param>
    /// <param name="change">Sets the status on the copy; whether anything changed.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The object as written, or <paramref name="current"/> when nothing changed.</returns>
    /// <exception cref="KubeApiException">Another error, or a conflict on every attempt.</exception>
    public static async Task<T> UpdateStatusAsync<T>(this IKubeObjectClient<T> client, T current, Func<T, T> copy, Func<T, bool> change, CancellationToken cancellationToken = default)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(change);
        ReconcileRequest key = ReconcileRequest.For(current) ?? throw new ArgumentException("The object has no name.", nameof(current));
        T working = copy(current);
        for (int attempt = 1; ; attempt++)
        {
            if (!change(working))
            {
                return attempt == 1 ? current : working;
            }

            try
            {
                return await client.ReplaceStatusAsync(key.Namespace, key.Name, working, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException ex) when (ex.IsConflict && attempt < ConflictAttempts)
            {
                working = await client.GetAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The applied object's name, which a configuration must carry.</summary>
    private static string NameOf<TApply>(TApply configuration)
        where TApply : IApplyConfiguration<TApply>
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.Name is { Length: > 0 } name ? name : throw new ArgumentException("The apply configuration has no metadata.name.", nameof(configuration));
    }

    private static void Check<T>(IKubeObjectClient<T> client, KubePatch document, ApplyOptions options)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(options);
        if (document.Type != KubePatchType.ApplyPatch)
        {
            throw new ArgumentException($"A server-side apply needs an apply patch (KubePatch.Apply), not {document.Type}.", nameof(document));
        }

        document.EnsureFieldManager(options.FieldManager);
    }

    private static async Task<T> TranslateConflictAsync<T>(Task<T> apply)
    {
        try
        {
            return await apply.ConfigureAwait(false);
        }
        catch (KubeApiException ex) when (ApplyConflictException.IsApplyConflict(ex))
        {
            throw new ApplyConflictException(ex);
        }
    }
}
