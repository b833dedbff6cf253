using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>
/// Writes a resource client's IKubeObjectClient members (explicit: the controller helpers' view of the client, so the
/// public surface keeps one way to call each operation) and its typed server-side apply methods.
/// </summary>
internal static class ObjectClientEmitter
{
    private const string Runtime = CSharpTypes.Runtime;
    private const string CancellationToken = CSharpTypes.CancellationToken;
    private const string Task = "global::System.Threading.Tasks.Task";

    /// <summary>The interface the client class declares; null when it implements none.</summary>
    public static string? Interface(ResourceModel resource)
        => resource.ObjectClient is { } client ? $"{Runtime}IKubeObjectClient<{client.KindType}>" : null;

    public static void EmitMembers(SourceWriter w, ResourceModel resource)
    {
        if (resource.ObjectClient is not { } client)
        {
            return;
        }

        var contract = Interface(resource);
        var kind = client.KindType;
        // A null namespace of a namespaced kind is refused by the URL builder's segment check, as for every generated call.
        var scope = resource.Namespaced ? "@namespace!, " : string.Empty;
        var noStatus = $"{Runtime}KubeObjectClientErrors.StatusNotSelected({SourceWriter.Literal(resource.Plural)}, ";
        EmitApply(w, resource, client, "ApplyAsync", client.PatchMethod, "the object");
        if (client.PatchStatusMethod is not null)
        {
            EmitApply(w, resource, client, "ApplyStatusAsync", client.PatchStatusMethod, "its status subresource (only status is taken from it)");
        }

        w.Line();
        w.Line($"{Task}<{kind}> {contract}.GetAsync(string? @namespace, string name, {CancellationToken} cancellationToken)");
        w.Line($"    => {client.GetMethod}({scope}name, cancellationToken: cancellationToken);");
        EmitPatch(w, contract!, kind, "PatchAsync", client.PatchMethod, client, scope);
        if (client.PatchStatusMethod is { } patchStatus)
        {
            EmitPatch(w, contract!, kind, "PatchStatusAsync", patchStatus, client, scope);
        }
        else
        {
            w.Line();
            w.Line($"{Task}<{kind}> {contract}.PatchStatusAsync(string? @namespace, string name, {Runtime}KubePatch patch, {CancellationToken} cancellationToken, {Runtime}ApplyOptions? apply)");
            w.Line($"    => throw {noStatus}\"patch\");");
        }

        w.Line();
        w.Line($"{Task}<{kind}> {contract}.ReplaceStatusAsync(string? @namespace, string name, {kind} body, {CancellationToken} cancellationToken)");
        w.Line(client.ReplaceStatusMethod is { } replaceStatus
            ? $"    => {replaceStatus}({scope}name, body, cancellationToken: cancellationToken);"
            : $"    => throw {noStatus}\"update\");");
    }

    private static void EmitApply(SourceWriter w, ResourceModel resource, ObjectClientModel client, string name, string call, string what)
    {
        var kind = client.KindType;
        w.Line();
        w.Doc("summary", $"Server-side apply of {what}: build a new {resource.Kind} holding only the fields this manager owns (every property can be left out, and what is left out is not sent), with metadata.name. apiVersion and kind are filled in when left out. Calls {call}.");
        if (resource.Namespaced)
        {
            w.Doc("param", "The namespace of the object (metadata.namespace may be left out; when set, it must be the same).", "name=\"namespace\"");
        }

        w.Doc("param", "The fields to own.", "name=\"configuration\"");
        w.Doc("param", "The field manager, and whether to take fields other managers own.", "name=\"options\"");
        w.Doc("param", "Cancels the request.", "name=\"cancellationToken\"");
        w.Doc("exception", "Without force, other managers own fields it sets (the exception names them).", $"cref=\"{Runtime}ApplyConflictException\"");
        var scope = resource.Namespaced ? "string @namespace, " : string.Empty;
        w.Line($"public {Task}<{kind}> {name}({scope}{kind} configuration, {Runtime}ApplyOptions options, {CancellationToken} cancellationToken = default)");
        w.Line($"    => {Runtime}KubeApply.ApplyObjectAsync(this, {(resource.Namespaced ? "@namespace" : "null")}, configuration, {kind}.KubeApiVersion, {kind}.KubeKind, {kind}.JsonTypeInfo, options, status: {(name == "ApplyStatusAsync" ? "true" : "false")}, cancellationToken);");
    }

    private static void EmitPatch(SourceWriter w, string contract, string kind, string member, string call, ObjectClientModel client, string scope)
    {
        // force is for server-side apply only: the API server refuses it on the other patch types.
        w.Line();
        w.Line($"{Task}<{kind}> {contract}.{member}(string? @namespace, string name, {Runtime}KubePatch patch, {CancellationToken} cancellationToken, {Runtime}ApplyOptions? apply)");
        w.Line($"    => {call}({scope}name, patch, apply is null ? null : new {client.PatchOptionsType} {{ {client.FieldManagerProperty} = apply.FieldManager, {client.ForceProperty} = patch.Type == {Runtime}KubePatchType.ApplyPatch ? apply.Force : null }}, cancellationToken);");
    }
}
