using System.Diagnostics.Metrics;

namespace KubeGen.Runtime;

/// <summary>
/// controller-runtime's reconcile metrics for one controller, readable here and published on the meter
/// <see cref="MeterName"/> tagged with <c>controller</c>: <c>kubegen.controller.reconcile_total</c> (tag <c>result</c>:
/// success, error, requeue, requeue_after), <c>.reconcile_errors_total</c>, <c>.terminal_reconcile_errors_total</c>,
/// <c>.reconcile_time</c> (seconds) and <c>.active_workers</c>.
/// </summary>
public sealed class ControllerMetrics
{
    /// <summary>The meter every controller publishes on.</summary>
    public const string MeterName = "KubeGen.Controller";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> ReconcileTotal = Meter.CreateCounter<long>("kubegen.controller.reconcile_total", description: "Reconciles by result.");
    private static readonly Counter<long> ErrorsTotal = Meter.CreateCounter<long>("kubegen.controller.reconcile_errors_total", description: "Reconciles that threw.");
    private static readonly Counter<long> TerminalTotal = Meter.CreateCounter<long>("kubegen.controller.terminal_reconcile_errors_total", description: "Reconciles that threw an error that is not retried.");
    private static readonly Histogram<double> ReconcileTime = Meter.CreateHistogram<double>("kubegen.controller.reconcile_time", "s", "How long a reconcile took.");
    private static readonly UpDownCounter<long> ActiveWorkersCounter = Meter.CreateUpDownCounter<long>("kubegen.controller.active_workers", description: "Workers reconciling now.");

    private readonly KeyValuePair<string, object?> _tag;
    private long _reconciles;
    private long _errors;
    private long _terminalErrors;
    private int _activeWorkers;

    internal ControllerMetrics(string controller) => _tag = new KeyValuePair<string, object?>("controller", controller);

    /// <summary>Reconciles that ended, any result.</summary>
    public long Reconciles => Interlocked.Read(ref _reconciles);

    /// <summary>Reconciles that threw.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Reconciles that threw an error that is not retried.</summary>
    public long TerminalErrors => Interlocked.Read(ref _terminalErrors);

    /// <summary>Workers reconciling now.</summary>
    public int ActiveWorkers => Volatile.Read(ref _activeWorkers);

    internal void Started()
    {
        Interlocked.Increment(ref _activeWorkers);
        ActiveWorkersCounter.Add(1, _tag);
    }

    internal void Ended(string result, TimeSpan took, bool error, bool terminal)
    {
        Interlocked.Decrement(ref _activeWorkers);
        ActiveWorkersCounter.Add(-1, _tag);
        Interlocked.Increment(ref _reconciles);
        ReconcileTotal.Add(1, _tag, new KeyValuePair<string, object?>("result", result));
        ReconcileTime.Record(took.TotalSeconds, _tag);
        if (error)
        {
            Interlocked.Increment(ref _errors);
            ErrorsTotal.Add(1, _tag);
        }

        if (terminal)
        {
            Interlocked.Increment(ref _terminalErrors);
            TerminalTotal.Add(1, _tag);
        }
    }
}
