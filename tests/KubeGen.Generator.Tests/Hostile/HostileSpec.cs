using System.Text.Json.Nodes;

namespace KubeGen.Generator.Tests.Hostile;

/// <summary>
/// A small Swagger 2.0 spec with one custom resource (<c>widgets.example.com/v1</c>, namespaced, every
/// verb) whose texts a test replaces with hostile ones: what a CRD author controls and
/// <c>kubectl get --raw /openapi/v2</c> serves unchanged.
/// </summary>
internal sealed class HostileSpec
{
    public const string Collection = "/apis/example.com/v1/namespaces/{namespace}/widgets";
    public const string Item = Collection + "/{name}";
    public const string Widget = "com.example.v1.Widget";
    public const string WidgetSpec = "com.example.v1.WidgetSpec";
    public const string WidgetList = "com.example.v1.WidgetList";
    private const string Meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    public HostileSpec(string description = "A widget.")
    {
        var d = description;
        Root = new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.36.0" },
            ["paths"] = new JsonObject
            {
                [Collection] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParameter("namespace")),
                    ["get"] = Operation("list", d, "200", Ref(WidgetList),
                        Query("labelSelector", "string", d), Query("fieldSelector", "string", d), Query("watch", "boolean", d),
                        Query("allowWatchBookmarks", "boolean", d), Query("limit", "integer", d), Query("continue", "string", d),
                        Query("resourceVersion", "string", d), Query("timeoutSeconds", "integer", d)),
                    ["post"] = Operation("post", d, "201", Ref(Widget), Body(Ref(Widget)), Query("fieldManager", "string", d), Query("dryRun", "string", d)),
                },
                [Item] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParameter("name"), PathParameter("namespace")),
                    ["get"] = Operation("get", d, "200", Ref(Widget)),
                    ["put"] = Operation("put", d, "200", Ref(Widget), Body(Ref(Widget)), Query("fieldManager", "string", d)),
                    ["patch"] = Operation("patch", d, "200", Ref(Widget), Body(Ref(Meta + "Patch")), Query("fieldManager", "string", d), Query("force", "boolean", d)),
                    ["delete"] = Operation("delete", d, "200", Ref(Meta + "Status"), Body(Ref(Meta + "DeleteOptions")), Query("gracePeriodSeconds", "integer", d)),
                },
            },
            ["definitions"] = new JsonObject
            {
                [Widget] = new JsonObject
                {
                    ["description"] = d,
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["apiVersion"] = Scalar("string", d),
                        ["kind"] = Scalar("string", d),
                        ["metadata"] = Ref(Meta + "ObjectMeta"),
                        ["spec"] = Ref(WidgetSpec),
                    },
                    ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk("Widget")),
                },
                [WidgetSpec] = new JsonObject
                {
                    ["description"] = d,
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["size"] = Scalar("integer", d),
                        ["mode"] = new JsonObject { ["type"] = "string", ["description"] = d, ["enum"] = new JsonArray("fast", d) },
                    },
                },
                [WidgetList] = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("items"),
                    ["properties"] = new JsonObject
                    {
                        ["apiVersion"] = Scalar("string", d),
                        ["kind"] = Scalar("string", d),
                        ["metadata"] = Ref(Meta + "ListMeta"),
                        ["items"] = new JsonObject { ["type"] = "array", ["items"] = Ref(Widget) },
                    },
                    ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk("WidgetList")),
                },
                [Meta + "ObjectMeta"] = Object(d, ("name", Scalar("string", d)), ("namespace", Scalar("string", d)), ("resourceVersion", Scalar("string", d)),
                    ("uid", Scalar("string", d)), ("labels", new JsonObject { ["type"] = "object", ["additionalProperties"] = Scalar("string", d) })),
                [Meta + "ListMeta"] = Object(d, ("continue", Scalar("string", d)), ("resourceVersion", Scalar("string", d))),
                [Meta + "Status"] = Object(d, ("message", Scalar("string", d)), ("code", Scalar("integer", d))),
                [Meta + "DeleteOptions"] = Object(d, ("propagationPolicy", Scalar("string", d))),
                [Meta + "Patch"] = new JsonObject { ["type"] = "object", ["description"] = d },
            },
        };
    }

    public JsonObject Root { get; }

    public JsonObject Paths => Root["paths"]!.AsObject();

    public JsonObject Definitions => Root["definitions"]!.AsObject();

    public JsonObject Properties(string definition) => Definitions[definition]!["properties"]!.AsObject();

    public string Text => Root.ToJsonString();

    /// <summary>Moves both widget paths to other keys (a hostile group, version or plural).</summary>
    public HostileSpec WithPaths(string collection, string item)
    {
        var list = Paths[Collection]!;
        var one = Paths[Item]!;
        Paths.Remove(Collection);
        Paths.Remove(Item);
        Paths[collection] = list;
        Paths[item] = one;
        return this;
    }

    public static JsonObject Scalar(string type, string description) => new() { ["type"] = type, ["description"] = description };

    public static JsonObject Ref(string definition) => new() { ["$ref"] = "#/definitions/" + definition };

    public static JsonObject Query(string name, string type, string description)
        => new() { ["name"] = name, ["in"] = "query", ["type"] = type, ["uniqueItems"] = true, ["description"] = description };

    private static JsonObject PathParameter(string name)
        => new() { ["name"] = name, ["in"] = "path", ["required"] = true, ["type"] = "string", ["uniqueItems"] = true };

    private static JsonObject Body(JsonObject schema) => new() { ["name"] = "body", ["in"] = "body", ["required"] = true, ["schema"] = schema };

    private static JsonObject Gvk(string kind) => new() { ["group"] = "example.com", ["version"] = "v1", ["kind"] = kind };

    private static JsonObject Object(string description, params (string Name, JsonNode Schema)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            props[name] = schema;
        }

        return new JsonObject { ["description"] = description, ["type"] = "object", ["properties"] = props };
    }

    private static JsonObject Operation(string action, string description, string code, JsonObject response, params JsonObject[] parameters)
        => new()
        {
            ["description"] = description,
            ["operationId"] = action + "Widget",
            ["parameters"] = new JsonArray(parameters.Select(p => (JsonNode)p).ToArray()),
            ["responses"] = new JsonObject { [code] = new JsonObject { ["description"] = "OK", ["schema"] = response } },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk("Widget"),
        };
}
