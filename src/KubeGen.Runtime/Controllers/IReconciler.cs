namespace KubeGen.Runtime;

/// <summary>
/// Makes the world match one primary object's desired state (controller-runtime's <c>reconcile.Reconciler</c>).
/// Called with one request at a time per key: a key is never reconciled by two workers at once.
/// </summary>
public interface IReconciler
{
    /// <summary>Reconciles <paramref name="request"/>; the token is cancelled when the controller must stop (shutdown past its grace period, or leadership lost).</summary>
    /// <returns>What to do next; throw to retry with backoff, or throw <see cref="TerminalException"/> for an error retrying cannot fix.</returns>
    Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken);
}

/// <summary>A reconciler from a delegate.</summary>
public sealed class Reconciler(Func<ReconcileRequest, CancellationToken, Task<ReconcileResult>> reconcile) : IReconciler
{
    private readonly Func<ReconcileRequest, CancellationToken, Task<ReconcileResult>> _reconcile = reconcile ?? throw new ArgumentNullException(nameof(reconcile));

    /// <inheritdoc/>
    public Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken) => _reconcile(request, cancellationToken);
}
