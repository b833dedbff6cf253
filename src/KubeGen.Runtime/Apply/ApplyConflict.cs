namespace KubeGen.Runtime;

/// <summary>One field a server-side apply wanted that another field manager owns.</summary>
/// <param name="Manager">The other manager ("kubectl-edit", "helm").</param>
/// <param name="Field">The field, as the server names it (<c>.data.mode</c>, <c>.spec.replicas</c>); null when not given.</param>
/// <param name="ApiVersion">The apiVersion the other manager used, when given.</param>
/// <param name="Subresource">The subresource the other manager wrote through ("status"), when given.</param>
public sealed record ApplyConflict(string Manager, string? Field, string? ApiVersion, string? Subresource);
