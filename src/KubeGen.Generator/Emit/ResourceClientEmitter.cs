using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>
/// Emits the client class of one resource (<c>kube.CoreV1.Pods</c>): one method per operation the
/// spec and the selector allow, every query parameter of the spec, names validated before any request.
/// </summary>
internal sealed class ResourceClientEmitter
{
    private const string Connection = CSharpTypes.Runtime + "KubeConnection";
    private const string CancellationToken = "global::System.Threading.CancellationToken";

    private readonly IReadOnlyDictionary<string, TypeModel> _typesByFullName;

    public ResourceClientEmitter(IReadOnlyDictionary<string, TypeModel> typesByFullName) => _typesByFullName = typesByFullName;

    public string Emit(GroupVersionModel groupVersion, ResourceModel resource)
    {
        var w = new SourceWriter();
        EmitterHeader.Write(w);
        using (w.Block($"namespace {groupVersion.Namespace}"))
        {
            var scope = resource.Namespaced ? "namespaced" : "cluster-scoped";
            w.Doc("summary", $"Operations on {resource.Plural} ({(resource.Group.Length == 0 ? "core" : resource.Group)}/{resource.Version}, kind {resource.Kind}, {scope}).");
            using (w.Block($"public sealed partial class {resource.ClientClassName}"))
            {
                w.Line($"private readonly {Connection} _connection;");
                w.Line();
                w.Doc("summary", $"Creates the {resource.Plural} client over a connection.");
                using (w.Block($"public {resource.ClientClassName}({Connection} connection)"))
                {
                    w.Line("_connection = connection ?? throw new global::System.ArgumentNullException(nameof(connection));");
                }

                foreach (var operation in resource.Operations)
                {
                    w.Line();
                    EmitOperation(w, resource, operation);
                }

                if (ControllerGlue.Cache(resource, _typesByFullName) is { } cache)
                {
                    ControllerGlue.EmitCacheMembers(w, resource, cache);
                }

                if (ControllerGlue.Lease(resource, _typesByFullName) is { } lease)
                {
                    ControllerGlue.EmitLeaseStore(w, resource, lease);
                }
            }
        }

        return w.ToString();
    }

    private void EmitOperation(SourceWriter w, ResourceModel resource, OperationModel operation)
    {
        var parameters = new List<string>();
        var docs = new List<(string Name, string Text)>();
        if (operation.TakesNamespace)
        {
            parameters.Add("string @namespace");
            docs.Add(("namespace", "The namespace of the object."));
        }

        if (operation.TakesName)
        {
            parameters.Add("string name");
            docs.Add(("name", $"The name of the {resource.Kind}."));
        }

        string? bodyType = null;
        string? bodyArgument = null;
        if (operation.Kind == OperationKind.Patch)
        {
            parameters.Add(CSharpTypes.Runtime + "KubePatch patch");
            docs.Add(("patch", "The patch: JSON patch, JSON merge patch, strategic merge patch or server-side apply (which needs fieldManager)."));
        }
        else if (operation.BodyType is { } body)
        {
            bodyType = CSharpTypes.Name(body);
            if (operation.Kind is OperationKind.Delete or OperationKind.DeleteCollection)
            {
                bodyArgument = "options";
                parameters.Add($"{bodyType}? options");
                docs.Add(("options", "Delete options such as preconditions (uid, resourceVersion) and propagationPolicy; null sends none."));
            }
            else
            {
                bodyArgument = "body";
                parameters.Add($"{bodyType} body");
                docs.Add(("body", $"The {resource.Kind} to send."));
            }
        }

        if (operation.Kind is OperationKind.Delete or OperationKind.DeleteCollection && bodyArgument == "options")
        {
            // options is optional: place the default after the required parameters.
            parameters[parameters.Count - 1] += " = null";
        }

        foreach (var query in operation.QueryParameters)
        {
            parameters.Add($"{CSharpTypes.Name(query.Type)}? {query.Name} = null");
            docs.Add((query.Name.TrimStart('@'), query.Description ?? query.JsonName));
        }

        parameters.Add($"{CancellationToken} cancellationToken = default");
        docs.Add(("cancellationToken", "Cancels the request."));

        var (returnType, description) = Signature(resource, operation);
        w.Doc("summary", operation.Description ?? description);
        foreach (var (name, text) in docs)
        {
            w.Doc("param", text, $"name=\"{name}\"");
        }

        if (operation.Kind == OperationKind.Watch)
        {
            w.Line("/// <remarks>The enumeration ends when the server closes the watch; an ERROR event throws KubeApiException.</remarks>");
        }

        if (operation.Kind == OperationKind.Delete && IsAsync(resource, operation))
        {
            w.Line($"/// <returns>The {resource.Kind} while its deletion is pending; null when the server answered with a Status (already deleted).</returns>");
        }

        var asyncModifier = IsAsync(resource, operation) ? "async " : string.Empty;
        using (w.Block($"public {asyncModifier}{returnType} {operation.MethodName}({string.Join(", ", parameters)})"))
        {
            if (bodyArgument == "body")
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(body);");
            }

            if (operation.Kind == OperationKind.Patch)
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(patch);");
                var fieldManager = operation.QueryParameters.FirstOrDefault(q => q.JsonName == "fieldManager");
                w.Line($"patch.EnsureFieldManager({fieldManager?.Name ?? "null"});");
            }

            if (bodyArgument == "body" && operation.BodyType?.ObjectName is { } bodyName
                && _typesByFullName.TryGetValue(bodyName, out var bodyModel) && bodyModel.Kind is not null
                && (bodyModel.Traits & TypeModelTraits.KubeObject) != 0)
            {
                // The API server wants apiVersion and kind; fill them when the caller left them out.
                var apiVersion = bodyModel.Properties.First(p => p.JsonName == "apiVersion").Name;
                var kind = bodyModel.Properties.First(p => p.JsonName == "kind").Name;
                w.Line($"body.{apiVersion} ??= {bodyName}.KubeApiVersion;");
                w.Line($"body.{kind} ??= {bodyName}.KubeKind;");
            }

            w.Line($"var url = {UrlExpression(operation)};");
            foreach (var query in operation.QueryParameters)
            {
                w.Line($"url.AddQuery({SourceWriter.Literal(query.JsonName)}, {query.Name});");
            }

            if (operation.Kind == OperationKind.Watch)
            {
                w.Line("url.AddQuery(\"watch\", true);");
                w.Line($"return _connection.WatchAsync(url.ToString(), {TypeInfo(resource.KindType)}, cancellationToken);");
                return;
            }

            if (operation.Kind == OperationKind.Delete && resource.KindType is { Kind: ValueKind.Object } deleted)
            {
                // A delete answers with the object while deletion is pending, or a Status once it is gone.
                w.Line($"var response = await _connection.SendAsync({HttpMethod(operation.HttpMethod)}, url.ToString(), {DeleteContent(operation)}, {CSharpTypes.Runtime}KubeJsonTypeInfo.RawJson, cancellationToken).ConfigureAwait(false);");
                w.Line($"return {CSharpTypes.Runtime}KubeObjectOrStatus.Read(response, {TypeInfo(deleted)});");
                return;
            }

            if (operation.Kind == OperationKind.DeleteCollection)
            {
                // The answer is a list of what was deleted or a Status, depending on the server version: nothing to return.
                w.Line($"await _connection.SendAsync({HttpMethod(operation.HttpMethod)}, url.ToString(), {DeleteContent(operation)}, {CSharpTypes.Runtime}KubeJsonTypeInfo.RawJson, cancellationToken).ConfigureAwait(false);");
                return;
            }

            var content = operation.Kind == OperationKind.Patch
                ? "patch.CreateContent()"
                : bodyArgument switch
                {
                    "body" => $"{CSharpTypes.Runtime}KubeContent.Json(body, {TypeInfo(operation.BodyType)})",
                    "options" => $"options is null ? null : {CSharpTypes.Runtime}KubeContent.Json(options, {TypeInfo(operation.BodyType)})",
                    _ => "null",
                };
            w.Line($"return _connection.SendAsync({HttpMethod(operation.HttpMethod)}, url.ToString(), {content}, {TypeInfo(operation.ResponseType)}, cancellationToken);");
        }
    }

    private static string DeleteContent(OperationModel operation)
        => operation.BodyType is null ? "null" : $"options is null ? null : {CSharpTypes.Runtime}KubeContent.Json(options, {TypeInfo(operation.BodyType)})";

    private static bool IsAsync(ResourceModel resource, OperationModel operation)
        => operation.Kind == OperationKind.DeleteCollection || (operation.Kind == OperationKind.Delete && resource.KindType is { Kind: ValueKind.Object });

    private static (string ReturnType, string Description) Signature(ResourceModel resource, OperationModel operation)
    {
        var kindType = resource.KindType is { } k ? CSharpTypes.Name(k) : CSharpTypes.JsonElement;
        if (operation.Kind == OperationKind.DeleteCollection)
        {
            return ("global::System.Threading.Tasks.Task", $"Deletes a collection of {resource.Plural}.");
        }

        if (IsAsync(resource, operation))
        {
            return ($"global::System.Threading.Tasks.Task<{kindType}?>",
                $"Deletes a {resource.Kind}. Returns the object while its deletion is pending (finalizers, foreground deletion, graceful termination) and null once it is gone.");
        }

        if (operation.Kind == OperationKind.Watch)
        {
            return ($"global::System.Collections.Generic.IAsyncEnumerable<{CSharpTypes.Runtime}WatchEvent<{kindType}>>",
                $"Watches {resource.Plural} for changes.");
        }

        var response = operation.ResponseType is { Kind: ValueKind.Object } r ? CSharpTypes.Name(r) : CSharpTypes.JsonElement;
        return ($"global::System.Threading.Tasks.Task<{response}>", $"{operation.MethodName.Replace("Async", string.Empty)} {resource.Plural}.");
    }

    /// <summary>
    /// The URL of the operation: validated literals from the model, and the namespace and name through
    /// AppendSegment, which rejects empty and path-changing values before any request.
    /// </summary>
    private static string UrlExpression(OperationModel operation)
    {
        var path = operation.Path;
        var url = $"new {CSharpTypes.Runtime}KubeUrlBuilder(";
        var literal = path.Root;
        if (path.InNamespace)
        {
            url += SourceWriter.Literal(literal + "/namespaces/") + ").AppendSegment(@namespace, \"namespace\")";
            literal = string.Empty;
        }

        literal += "/" + path.Resource + (path.Named ? "/" : string.Empty);
        url += path.InNamespace ? $".AppendLiteral({SourceWriter.Literal(literal)})" : SourceWriter.Literal(literal) + ")";
        if (path.Named)
        {
            url += ".AppendSegment(name, \"name\")";
            if (path.Subresource is { } subresource)
            {
                url += $".AppendLiteral({SourceWriter.Literal("/" + subresource)})";
            }
        }

        return url;
    }

    private static string TypeInfo(TypeRef? type)
        => type is { Kind: ValueKind.Object, ObjectName: { } name } ? name + ".JsonTypeInfo" : CSharpTypes.Runtime + "KubeJsonTypeInfo.RawJson";

    private static string HttpMethod(string method) => method switch
    {
        "get" => "global::System.Net.Http.HttpMethod.Get",
        "post" => "global::System.Net.Http.HttpMethod.Post",
        "put" => "global::System.Net.Http.HttpMethod.Put",
        "patch" => "global::System.Net.Http.HttpMethod.Patch",
        _ => "global::System.Net.Http.HttpMethod.Delete",
    };
}
