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
    ClusterAvailabilityModel? Availability = null)
{
    /// <summary>The method takes the namespace (first).</summary>
    public bool TakesNamespace => Path.InNamespace;

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
}

/// <summary>The subresources KubeGen generates methods for.</summary>
internal enum SubresourceKind
{
    None,
    Status,
    Scale,
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
}

/// <summary>The request body parameter of an operation.</summary>
/// <param name="Type">The body's type.</param>
/// <param name="ParameterName">"body", or "options" for a delete's optional DeleteOptions.</param>
/// <param name="Optional">Null sends no body (a delete's options).</param>
/// <param name="Defaults">The apiVersion and kind to fill in when the caller left them out; null when the body is not a Kubernetes object.</param>
internal sealed record BodyModel(TypeRef Type, string ParameterName, bool Optional, BodyDefaultsModel? Defaults);

/// <summary>The properties of a body that carry apiVersion and kind, filled from the type's constants.</summary>
internal sealed record BodyDefaultsModel(string ApiVersionProperty, string KindProperty);
