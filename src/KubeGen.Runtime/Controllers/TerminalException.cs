namespace KubeGen.Runtime;

/// <summary>
/// An error that retrying cannot fix (controller-runtime's <c>reconcile.TerminalError</c>): the controller reports it once
/// with the object's key and does not requeue; the next change of a watched object brings the key back.
/// </summary>
public sealed class TerminalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TerminalException(string message)
        : base(message)
    {
    }

    /// <summary>Wraps the error that cannot be fixed by retrying.</summary>
    public TerminalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The controller's default rule: a <see cref="TerminalException"/>, or an API error that the same request would
    /// get again: 400 Bad Request, 403 Forbidden (a missing RBAC rule needs a new Role, not a retry), 405, 415 and
    /// 422 Invalid (also when wrapped in an <see cref="AggregateException"/> of one). Everything else, including
    /// 409 conflicts, 429, 5xx, timeouts and dropped connections, is retried with backoff.
    /// </summary>
    public static bool IsTerminal(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            TerminalException => true,
            KubeApiException api => api.IsForbidden || api.IsInvalid || (int)api.StatusCode is 400 or 405 or 415 || api.Status.Code is 400 or 405 or 415,
            AggregateException { InnerExceptions.Count: 1 } aggregate => IsTerminal(aggregate.InnerExceptions[0]),
            _ => false,
        };
    }
}
