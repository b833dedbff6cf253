using System.Collections.Generic;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// Which subresources KubeGen generates methods for, and how each is selected: <c>status</c> and <c>scale</c> follow the
/// resource's verbs (<c>pods:get</c> also gives <c>GetStatusAsync</c>); the others are never implied, since <c>pods</c>
/// must not grant <c>pods/exec</c> in rbac.yaml: they come only from a selector entry that names them
/// (<c>pods/log</c>, <c>pods/exec:create</c>).
/// </summary>
internal static class Subresources
{
    /// <summary>The subresources that are generated, by their name in paths, in documentation order.</summary>
    public static readonly IReadOnlyList<string> Generated = new[] { "status", "scale", "log", "exec", "attach", "portforward", "eviction", "binding" };

    /// <summary>
    /// <c>finalizers</c>: no call, only a permission. Setting <c>blockOwnerDeletion</c> in an owner reference needs
    /// <c>update</c> on the owner's <c>finalizers</c> where the OwnerReferencesPermissionEnforcement admission plugin is on
    /// (OpenShift, many hardened clusters), so a controller that owns children selects <c>websites/finalizers</c> and
    /// rbac.yaml grants it; no method is generated.
    /// </summary>
    public const string Finalizers = "finalizers";

    /// <summary>The one verb a <see cref="Finalizers"/> entry grants.</summary>
    public const string FinalizersVerb = "update";

    /// <summary>The kind of a subresource by its path name ("" is the resource itself); null when it is not generated.</summary>
    public static SubresourceKind? KindOf(string name) => name switch
    {
        "" => SubresourceKind.None,
        "status" => SubresourceKind.Status,
        "scale" => SubresourceKind.Scale,
        "log" => SubresourceKind.Log,
        "exec" => SubresourceKind.Exec,
        "attach" => SubresourceKind.Attach,
        "portforward" => SubresourceKind.PortForward,
        "eviction" => SubresourceKind.Eviction,
        "binding" => SubresourceKind.Binding,
        _ => null,
    };

    /// <summary>Whether the resource's own verbs select the subresource's operations (status, scale).</summary>
    public static bool FollowsResourceVerbs(SubresourceKind kind) => kind is SubresourceKind.None or SubresourceKind.Status or SubresourceKind.Scale;

    /// <summary>
    /// A connect subresource: a WebSocket (the spec's GET and POST are one call). Its RBAC verb is <c>create</c>, and
    /// <c>get</c> too: the WebSocket is a GET, which kube-apiserver authorizes as <c>get</c> before 1.35 and as both after.
    /// </summary>
    public static bool IsConnect(SubresourceKind kind) => kind is SubresourceKind.Exec or SubresourceKind.Attach or SubresourceKind.PortForward;

    /// <summary>The RBAC verbs a selector may name for an operation: a connect operation's method is not its verb.</summary>
    public static IEnumerable<string> SelectableVerbs(SubresourceKind kind, string? verb)
        => IsConnect(kind) ? new[] { "get", "create" } : verb is null ? System.Array.Empty<string>() : new[] { verb };
}
