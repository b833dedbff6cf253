using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Admission;

/// <summary>What is admitted: the operation on a resource's object, by whom, and the objects (kube's <c>admission.Attributes</c>).</summary>
/// <param name="Operation"><c>CREATE</c>, <c>UPDATE</c> or <c>DELETE</c>.</param>
/// <param name="Resource">The resource.</param>
/// <param name="Subresource">The subresource, or null.</param>
/// <param name="Namespace">The namespace (empty for cluster-scoped objects).</param>
/// <param name="Name">The name (empty on a create with generateName).</param>
/// <param name="Object">The new object (null for DELETE).</param>
/// <param name="OldObject">The current object (UPDATE, DELETE).</param>
/// <param name="DryRun">Whether nothing will be stored.</param>
/// <param name="User">Who asks.</param>
/// <param name="Options">The operation's options object (<c>CreateOptions</c>, …).</param>
internal sealed record AdmissionCall(
    string Operation,
    ApiResource Resource,
    string? Subresource,
    string Namespace,
    string Name,
    JsonObject? Object,
    JsonObject? OldObject,
    bool DryRun,
    EmulatorUser User,
    JsonObject Options);

/// <summary>What the mutating webhooks did: the object as they left it, the patches in the order applied, and the warnings.</summary>
internal sealed record MutationResult(JsonObject? Object, IReadOnlyList<JsonNode> Patches, IReadOnlyList<string> Warnings);
