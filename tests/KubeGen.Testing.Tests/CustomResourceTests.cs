using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// A CustomResourceDefinition installed from YAML is served from its schema as kube-apiserver serves
/// it: discovery, OpenAPI, validation, defaulting, pruning, status and scale, printer columns; and
/// deleting it deletes its instances and stops serving it.
/// </summary>
public sealed class CustomResourceTests
{
    private const string Widgets = "/apis/ops.example.com/v1/namespaces/default/widgets";

    public static string WidgetCrd => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "widget-crd.yaml"));

    private static async Task<KubeApiServerEmulator> StartWithWidgetsAsync()
    {
        KubeApiServerEmulator server = await StartAsync();
        await server.ApplyAsync(WidgetCrd, Ct);
        return server;
    }

    private static string Widget(string name, string spec) => $$"""{"apiVersion":"ops.example.com/v1","kind":"Widget","metadata":{"name":"{{name}}"},"spec":{{spec}}}""";

    [Fact]
    public async Task An_applied_CRD_is_established_and_served_in_discovery()
    {
        await using KubeApiServerEmulator server = await StartWithWidgetsAsync();
        using HttpClient client = server.CreateHttpClient();
        var crd = await client.GetJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.ops.example.com");
        Assert.Equal(HttpStatusCode.OK, crd.Code);
        Assert.Equal(["NamesAccepted True NoConflicts", "Established True InitialNamesAccepted"], crd.Body!["status"]!["conditions"]!.AsArray().Select(c => $"{c.Str("type")} {c.Str("status")} {c.Str("reason")}"));
        Assert.Equal("WidgetList", crd.Body.Str("status.acceptedNames.listKind"));
        Assert.Equal("[\"v1\"]", crd.Body!["status"]!["storedVersions"]!.ToJsonString());
        Assert.Equal("None", crd.Body.Str("spec.conversion.strategy"));

        var groups = await client.GetJsonAsync("/apis");
        Assert.Contains(groups.Body!["groups"]!.AsArray(), g => g.Str("name") == "ops.example.com" && g.Str("preferredVersion.version") == "v1");
        var list = await client.GetJsonAsync("/apis/ops.example.com/v1");
        JsonArray resources = list.Body!["resources"]!.AsArray();
        JsonNode widgets = resources.Single(r => r.Str("name") == "widgets")!;
        Assert.Equal(("widget", "true", "Widget", "[\"wd\"]", "[\"gadgets\"]"), (widgets.Str("singularName"), widgets.Str("namespaced"), widgets.Str("kind"), widgets["shortNames"]!.ToJsonString(), widgets["categories"]!.ToJsonString()));
        Assert.Equal(["widgets", "widgets/scale", "widgets/status"], resources.Select(r => r.Str("name")!).Order(StringComparer.Ordinal));

        using var aggregated = new HttpRequestMessage(HttpMethod.Get, "/apis");
        aggregated.Headers.Accept.ParseAdd("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        using HttpResponseMessage response = await client.SendAsync(aggregated, Ct);
        JsonNode discovery = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        JsonNode group = discovery["items"]!.AsArray().Single(i => i.Str("metadata.name") == "ops.example.com")!;
        Assert.Equal("widgets", group["versions"]![0]!["resources"]![0].Str("resource"));
    }

    [Fact]
    public async Task The_OpenAPI_documents_include_the_CRD_so_a_client_can_be_generated_from_them()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        byte[] before = await client.GetByteArrayAsync("/openapi/v2", Ct);
        Assert.Equal(await File.ReadAllBytesAsync(FixtureSpec, Ct), before);

        await server.ApplyAsync(WidgetCrd, Ct);
        JsonNode v2 = JsonNode.Parse(await client.GetByteArrayAsync("/openapi/v2", Ct))!;
        JsonNode definition = v2["definitions"]!["com.example.ops.v1.Widget"]!;
        Assert.Equal("[{\"group\":\"ops.example.com\",\"kind\":\"Widget\",\"version\":\"v1\"}]", definition["x-kubernetes-group-version-kind"]!.ToJsonString());
        Assert.Equal("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", definition["properties"]!["metadata"].Str("$ref"));
        Assert.Equal("[\"small\",\"medium\",\"large\"]", definition["properties"]!["spec"]!["properties"]!["size"]!["enum"]!.ToJsonString());
        Assert.NotNull(v2["definitions"]!["com.example.ops.v1.WidgetList"]);
        JsonNode collection = v2["paths"]!["/apis/ops.example.com/v1/namespaces/{namespace}/widgets"]!;
        Assert.Equal(("list", "listOpsExampleComV1NamespacedWidget"), (collection["get"].Str("x-kubernetes-action"), collection["get"].Str("operationId")));
        Assert.Equal("post", collection["post"].Str("x-kubernetes-action"));
        Assert.Equal("Scale", v2["paths"]!["/apis/ops.example.com/v1/namespaces/{namespace}/widgets/{name}/scale"]!["get"].Str("x-kubernetes-group-version-kind.kind"));
        Assert.NotNull(v2["paths"]!["/apis/ops.example.com/v1/namespaces/{namespace}/widgets/{name}/status"]!["put"]);
        Assert.NotNull(v2["paths"]!["/apis/ops.example.com/v1/widgets"]!["get"]);

        JsonNode index = (await client.GetJsonAsync("/openapi/v3")).Body!;
        Assert.NotNull(index["paths"]!["apis/ops.example.com/v1"]);
        JsonNode v3 = (await client.GetJsonAsync("/openapi/v3/apis/ops.example.com/v1")).Body!;
        Assert.NotNull(v3["components"]!["schemas"]!["com.example.ops.v1.Widget"]);
        Assert.NotNull(v3["paths"]!["/apis/ops.example.com/v1/namespaces/{namespace}/widgets/{name}"]);
    }

    [Fact]
    public async Task Defaults_are_set_and_unknown_fields_pruned_and_reported()
    {
        await using KubeApiServerEmulator server = await StartWithWidgetsAsync();
        using HttpClient client = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Widgets)
        {
            Content = new StringContent(Widget("w", """{"size":"small","ports":[{"name":"http"}],"options":{"anything":{"goes":1}},"extra":true}"""), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["299 - \"unknown field \\\"spec.extra\\\"\""], response.Headers.GetValues("Warning"));
        JsonNode created = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("""{"size":"small","ports":[{"name":"http","port":80}],"options":{"anything":{"goes":1}},"replicas":1,"mode":"fast"}""", created["spec"]!.ToJsonString());
        Assert.Equal("1", created.Str("metadata.generation"));

        // Strict field validation turns the pruned field into a 400.
        AssertStatus(await client.PostJsonAsync(Widgets + "?fieldValidation=Strict", Widget("x", """{"size":"small","extra":true}""")), 400, "BadRequest",
            "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.extra\"");
    }

    [Fact]
    public async Task An_object_against_the_schema_is_422_with_a_cause_per_field_as_kube_apiserver_words_them()
    {
        await using KubeApiServerEmulator server = await StartWithWidgetsAsync();
        using HttpClient client = server.CreateHttpClient();
        string bad = Widget("bad", """{"size":"huge","replicas":"two","owner":"ABCDEFGHIJKLMNOPQRSTUVWXYZ","when":"yesterday","tags":["a","b","a"],"ports":[{"name":"p","port":1},{"name":"p","port":2},{"port":3}]}""");
        var response = await client.PostJsonAsync(Widgets, bad);
        AssertStatus(response, 422, "Invalid");
        string[] causes = [.. response.Body!["details"]!["causes"]!.AsArray().Select(c => $"{c.Str("reason")}|{c.Str("field")}|{c.Str("message")}")];
        Assert.Equal(
            [
                "FieldValueDuplicate|spec.ports[1]|Duplicate value: map[string]interface {}{\"name\":\"p\"}",
                "FieldValueDuplicate|spec.tags[2]|Duplicate value: \"a\"",
                "FieldValueInvalid|spec.owner|Invalid value: \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\": spec.owner in body should match '^[a-z]+$'",
                "FieldValueNotSupported|spec.size|Unsupported value: \"huge\": supported values: \"small\", \"medium\", \"large\"",
                "FieldValueRequired|spec.ports[2].name|Required value",
                "FieldValueTooLong|spec.owner|Too long: may not be more than 20 bytes",
                "FieldValueTypeInvalid|spec.replicas|Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
                "FieldValueTypeInvalid|spec.when|Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"",
            ],
            causes.Order(StringComparer.Ordinal));
        Assert.StartsWith("Widget.ops.example.com \"bad\" is invalid: [", response.Body.Str("message"), StringComparison.Ordinal);
        Assert.Contains("spec.size: Unsupported value: \"huge\": supported values: \"small\", \"medium\", \"large\"", response.Body.Str("message"), StringComparison.Ordinal);

        AssertStatus(await client.PostJsonAsync(Widgets, Widget("big", """{"size":"small","replicas":11}""")), 422, "Invalid",
            "Widget.ops.example.com \"big\" is invalid: spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10");
        AssertStatus(await client.PostJsonAsync(Widgets, Widget("nospec", "{}")), 422, "Invalid",
            "Widget.ops.example.com \"nospec\" is invalid: spec.size: Required value");
    }

    [Fact]
    public async Task Status_and_scale_subresources_and_generation_follow_the_spec_only()
    {
        await using KubeApiServerEmulator server = await StartWithWidgetsAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync(Widgets, Widget("w", """{"size":"small"}""").Replace("\"spec\":", "\"status\":{\"replicas\":9},\"spec\":", StringComparison.Ordinal));
        Assert.Null(created.Body!["status"]);

        var status = await client.PatchAsync(Widgets + "/w/status", """{"spec":{"size":"large"},"status":{"replicas":3,"selector":"app=w","conditions":[{"type":"Ready","status":"True"}]}}""", "application/merge-patch+json");
        Assert.Equal(("3", "small", "1"), (status.Body.Str("status.replicas"), status.Body.Str("spec.size"), status.Body.Str("metadata.generation")));

        var main = await client.PatchAsync(Widgets + "/w", """{"spec":{"size":"medium"},"status":{"replicas":100}}""", "application/merge-patch+json");
        Assert.Equal(("3", "medium", "2"), (main.Body.Str("status.replicas"), main.Body.Str("spec.size"), main.Body.Str("metadata.generation")));
        var labelled = await client.PatchAsync(Widgets + "/w", """{"metadata":{"labels":{"a":"b"}}}""", "application/merge-patch+json");
        Assert.Equal("2", labelled.Body.Str("metadata.generation"));

        var scale = await client.GetJsonAsync(Widgets + "/w/scale");
        Assert.Equal(("Scale", "autoscaling/v1", "1", "3", "app=w"), (scale.Body.Str("kind"), scale.Body.Str("apiVersion"), scale.Body.Str("spec.replicas"), scale.Body.Str("status.replicas"), scale.Body.Str("status.selector")));
        var scaled = await client.PatchAsync(Widgets + "/w/scale", """{"spec":{"replicas":4}}""", "application/merge-patch+json");
        Assert.Equal("4", scaled.Body.Str("spec.replicas"));
        Assert.Equal(("4", "3"), ((await client.GetJsonAsync(Widgets + "/w")).Body.Str("spec.replicas"), (await client.GetJsonAsync(Widgets + "/w")).Body.Str("metadata.generation")));
    }

    [Fact]
    public async Task Tables_show_the_additional_printer_columns()
    {
        await using KubeApiServerEmulator server = await StartWithWidgetsAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Widgets, Widget("w", """{"size":"large","replicas":3,"owner":"ops"}"""));
        await client.PatchAsync(Widgets + "/w/status", """{"status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}""", "application/merge-patch+json");
        using var request = new HttpRequestMessage(HttpMethod.Get, Widgets);
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        JsonNode table = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(["Name string 0", "Size string 0", "Replicas integer 0", "Ready string 0", "Age date 0", "Owner string 1"], table["columnDefinitions"]!.AsArray().Select(c => $"{c.Str("name")} {c.Str("type")} {c.Str("priority")}"));
        JsonArray cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("w large 3 True", $"{cells[0]} {cells[1]} {cells[2]} {cells[3]}");
        Assert.Matches(@"^\d+s$", cells[4]!.ToString());
        Assert.Equal("ops", cells[5]!.ToString());
    }

    [Fact]
    public async Task Deleting_the_CRD_deletes_its_instances_then_stops_serving_it()
    {
        await using KubeApiServerEmulator server = await StartWithWidgetsAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Widgets, Widget("plain", """{"size":"small"}"""));
        await client.PostJsonAsync(Widgets, Widget("held", """{"size":"small"}""").Replace("\"name\":\"held\"", "\"name\":\"held\",\"finalizers\":[\"ops.example.com/cleanup\"]", StringComparison.Ordinal));
        const string Crd = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.ops.example.com";

        var deleting = await client.DeleteJsonAsync(Crd);
        Assert.Equal(HttpStatusCode.OK, deleting.Code);
        Assert.Contains("customresourcecleanup.apiextensions.k8s.io", deleting.Body!["metadata"]!["finalizers"]!.ToJsonString(), StringComparison.Ordinal);

        // An instance held by a finalizer keeps the CRD (and its endpoints) until it goes; new ones are refused.
        AssertStatus(await client.GetJsonAsync(Widgets + "/plain"), 404, "NotFound");
        Assert.NotNull((await client.GetJsonAsync(Widgets + "/held")).Body.Str("metadata.deletionTimestamp"));
        var crd = await client.GetJsonAsync(Crd);
        Assert.Contains(crd.Body!["status"]!["conditions"]!.AsArray(), c => c.Str("type") == "Terminating" && c.Str("status") == "True");
        AssertStatus(await client.PostJsonAsync(Widgets, Widget("late", """{"size":"small"}""")), 405, "MethodNotAllowed", "create is not supported on resources of kind \"widgets.ops.example.com\"");

        await client.PatchAsync(Widgets + "/held", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        AssertStatus(await client.GetJsonAsync(Crd), 404, "NotFound");
        AssertStatus(await client.GetJsonAsync(Widgets), 404, "NotFound", "the server could not find the requested resource");
        Assert.DoesNotContain((await client.GetJsonAsync("/apis")).Body!["groups"]!.AsArray(), g => g.Str("name") == "ops.example.com");
        Assert.Null(JsonNode.Parse(await client.GetByteArrayAsync("/openapi/v2", Ct))!["definitions"]!["com.example.ops.v1.Widget"]);
    }

    [Fact]
    public async Task A_CRD_that_cannot_be_served_is_422()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string crd = """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"things.example.com"},"spec":{"group":"ops.example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},"versions":[{"name":"v1","served":true,"storage":true}]}}""";
        var response = await client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        AssertStatus(response, 422, "Invalid");
        Assert.Equal(
            ["metadata.name: Invalid value: \"things.example.com\": must be spec.names.plural+\".\"+spec.group", "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required"],
            response.Body!["details"]!["causes"]!.AsArray().Select(c => $"{c.Str("field")}: {c.Str("message")}"));

        // Without a schema for CRDs in the fixture spec, nothing type-checks the body: shapes nothing expects are still a 422.
        string odd = """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.ops.example.com"},"spec":{"group":"ops.example.com","scope":"Namespaced","names":"widgets","versions":["v1"]}}""";
        var shapeless = await client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", odd);
        AssertStatus(shapeless, 422, "Invalid");
        Assert.Contains("spec.versions[0].name: Required value", shapeless.Body.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CRD_and_its_instances_can_be_seeded_in_one_manifest()
    {
        string manifest = WidgetCrd + """

            ---
            apiVersion: ops.example.com/v1
            kind: Widget
            metadata: {name: seeded, namespace: default}
            spec: {size: small}
            status: {replicas: 2}
            """;
        await using KubeApiServerEmulator server = await StartAsync(o => o.SeedManifests.Add(manifest));
        using HttpClient client = server.CreateHttpClient();
        var seeded = await client.GetJsonAsync(Widgets + "/seeded");
        Assert.Equal(HttpStatusCode.OK, seeded.Code);
        Assert.Equal("2", seeded.Body.Str("status.replicas"));
    }
}
