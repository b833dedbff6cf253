using System.Collections.Generic;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>
/// Writes the client class of one resource (<c>kube.CoreV1.Pods</c>): one method per operation of the
/// model, then the controller members the model gives it (<see cref="ControllerEmitter"/>).
/// </summary>
internal static class ResourceClientEmitter
{
    private const string Connection = CSharpTypes.Runtime + "KubeConnection";
    private const string CancellationToken = CSharpTypes.CancellationToken;
    private const string Task = "global::System.Threading.Tasks.Task";

    public static string Emit(ResourceFileModel file)
    {
        var resource = file.Resource;
        var w = new SourceWriter();
        EmitterHeader.Write(w);
        using (w.Block($"namespace {file.Namespace}"))
        {
            w.Doc("summary", $"Operations on {resource.DisplayName}.");
            AvailabilityEmitter.Write(w, resource.Availability);
            var bases = ObjectClientEmitter.Interface(resource) is { } contract ? " : " + contract : string.Empty;
            using (w.Block($"public sealed partial class {resource.ClientClassName}{bases}"))
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

                ControllerEmitter.EmitMembers(w, resource);
            }
        }

        return w.ToString();
    }

    private static void EmitOperation(SourceWriter w, ResourceModel resource, OperationModel operation)
    {
        var parameters = new List<string>();
        var docs = new List<ParameterDoc>();
        if (operation.TakesNamespace)
        {
            parameters.Add("string @namespace");
            docs.Add(new ParameterDoc("namespace", "The namespace of the object."));
        }

        if (operation.TakesName)
        {
            parameters.Add("string name");
            docs.Add(new ParameterDoc("name", $"The name of the {resource.Kind}."));
        }

        if (operation.Kind == OperationKind.Patch)
        {
            parameters.Add(CSharpTypes.Runtime + "KubePatch patch");
            docs.Add(new ParameterDoc("patch", "The patch: JSON patch, JSON merge patch, strategic merge patch or server-side apply (which needs a field manager)."));
        }

        if (operation.Body is { } body)
        {
            var type = CSharpTypes.Name(body.Type);
            parameters.Add(body.Optional ? $"{type}? {body.ParameterName} = null" : $"{type} {body.ParameterName}");
            docs.Add(new ParameterDoc(body.ParameterName, body.Optional
                ? "Delete options such as preconditions (uid, resourceVersion), propagationPolicy and gracePeriodSeconds; null sends none."
                : $"The {resource.Kind} to send."));
        }

        if (operation.Options is { } options)
        {
            parameters.Add($"{options.TypeName}? options = null");
            docs.Add(new ParameterDoc("options", "Query parameters of the call; null sends none."));
        }

        parameters.Add($"{CancellationToken} cancellationToken = default");
        docs.Add(new ParameterDoc("cancellationToken", "Cancels the request."));

        var kindType = resource.KindType is { Kind: ValueKind.Object } k ? CSharpTypes.Name(k) : CSharpTypes.JsonElement;
        var (returnType, summary) = operation.Result switch
        {
            OperationResult.Nothing => (Task, $"Deletes a collection of {resource.Plural}."),
            OperationResult.ObjectWhileDeleting => ($"{Task}<{kindType}?>", $"Deletes a {resource.Kind}. Returns the object while its deletion is pending (finalizers, foreground deletion, graceful termination) and null once it is gone."),
            OperationResult.WatchEvents => ($"global::System.Collections.Generic.IAsyncEnumerable<{CSharpTypes.Runtime}WatchEvent<{kindType}>>", $"Watches {resource.Plural} over one connection."),
            _ => ($"{Task}<{(operation.ResponseType is { Kind: ValueKind.Object } r ? CSharpTypes.Name(r) : CSharpTypes.JsonElement)}>", $"{operation.Kind} {resource.Plural}."),
        };

        w.Doc("summary", operation.Description ?? summary);
        foreach (var doc in docs)
        {
            w.Doc("param", doc.Text, $"name=\"{doc.Name}\"");
        }

        if (operation.Result == OperationResult.WatchEvents)
        {
            w.Line("/// <remarks>One watch connection: the enumeration ends when the server closes it, a failure of the connection throws, and an ERROR event throws KubeApiException. To follow changes, use WatchAsync, which resumes.</remarks>");
        }

        AvailabilityEmitter.Write(w, operation.Availability);
        var isAsync = operation.Result is OperationResult.Nothing or OperationResult.ObjectWhileDeleting;
        using (w.Block($"public {(isAsync ? "async " : string.Empty)}{returnType} {operation.MethodName}({string.Join(", ", parameters)})"))
        {
            if (operation.Body is { Optional: false } required)
            {
                w.Line($"global::System.ArgumentNullException.ThrowIfNull({required.ParameterName});");
            }

            if (operation.Kind == OperationKind.Patch)
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(patch);");
                var fieldManager = operation.Options?.PropertyFor("fieldManager");
                w.Line($"patch.EnsureFieldManager({(fieldManager is null ? "null" : "options?." + fieldManager)});");
            }

            if (operation.Body is { Defaults: { } defaults } filled)
            {
                var typeName = CSharpTypes.Name(filled.Type);
                w.Line($"{filled.ParameterName}.{defaults.ApiVersionProperty} ??= {typeName}.KubeApiVersion;");
                w.Line($"{filled.ParameterName}.{defaults.KindProperty} ??= {typeName}.KubeKind;");
            }

            w.Line($"var url = {UrlExpression(operation.Path)};");
            if (operation.Options is { Sent.Count: > 0 } sent)
            {
                using (w.Block("if (options is not null)"))
                {
                    foreach (var property in sent.Sent)
                    {
                        w.Line($"url.AddQuery({SourceWriter.Literal(property.JsonName)}, options.{property.Name});");
                    }
                }
            }

            var content = operation.Kind == OperationKind.Patch
                ? "patch.CreateContent()"
                : operation.Body is { } sentBody
                    ? (sentBody.Optional ? $"{sentBody.ParameterName} is null ? null : " : string.Empty) + $"{CSharpTypes.Runtime}KubeContent.Json({sentBody.ParameterName}, {TypeInfo(sentBody.Type)})"
                    : "null";
            switch (operation.Result)
            {
                case OperationResult.WatchEvents:
                    w.Line("url.AddQuery(\"watch\", true);");
                    w.Line($"return _connection.WatchAsync(url.ToString(), {TypeInfo(resource.KindType)}, cancellationToken);");
                    break;
                case OperationResult.ObjectWhileDeleting:
                    // A delete answers with the object while deletion is pending, or a Status once it is gone.
                    w.Line($"var response = await _connection.SendAsync({HttpMethod(operation.HttpMethod)}, url.ToString(), {content}, {CSharpTypes.Runtime}KubeJsonTypeInfo.RawJson, cancellationToken).ConfigureAwait(false);");
                    w.Line($"return {CSharpTypes.Runtime}KubeObjectOrStatus.Read(response, {TypeInfo(resource.KindType)});");
                    break;
                case OperationResult.Nothing:
                    // The answer is a list of what was deleted or a Status, depending on the server version: nothing to return.
                    w.Line($"await _connection.SendAsync({HttpMethod(operation.HttpMethod)}, url.ToString(), {content}, {CSharpTypes.Runtime}KubeJsonTypeInfo.RawJson, cancellationToken).ConfigureAwait(false);");
                    break;
                default:
                    w.Line($"return _connection.SendAsync({HttpMethod(operation.HttpMethod)}, url.ToString(), {content}, {TypeInfo(operation.ResponseType)}, cancellationToken);");
                    break;
            }
        }
    }

    /// <summary>
    /// The URL of the operation: validated literals from the model, and the namespace and name through
    /// AppendSegment, which rejects empty and path-changing values before any request.
    /// </summary>
    private static string UrlExpression(RestPathModel path)
    {
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

    /// <summary>The JSON metadata of a type: a model's generated one, raw JSON otherwise.</summary>
    public static string TypeInfo(TypeRef? type)
        => type is { Kind: ValueKind.Object, ObjectName: { } name } ? name + ".JsonTypeInfo" : CSharpTypes.Runtime + "KubeJsonTypeInfo.RawJson";

    private static string HttpMethod(string method) => method switch
    {
        "get" => "global::System.Net.Http.HttpMethod.Get",
        "post" => "global::System.Net.Http.HttpMethod.Post",
        "put" => "global::System.Net.Http.HttpMethod.Put",
        "patch" => "global::System.Net.Http.HttpMethod.Patch",
        _ => "global::System.Net.Http.HttpMethod.Delete",
    };

    private sealed record ParameterDoc(string Name, string Text);
}
