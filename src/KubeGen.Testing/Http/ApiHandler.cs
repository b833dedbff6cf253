using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Conversion;
using KubeGen.Testing.Patching;
using KubeGen.Testing.Protobuf;
using KubeGen.Testing.Security;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>Serves the Kubernetes REST protocol over the store.</summary>
internal sealed partial class ApiHandler
{
    internal static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly ResourceKey NamespacesKey = new("", "v1", "namespaces");
    private const string MidBodyItem = "kubegen.fault.midbody";

    private readonly KubeApiServerEmulatorOptions _options;
    private readonly ApiCatalog _catalog;
    private readonly ObjectStore _store;
    private readonly TokenRegistry _tokens;
    private readonly FaultInjector _faults;
    private readonly StrategicMergePatch _strategic;
    private readonly FieldManager _fields;
    private readonly WriteConversions _conversions;
    private readonly Validation.SchemaValidator _schemaValidator;
    private readonly Validation.ListSemantics _listSemantics;
    private readonly Validation.BuiltInRules _builtInRules;
    private readonly byte[]? _openApiV2;
    private readonly Dictionary<string, byte[]> _openApiV3Given;
    private readonly CancellationToken _stopping;
    private readonly WatchRegistry _watches;
    private readonly Lifecycle.Deleter _deleter;
    private readonly Lifecycle.ClusterControllers _controllers;
    private readonly Authorization.RbacAuthorizer _authorizer;

    public ApiHandler(KubeApiServerEmulatorOptions options, ApiCatalog catalog, ObjectStore store, TokenRegistry tokens, FaultInjector faults, byte[]? openApiV2, Dictionary<string, byte[]> openApiV3, WatchRegistry watches, CancellationToken stopping)
    {
        _options = options;
        _catalog = catalog;
        _store = store;
        _tokens = tokens;
        _faults = faults;
        _openApiV2 = openApiV2;
        _openApiV3Given = openApiV3;
        _watches = watches;
        _stopping = stopping;
        _strategic = new StrategicMergePatch(catalog.Schemas);
        _fields = new FieldManager(catalog.Schemas);
        _conversions = new WriteConversions(catalog.Schemas);
        _schemaValidator = new Validation.SchemaValidator(catalog.Schemas);
        _listSemantics = new Validation.ListSemantics(catalog.Schemas);
        _builtInRules = new Validation.BuiltInRules(catalog.Schemas);
        _deleter = new Lifecycle.Deleter(store);
        _authorizer = new Authorization.RbacAuthorizer(store, catalog);
        _controllers = new Lifecycle.ClusterControllers();
        var writes = new Lifecycle.ControllerWrites(store);
        _controllers.Add(new Lifecycle.GarbageCollector(store, catalog, _controllers.Owners, _deleter, writes));
        _controllers.Add(new Lifecycle.NamespaceController(store, catalog, _deleter, writes));
        _controllers.Add(new Lifecycle.PodTermination(catalog, _controllers.Owners, _deleter));
        _controllers.Add(new CustomResources.CrdController(store, catalog, _deleter, writes));
        if (options.SimulateRollouts)
        {
            _controllers.Add(new Lifecycle.RolloutSimulator(_controllers.Owners, writes));
        }

        store.Changed = _controllers.Changed;
    }

    /// <summary>Runs the emulated controllers until they have nothing left to do (after seeding; every write request does it itself).</summary>
    public void SettleControllers() => _controllers.Settle();

    /// <summary>The host:port clients use (for APIVersions.serverAddressByClientCIDRs).</summary>
    public string ServerAddress { get; set; } = "";

    public bool NamespacesServed => _catalog.Find("", "v1", "namespaces") is not null;

    /// <summary>
    /// One request, in kube-apiserver's order: who asks (401), whether the path is a route and the
    /// verb is served (404, 405), whether the user may (403); only then a matching fault, so that a
    /// request that is refused anyway never uses up a fault a test meant for a real client.
    /// </summary>
    public async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        RequestInfo info = RequestInfo.Parse(request.Method, request.Path.Value ?? "/", request.Query["watch"].ToString());
        try
        {
            EmulatorUser user = Authenticate(context, allowAnonymous: IsHealthCheck(info) || IsVersion(info));
            if (info.IsResourceRequest)
            {
                Admit(info, user);
            }

            Fault? fault = TakeFault(info, user);
            if (!await ApplyFaultAsync(context, fault))
            {
                return;
            }

            if (IsHealthCheck(info))
            {
                await WriteTextAsync(context, 200, "ok");
            }
            else if (IsVersion(info))
            {
                await WriteJsonAsync(context, 200, VersionInfo());
            }
            else if (info.IsResourceRequest)
            {
                await ServeResourceAsync(context, info, user, fault);
            }
            else if (!await TryDiscoveryAsync(context, info))
            {
                throw StatusErrors.PathNotFound();
            }
        }
        catch (StatusException e)
        {
            await WriteStatusAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // client went away or the emulator is stopping
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or InvalidCastException)
        {
            // A body of a shape nothing checked (a kind served without a schema): answered as
            // kube-apiserver answers a handler's panic, a 500 InternalError Status, not a dropped connection.
            await WriteStatusAsync(context, StatusErrors.InternalError(e.Message));
        }
    }

    private static bool IsHealthCheck(RequestInfo info) => info.Method == "GET" && info.Path is "/healthz" or "/livez" or "/readyz";

    private static bool IsVersion(RequestInfo info) => info.Method == "GET" && info.Path is "/version" or "/version/";

    private JsonObject VersionInfo()
    {
        string git = _options.ServerVersion ?? (_catalog.SpecVersion.StartsWith('v') ? _catalog.SpecVersion : "v1.36.0");
        string[] parts = git.TrimStart('v').Split('.', '-', '+');
        return new JsonObject
        {
            ["major"] = parts.Length > 0 ? parts[0] : "1",
            ["minor"] = parts.Length > 1 ? parts[1] : "0",
            ["emulationMajor"] = parts.Length > 0 ? parts[0] : "1",
            ["emulationMinor"] = parts.Length > 1 ? parts[1] : "0",
            ["gitVersion"] = git,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-01-01T00:00:00Z",
            ["goVersion"] = "kubegen-emulator",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    /// <summary>Serves an admitted resource request (<see cref="Admit"/> has resolved <see cref="RequestInfo.Resource"/>).</summary>
    private async Task ServeResourceAsync(HttpContext context, RequestInfo info, EmulatorUser user, Fault? fault)
    {
        if (IsSelfSubjectReview(info))
        {
            await SelfSubjectReviewAsync(context, user, info.Resource!);
            return;
        }

        switch (info.Verb)
        {
            case "get":
                await GetAsync(context, info);
                break;
            case "list":
                await ListAsync(context, info);
                break;
            case "watch":
                await WatchAsync(context, info, fault);
                break;
            case "create":
                await CreateAsync(context, info);
                break;
            case "update":
                await UpdateAsync(context, info);
                break;
            case "patch":
                await PatchAsync(context, info);
                break;
            case "delete":
                await DeleteAsync(context, info);
                break;
            case "deletecollection":
                await DeleteCollectionAsync(context, info);
                break;
            default:
                throw StatusErrors.MethodNotAllowed();
        }
    }

    // ---- request bodies -------------------------------------------------------------------

    private async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        long limit = _options.MaxRequestBodyBytes;
        if (context.Request.ContentLength is long length && length > limit)
        {
            throw StatusErrors.RequestEntityTooLarge(limit);
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        while (true)
        {
            int read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw StatusErrors.RequestEntityTooLarge(limit);
            }
        }

        return buffer.ToArray();
    }

    private static string MediaType(HttpContext context)
    {
        string contentType = context.Request.ContentType ?? "";
        int semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    /// <summary>The body media types kube-apiserver lists in a 415 for a kind: protobuf only for built-in kinds.</summary>
    private static string[] ObjectMediaTypes(string groupVersion, string kind)
        => MessageTable.BuiltIn.ForKind(groupVersion, kind) is null ? ["application/json", "application/yaml"] : ["application/json", "application/yaml", ProtobufBody.MediaType];

    /// <summary>Reads a create/update body of the given kind as a JSON object (JSON, YAML, or protobuf for built-in kinds).</summary>
    private Task<JsonObject> ReadObjectAsync(HttpContext context, ApiResource resource)
        => ReadObjectAsync(context, resource.GroupVersion, resource.Kind);

    private async Task<JsonObject> ReadObjectAsync(HttpContext context, string groupVersion, string kind)
    {
        string mediaType = MediaType(context);
        string[] accepted = ObjectMediaTypes(groupVersion, kind);
        if (mediaType is not ("" or "application/json" or "application/yaml" or "*/*" or "application/x-yaml" or "text/yaml") && !(mediaType == ProtobufBody.MediaType && accepted.Contains(mediaType)))
        {
            throw StatusErrors.UnsupportedMediaType(mediaType, accepted);
        }

        byte[] body = await ReadBodyAsync(context);
        if (mediaType == ProtobufBody.MediaType)
        {
            return ProtobufBody.Decode(body, groupVersion, kind);
        }

        var duplicates = new List<string>();
        JsonNode? node = mediaType.Contains("yaml", StringComparison.Ordinal) ? ParseYaml(body) : ParseJson(body, duplicates);
        FieldValidation.Of(context).Duplicates(duplicates);
        return node as JsonObject ?? throw StatusErrors.BadRequest("the object provided is unrecognized: expected a JSON object");
    }

    /// <summary>Parses a JSON body; keys given twice keep their last value and are added to <paramref name="duplicates"/>.</summary>
    internal static JsonNode? ParseJson(byte[] body, List<string>? duplicates = null)
    {
        if (body.Length == 0)
        {
            throw StatusErrors.BadRequest("the body of the request was empty");
        }

        try
        {
            return Serialization.JsonBody.Parse(body, duplicates ?? []);
        }
        catch (JsonException e)
        {
            throw StatusErrors.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
    }

    internal static JsonNode? ParseYaml(byte[] body)
    {
        try
        {
            return Serialization.YamlJson.ParseSingle(Encoding.UTF8.GetString(body));
        }
        catch (FormatException e)
        {
            throw StatusErrors.BadRequest(e.Message);
        }
    }

    // ---- responses ------------------------------------------------------------------------

    internal static byte[] Serialize(JsonNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            node.WriteTo(writer);
        }

        return stream.ToArray();
    }

    private static Task WriteJsonAsync(HttpContext context, int code, JsonNode node, string contentType = "application/json")
        => WriteBytesAsync(context, code, contentType, Serialize(node));

    private static Task WriteTextAsync(HttpContext context, int code, string text)
        => WriteBytesAsync(context, code, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    private static async Task WriteBytesAsync(HttpContext context, int code, string contentType, byte[] body)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = code;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache, private";
        response.ContentLength = body.Length;
        if (context.Items.ContainsKey(MidBodyItem) && body.Length > 1)
        {
            await response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(50, context.RequestAborted);
            Abort(context);
            return;
        }

        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static async Task WriteStatusAsync(HttpContext context, StatusException e)
    {
        if (context.Response.HasStarted)
        {
            Abort(context);
            return;
        }

        if (e.RetryAfterSeconds is int retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }

        try
        {
            await WriteJsonAsync(context, e.Code, e.Status);
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static void Abort(HttpContext context)
    {
        IConnectionLifetimeNotificationFeature? lifetime = context.Features.Get<IConnectionLifetimeNotificationFeature>();
        lifetime?.RequestClose();
        context.Abort();
    }

    /// <summary>Whether the client asked for a Table (kubectl get).</summary>
    private static bool WantsTable(HttpContext context)
        => context.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private static void CheckAcceptable(HttpContext context)
    {
        string accept = context.Request.Headers.Accept.ToString();
        if (accept.Length == 0)
        {
            return;
        }

        foreach (string part in accept.Split(','))
        {
            string media = part.Split(';')[0].Trim().ToLowerInvariant();
            if (media is "application/json" or "*/*" or "application/*" or "application/yaml")
            {
                return;
            }
        }

        throw StatusErrors.NotAcceptable(["application/json", "application/yaml"]);
    }

    internal static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Query(HttpContext context, string name)
    {
        string value = context.Request.Query[name].ToString();
        return value.Length == 0 ? null : value;
    }

    private static bool QueryBool(HttpContext context, string name) => Query(context, name) is "true" or "1" or "True";

    internal static string? MetaString(JsonObject obj, string field)
        => obj["metadata"] is JsonObject m && m.TryGetPropertyValue(field, out JsonNode? v) && v is JsonValue value && value.TryGetValue(out string? s) ? s : null;

    internal static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }

        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }
}
