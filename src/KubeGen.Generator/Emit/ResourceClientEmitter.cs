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

        foreach (var argument in operation.Arguments ?? ImmutableEquatableArray<ArgumentModel>.Empty)
        {
            parameters.Add($"{argument.Type} {argument.Name}");
            docs.Add(new ParameterDoc(argument.Name, argument.Description));
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
            docs.Add(new ParameterDoc(body.ParameterName, body switch
            {
                { Names: not null, Optional: true } => $"The {TypeName(body.Type)} to send (its deleteOptions: grace period, preconditions, dryRun); null sends one naming the {resource.Kind}. A metadata name or namespace left null is filled in from the path.",
                { Names: not null } => $"The {TypeName(body.Type)} to send; a metadata name or namespace left null is filled in from the path.",
                { Optional: true } => "Delete options such as preconditions (uid, resourceVersion), propagationPolicy and gracePeriodSeconds; null sends none.",
                _ => $"The {resource.Kind} to send.",
            }));
        }

        switch (operation.Result)
        {
            case OperationResult.ExecRun:
                parameters.Add("string? stdin = null");
                docs.Add(new ParameterDoc("stdin", "What to write to the command's standard input (UTF-8), which is then closed; null opens none."));
                break;
            case OperationResult.PortForwarder:
                parameters.Add("global::System.Net.IPEndPoint? localEndPoint = null");
                docs.Add(new ParameterDoc("localEndPoint", "Where to listen; null listens on 127.0.0.1 on a port the system picks (PortForwarder.LocalEndPoint)."));
                break;
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
            OperationResult.Nothing => (Task, operation.Kind == OperationKind.DeleteCollection ? $"Deletes a collection of {resource.Plural}." : $"{operation.Kind} {resource.Plural}."),
            OperationResult.ObjectWhileDeleting => ($"{Task}<{kindType}?>", $"Deletes a {resource.Kind}. Returns the object while its deletion is pending (finalizers, foreground deletion, graceful termination) and null once it is gone."),
            OperationResult.WatchEvents => ($"global::System.Collections.Generic.IAsyncEnumerable<{CSharpTypes.Runtime}WatchEvent<{kindType}>>", $"Watches {resource.Plural} over one connection."),
            OperationResult.Text => ($"{Task}<string>", $"Reads the {resource.Kind}'s log whole (up to KubeConnectionOptions.MaxResponseBytes)."),
            OperationResult.TextStream => ($"{Task}<global::System.IO.Stream>", $"Opens the {resource.Kind}'s log as a stream that yields it as the server sends it (with Follow, until the container ends). Dispose it to end the request."),
            OperationResult.TextLines => ($"global::System.Collections.Generic.IAsyncEnumerable<string>", $"Reads the {resource.Kind}'s log line by line as the server sends it (with Follow, until the container ends or the enumeration stops); only the current line is held in memory."),
            OperationResult.ExecSession => ($"{Task}<{CSharpTypes.Runtime}ExecSession>", $"Opens an interactive session with a process in a container of the {resource.Kind} (WebSocket, v5.channel.k8s.io or v4): its standard input, output and error, terminal size, and exit code."),
            OperationResult.ExecRun => ($"{Task}<{CSharpTypes.Runtime}ExecResult>", $"Runs a command in a container of the {resource.Kind} to its end and returns its output and exit code; a non-zero exit code is a result, not an exception (ExecResult.EnsureSuccess)."),
            OperationResult.PortStream => ($"{Task}<global::System.IO.Stream>", $"Opens one connection to a port of the {resource.Kind} (WebSocket, v4.channel.k8s.io): write to send, read what it answers. Dispose it to close the connection."),
            OperationResult.PortForwarder => ($"{Task}<{CSharpTypes.Runtime}PortForwarder>", $"Listens locally and forwards every connection to a port of the {resource.Kind}, each over its own WebSocket (kubectl port-forward). Dispose it to stop."),
            OperationResult.Eviction => ($"{Task}<{CSharpTypes.Runtime}EvictionResult>", $"Evicts the {resource.Kind}, as kubectl drain does: deleted unless a PodDisruptionBudget forbids it now, which is a result (429), not an exception."),
            _ => ($"{Task}<{(operation.ResponseType is { Kind: ValueKind.Object } r ? CSharpTypes.Name(r) : CSharpTypes.JsonElement)}>", $"{operation.Kind} {resource.Plural}."),
        };

        w.Doc("summary", operation.DescribesItsResult ? summary : operation.Description ?? summary);
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

            foreach (var argument in operation.Arguments ?? ImmutableEquatableArray<ArgumentModel>.Empty)
            {
                if (argument.IsReference)
                {
                    w.Line($"global::System.ArgumentNullException.ThrowIfNull({argument.Name});");
                }
            }

            if (operation.Body is { Names: { } names } named)
            {
                if (named.Optional)
                {
                    w.Line($"{named.ParameterName} ??= new {CSharpTypes.Name(named.Type)}();");
                }

                w.Line($"{named.ParameterName}.{names.MetadataProperty} ??= new {names.MetadataType}();");
                w.Line($"{named.ParameterName}.{names.MetadataProperty}.{names.NameProperty} ??= name;");
                if (operation.TakesNamespace && names.NamespaceProperty is { } namespaceProperty)
                {
                    w.Line($"{named.ParameterName}.{names.MetadataProperty}.{namespaceProperty} ??= @namespace;");
                }
            }

            if (operation.Body is { Defaults: { } defaults } filled)
            {
                var typeName = CSharpTypes.Name(filled.Type);
                w.Line($"{filled.ParameterName}.{defaults.ApiVersionProperty} ??= {typeName}.KubeApiVersion;");
                w.Line($"{filled.ParameterName}.{defaults.KindProperty} ??= {typeName}.KubeKind;");
            }

            w.Line($"var url = {UrlExpression(operation.Path)};");
            foreach (var argument in operation.Arguments ?? ImmutableEquatableArray<ArgumentModel>.Empty)
            {
                w.Line($"url.AddQuery({SourceWriter.Literal(argument.JsonName)}, {argument.Name});");
            }

            foreach (var query in operation.FixedQuery ?? ImmutableEquatableArray<FixedQueryModel>.Empty)
            {
                w.Line($"url.AddQuery({SourceWriter.Literal(query.JsonName)}, {query.Value});");
            }

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
                    ? (sentBody is { Optional: true, Names: null } ? $"{sentBody.ParameterName} is null ? null : " : string.Empty) + $"{CSharpTypes.Runtime}KubeContent.Json({sentBody.ParameterName}, {TypeInfo(sentBody.Type)})"
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
                case OperationResult.Text:
                    w.Line($"return _connection.SendForStringAsync({HttpMethod(operation.HttpMethod)}, url.ToString(), cancellationToken);");
                    break;
                case OperationResult.TextStream:
                    w.Line("return _connection.OpenStreamAsync(url.ToString(), cancellationToken);");
                    break;
                case OperationResult.TextLines:
                    w.Line($"return {CSharpTypes.Runtime}KubeLogs.ReadLinesAsync(_connection, url.ToString(), cancellationToken);");
                    break;
                case OperationResult.ExecSession:
                    w.Line($"return {CSharpTypes.Runtime}KubeExec.StartAsync(_connection, url.ToString(), cancellationToken);");
                    break;
                case OperationResult.ExecRun:
                    w.Line($"return {CSharpTypes.Runtime}KubeExec.RunAsync(_connection, url.ToString(), stdin, cancellationToken);");
                    break;
                case OperationResult.PortStream:
                    w.Line($"return {CSharpTypes.Runtime}KubePortForward.ConnectAsync(_connection, url.ToString(), {operation.Arguments![0].Name}, cancellationToken);");
                    break;
                case OperationResult.PortForwarder:
                    w.Line($"return {CSharpTypes.Runtime}KubePortForward.ListenAsync(_connection, url.ToString(), {operation.Arguments![0].Name}, localEndPoint, cancellationToken);");
                    break;
                case OperationResult.Eviction:
                    w.Line($"return _connection.EvictAsync(url.ToString(), {content}, cancellationToken);");
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

    /// <summary>A model type's short name, for documentation.</summary>
    private static string TypeName(TypeRef type) => type.ObjectName is { } name ? name.Substring(name.LastIndexOf('.') + 1) : CSharpTypes.Name(type);

    private sealed record ParameterDoc(string Name, string Text);
}
