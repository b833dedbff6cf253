namespace KubeGen.Testing;

/// <summary>What to do to a request that matches a fault rule.</summary>
public abstract record Fault
{
    private protected Fault()
    {
    }

    /// <summary>Answer with an error Status: 429 (TooManyRequests, with <c>Retry-After</c>), 500 (InternalError), 503 (ServiceUnavailable), or any other code.</summary>
    public static Fault Status(int code, int? retryAfterSeconds = null, string? message = null) => new StatusFault(code, retryAfterSeconds, message);

    /// <summary>429 TooManyRequests with a <c>Retry-After</c> header and <c>details.retryAfterSeconds</c>.</summary>
    public static Fault TooManyRequests(int retryAfterSeconds = 1) => new StatusFault(429, retryAfterSeconds, null);

    /// <summary>500 InternalError.</summary>
    public static Fault InternalError(string message = "injected fault") => new StatusFault(500, null, message);

    /// <summary>503 ServiceUnavailable.</summary>
    public static Fault ServiceUnavailable(string message = "the server is currently unable to handle the request") => new StatusFault(503, null, message);

    /// <summary>Wait, then handle the request normally.</summary>
    public static Fault Latency(TimeSpan delay) => new LatencyFault(delay);

    /// <summary>Abort the connection before sending anything.</summary>
    public static Fault CloseConnection() => new CloseConnectionFault();

    /// <summary>Send the status line, headers and part of the body (Content-Length promises all of it), then abort the connection.</summary>
    public static Fault CloseMidBody() => new CloseMidBodyFault();

    /// <summary>For watches: abort the connection after <paramref name="afterEvents"/> events (bookmarks included).</summary>
    public static Fault DropWatch(int afterEvents = 0) => new DropWatchFault(afterEvents);

    /// <summary>For watches: after <paramref name="afterEvents"/> events send nothing more and keep the connection open until the client leaves.</summary>
    public static Fault StallWatch(int afterEvents = 0) => new StallWatchFault(afterEvents);
}

internal sealed record StatusFault(int Code, int? RetryAfterSeconds, string? Message) : Fault;

internal sealed record LatencyFault(TimeSpan Delay) : Fault;

internal sealed record CloseConnectionFault : Fault;

internal sealed record CloseMidBodyFault : Fault;

internal sealed record DropWatchFault(int AfterEvents) : Fault;

internal sealed record StallWatchFault(int AfterEvents) : Fault;

/// <summary>
/// Which requests a fault applies to. Every property that is set must match; unset properties
/// match anything.
/// </summary>
public sealed record FaultMatch
{
    /// <summary>Matches every request.</summary>
    public static FaultMatch Any { get; } = new();

    /// <summary>HTTP method (GET, POST, ...), case-insensitive.</summary>
    public string? Method { get; init; }

    /// <summary>A prefix of the request path, e.g. <c>/api/v1/namespaces/default/pods</c>.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>The API verb: get, list, watch, create, update, patch, delete, deletecollection.</summary>
    public string? Verb { get; init; }

    /// <summary>The plural resource name, e.g. <c>pods</c>.</summary>
    public string? Resource { get; init; }

    /// <summary>The API group (<c>""</c> for core).</summary>
    public string? Group { get; init; }

    /// <summary>The namespace of the request.</summary>
    public string? Namespace { get; init; }

    /// <summary>The object name of the request.</summary>
    public string? Name { get; init; }

    /// <summary>Matches watch requests of a resource (any namespace).</summary>
    public static FaultMatch Watch(string resource) => new() { Verb = "watch", Resource = resource };

    /// <summary>Matches requests with the given verb on a resource.</summary>
    public static FaultMatch Request(string verb, string resource) => new() { Verb = verb, Resource = resource };

    internal bool Matches(string method, string path, string? verb, string? group, string? resource, string? ns, string? name)
        => (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
            && (PathPrefix is null || path.StartsWith(PathPrefix, StringComparison.Ordinal))
            && (Verb is null || Verb == verb)
            && (Resource is null || Resource == resource)
            && (Group is null || Group == group)
            && (Namespace is null || Namespace == ns)
            && (Name is null || Name == name);
}

/// <summary>Per-request fault rules. Rules are tried in the order added; the first match applies.</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<Rule> _rules = [];

    /// <summary>Adds a rule; <paramref name="times"/> limits how many requests it affects (null: unlimited). Dispose the result to remove it.</summary>
    public IDisposable Add(FaultMatch match, Fault fault, int? times = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(fault);
        var rule = new Rule(this, match, fault, times);
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>How many requests faults have been applied to so far.</summary>
    public int AppliedCount { get; private set; }

    internal Fault? Take(string method, string path, string? verb, string? group, string? resource, string? ns, string? name)
    {
        lock (_gate)
        {
            foreach (Rule rule in _rules)
            {
                if (!rule.Match.Matches(method, path, verb, group, resource, ns, name))
                {
                    continue;
                }

                // Watch faults only concern watches.
                if (rule.Fault is DropWatchFault or StallWatchFault && verb != "watch")
                {
                    continue;
                }

                if (rule.Remaining is int remaining)
                {
                    if (remaining <= 1)
                    {
                        _rules.Remove(rule);
                    }
                    else
                    {
                        rule.Remaining = remaining - 1;
                    }
                }

                AppliedCount++;
                return rule.Fault;
            }
        }

        return null;
    }

    private void Remove(Rule rule)
    {
        lock (_gate)
        {
            _rules.Remove(rule);
        }
    }

    private sealed class Rule(FaultInjector owner, FaultMatch match, Fault fault, int? times) : IDisposable
    {
        public FaultMatch Match { get; } = match;

        public Fault Fault { get; } = fault;

        public int? Remaining { get; set; } = times;

        public void Dispose() => owner.Remove(this);
    }
}
