namespace KubeGen.Testing.Streaming;

/// <summary>
/// The logs a test gives the emulator's pods: one text per container (and one for its previous instance), kept as the
/// appends that made it, each with the time it arrived (for <c>sinceSeconds</c>, <c>sinceTime</c> and <c>timestamps</c>).
/// A followed log waits for appends until the test ends it (the container terminated).
/// </summary>
internal sealed class PodLogStore
{
    private readonly Dictionary<(string Namespace, string Pod, string Container, bool Previous), PodLog> _logs = [];
    private readonly object _gate = new();

    public PodLog Get(string ns, string pod, string container, bool previous)
    {
        lock (_gate)
        {
            if (!_logs.TryGetValue((ns, pod, container, previous), out PodLog? log))
            {
                log = new PodLog();
                _logs[(ns, pod, container, previous)] = log;
            }

            return log;
        }
    }

    public bool Has(string ns, string pod, string container, bool previous)
    {
        lock (_gate)
        {
            return _logs.ContainsKey((ns, pod, container, previous));
        }
    }
}

/// <summary>One container's log: appends with their times, and whether the container has ended.</summary>
internal sealed class PodLog
{
    private readonly List<(DateTimeOffset Time, string Text)> _entries = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    /// <summary>Replaces the whole log.</summary>
    public void Set(string text, DateTimeOffset now)
    {
        lock (_entries)
        {
            _entries.Clear();
            _entries.Add((now, text));
            Signal();
        }
    }

    /// <summary>Adds text at the end (what a running container writes); followers get it at once.</summary>
    public void Append(string text, DateTimeOffset now)
    {
        lock (_entries)
        {
            _entries.Add((now, text));
            Signal();
        }
    }

    /// <summary>The container ended: followers get the end of the stream once they have the rest.</summary>
    public void End()
    {
        lock (_entries)
        {
            _ended = true;
            Signal();
        }
    }

    /// <summary>The appends from <paramref name="from"/> on, whether the log has ended, and a task that completes at the next change.</summary>
    public (List<(DateTimeOffset Time, string Text)> Entries, bool Ended, Task Changed) Read(int from)
    {
        lock (_entries)
        {
            return (_entries.Skip(from).ToList(), _ended, _changed.Task);
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
