namespace KubeGen.Generator.Model;

/// <summary>One generated method that makes one API call.</summary>
/// <param name="MethodName">The method (GetAsync, ListForAllNamespacesAsync, PatchStatusAsync, WatchSingleConnectionAsync…).</param>
/// <param name="Kind">What the call does.</param>
/// <param name="Subresource">The subresource it addresses.</param>
/// <param name="HttpMethod">The HTTP method, lower case.</param>
/// <param name="Path">The REST path.</param>
/// <param name="Body">The request body parameter; null when the call sends none (or takes a patch).</param>
/// <param name="ResponseType">The response's model type; null for a raw JSON answer.</param>
/// <param name="Options">The options parameter and the query parameters it sends; null for a call without one (delete takes its DeleteOptions body).</param>
/// <param name="Result">How the method returns the answer.</param>
/// <param name="Description">The spec's description of the operation.</param>
/// <param name="Verb">The RBAC verb the call needs.</param>
/// <param name="Availability">For a client of several clusters, when only some of them serve the call.</param>
/// <param name="Arguments">Query parameters that are positional arguments (exec's command, portforward's port), after the name.</param>
/// <param name="FixedQuery">Query parameters every call sends (with the C# expression of their value), before the options'.</param>
internal sealed record OperationModel(
    string MethodName,
    OperationKind Kind,
    SubresourceKind Subresource,
    string HttpMethod,
    RestPathModel Path,
    BodyModel? Body,
    TypeRef? ResponseType,
    OptionsUseModel? Options,
    OperationResult Result,
    string? Description,
    string Verb,
    ClusterAvailabilityModel? Availability = null,
    ImmutableEquatableArray<ArgumentModel>? Arguments = null,
    ImmutableEquatableArray<FixedQueryModel>? FixedQuery = null)
{
    /// <summary>The method takes the namespace (first).</summary>
    public bool TakesNamespace => Path.InNamespace;

    /// <summary>
    /// The summary says what the method returns, not the spec's description: one streaming operation becomes several
    /// methods (a log as text, a stream and lines), and the spec's words fit none of them alone.
    /// </summary>
    public bool DescribesItsResult => Result is OperationResult.Text or OperationResult.TextStream or OperationResult.TextLines
        or OperationResult.ExecSession or OperationResult.ExecRun or OperationResult.PortStream or OperationResult.PortForwarder or OperationResult.Eviction;

    /// <summary>The method takes the object's name (after the namespace).</summary>
    public bool TakesName => Path.Named;
}

/// <summary>What an operation does (x-kubernetes-action, with watch split from list).</summary>
internal enum OperationKind
{
    Get,
    List,
    Watch,
    Create,
    Replace,
    Patch,
    Delete,
    DeleteCollection,

    /// <summary>A WebSocket to a connect subresource (exec, attach, portforward).</summary>
    Connect,
}

/// <summary>The subresources KubeGen generates methods for (<see cref="Modeling.Subresources"/>).</summary>
internal enum SubresourceKind
{
    None,
    Status,
    Scale,
    Log,
    Exec,
    Attach,
    PortForward,
    Eviction,
    Binding,
}

/// <summary>How a generated method hands back the answer.</summary>
internal enum OperationResult
{
    /// <summary><c>Task&lt;T&gt;</c> of the response type.</summary>
    Object,

    /// <summary><c>Task&lt;Kind?&gt;</c>: the object while its deletion is pending, null once a Status says it is gone.</summary>
    ObjectWhileDeleting,

    /// <summary><c>Task</c>: the answer (a list or a Status, by server version) is read and dropped.</summary>
    Nothing,

    /// <summary><c>IAsyncEnumerable&lt;WatchEvent&lt;Kind&gt;&gt;</c> over one watch connection.</summary>
    WatchEvents,

    /// <summary><c>Task&lt;string&gt;</c>: a text answer read whole (a log).</summary>
    Text,

    /// <summary><c>Task&lt;Stream&gt;</c>: the answer as it arrives (a followed log).</summary>
    TextStream,

    /// <summary><c>IAsyncEnumerable&lt;string&gt;</c>: the answer's lines as they arrive.</summary>
    TextLines,

    /// <summary><c>Task&lt;ExecSession&gt;</c>: an interactive exec or attach session.</summary>
    ExecSession,

    /// <summary><c>Task&lt;ExecResult&gt;</c>: a command run to its end, with its output.</summary>
    ExecRun,

    /// <summary><c>Task&lt;Stream&gt;</c>: one connection to a pod's port.</summary>
    PortStream,

    /// <summary><c>Task&lt;PortForwarder&gt;</c>: a local listener forwarding to a pod's port.</summary>
    PortForwarder,

    /// <summary><c>Task&lt;EvictionResult&gt;</c>: evicted, or refused with a 429 (a disruption budget).</summary>
    Eviction,
}

/// <summary>The request body parameter of an operation.</summary>
/// <param name="Type">The body's type.</param>
/// <param name="ParameterName">"body", or "options" for a delete's optional DeleteOptions.</param>
/// <param name="Optional">Null sends no body (a delete's options), or a new one when <paramref name="Names"/> fills it (an eviction).</param>
/// <param name="Defaults">The apiVersion and kind to fill in when the caller left them out; null when the body is not a Kubernetes object.</param>
/// <param name="Names">The body's metadata name and namespace, filled from the path when left null (an eviction or a binding names its pod); null otherwise.</param>
internal sealed record BodyModel(TypeRef Type, string ParameterName, bool Optional, BodyDefaultsModel? Defaults, BodyNamesModel? Names = null);

/// <summary>Where a body keeps its metadata (<paramref name="MetadataProperty"/> of type <paramref name="MetadataType"/>) and the name and namespace in it.</summary>
internal sealed record BodyNamesModel(string MetadataProperty, string MetadataType, string NameProperty, string? NamespaceProperty);

/// <summary>A query parameter taken as a positional argument: <c>IEnumerable&lt;string&gt; command</c>, <c>int port</c>.</summary>
/// <param name="Name">The C# parameter name.</param>
/// <param name="Type">The C# parameter type.</param>
/// <param name="JsonName">The query parameter.</param>
/// <param name="Description">Its documentation.</param>
/// <param name="IsReference">A reference type, which the method checks for null.</param>
internal sealed record ArgumentModel(string Name, string Type, string JsonName, string Description, bool IsReference);

/// <summary>A query parameter a call always sends: its value is a C# expression over the method's parameters.</summary>
internal sealed record FixedQueryModel(string JsonName, string Value);

/// <summary>The properties of a body that carry apiVersion and kind, filled from the type's constants.</summary>
internal sealed record BodyDefaultsModel(string ApiVersionProperty, string KindProperty);
