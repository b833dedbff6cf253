namespace KubeGen.Runtime;

/// <summary>A reconcile that threw, as the controller reports it (<see cref="Controller.ReconcileFailed"/>).</summary>
/// <param name="Controller">The controller's name.</param>
/// <param name="Request">The key.</param>
/// <param name="Exception">What it threw.</param>
/// <param name="Terminal">Whether the error is terminal (<see cref="TerminalException.IsTerminal"/>): reported once and not retried.</param>
/// <param name="Retries">How many times this key had already failed in a row before this failure.</param>
public sealed record ReconcileFailure(string Controller, ReconcileRequest Request, Exception Exception, bool Terminal, int Retries)
{
    /// <summary>One line for a log: <c>reconcile shop/web failed (will retry, 3 earlier failures): message</c>.</summary>
    public override string ToString()
        => $"{Controller}: reconcile {Request} failed ({(Terminal ? "terminal, not retried" : $"will retry, {Retries} earlier failures")}): {Exception.Message}";
}
