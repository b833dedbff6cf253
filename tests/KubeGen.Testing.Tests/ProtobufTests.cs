using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// <c>application/vnd.kubernetes.protobuf</c> request bodies. Field numbers are Kubernetes'
/// (k8s.io/api core/v1 and apps/v1, k8s.io/apimachinery meta/v1 generated.proto); bodies are
/// written the way Go's marshallers write them, zero values of non-pointer fields included.
/// </summary>
public sealed class ProtobufTests
{
    private const string Protobuf = "application/vnd.kubernetes.protobuf";
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private static async Task<(HttpStatusCode Code, JsonNode? Body, string? ContentType)> PostProtobufAsync(HttpClient client, string path, byte[] body, string accept = Protobuf + ",application/json", HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(Protobuf);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        string text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>ObjectMeta as Go writes it: every non-pointer field, empty or not (name = 1 … labels = 11).</summary>
    private static void Meta(ProtoWriter m, string name, params (string Key, string Value)[] labels)
    {
        m.String(1, name).String(2, "").String(3, "").String(4, "").String(5, "").String(6, "").Varint(7, 0).Message(8, _ => { });
        foreach ((string key, string value) in labels)
        {
            m.Entry(11, key, value);
        }
    }

    /// <summary>Creates the same object as JSON where the protobuf one was, and asserts both are stored alike.</summary>
    private static async Task AssertStoredLikeJsonAsync(KubeApiServerEmulator server, HttpClient client, string collection, string apiVersion, string kind, string name, string json)
    {
        JsonObject fromProtobuf = Comparable(server.GetObject(apiVersion, kind, "default", name));
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteJsonAsync($"{collection}/{name}")).Code);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync(collection + "?fieldManager=kubectl-create", json)).Code);
        JsonObject fromJson = Comparable(server.GetObject(apiVersion, kind, "default", name));
        Assert.True(JsonNode.DeepEquals(fromJson, fromProtobuf), $"from JSON:     {fromJson.ToJsonString()}\nfrom protobuf: {fromProtobuf.ToJsonString()}");
    }

    [Fact]
    public async Task A_protobuf_ConfigMap_is_stored_as_the_same_JSON_would_be()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();

        // ConfigMap: metadata = 1, data = 2 (map), binaryData = 3 (map<string, bytes>), immutable = 4.
        byte[] raw = new ProtoWriter()
            .Message(1, m => Meta(m, "pb", ("app", "demo")))
            .Entry(2, "k", "v")
            .Entry(2, "empty", "")
            .Message(3, e => e.String(1, "bin").Bytes(2, [0, 1, 2]))
            .Varint(4, 0)
            .Varint(99, 7) // a field this version does not know: skipped, as Go skips it
            .ToArray();
        var created = await PostProtobufAsync(client, ConfigMaps + "?fieldManager=kubectl-create", ProtoWriter.Envelope("v1", "ConfigMap", raw));
        Assert.Equal(HttpStatusCode.Created, created.Code);

        // kube-apiserver answers protobuf only for types it can encode; the emulator encodes none of these, so JSON.
        Assert.Equal("application/json", created.ContentType);
        Assert.Equal("""{"k":"v","empty":""}""", created.Body!["data"]!.ToJsonString());
        Assert.Equal("AAEC", created.Body.Str("binaryData.bin"));
        Assert.Equal("false", created.Body.Str("immutable"));
        await AssertStoredLikeJsonAsync(server, client, ConfigMaps, "v1", "ConfigMap", "pb", """{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"pb","creationTimestamp":null,"labels":{"app":"demo"}},"immutable":false,"data":{"k":"v","empty":""},"binaryData":{"bin":"AAEC"}}""");
    }

    [Fact]
    public async Task A_protobuf_Deployment_keeps_pointer_zeros_and_drops_plain_zeros_as_Go_JSON_does()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();

        // DeploymentSpec: replicas = 1 (*int32), selector = 2, template = 3, strategy = 4, minReadySeconds = 5, paused = 7.
        // PodSpec: containers = 2, restartPolicy = 3, dnsPolicy = 6, serviceAccountName = 8, nodeName = 10, hostNetwork = 11.
        // Container: name = 1, image = 2, workingDir = 5, resources = 8, terminationMessagePath = 13, imagePullPolicy = 14, stdin = 16.
        byte[] raw = new ProtoWriter()
            .Message(1, m => Meta(m, "web", ("app", "web")))
            .Message(2, spec => spec
                .Varint(1, 0)
                .Message(2, s => s.Entry(1, "app", "web"))
                .Message(3, t => t
                    .Message(1, m => Meta(m, "", ("app", "web")))
                    .Message(2, p => p
                        .Message(2, c => c.String(1, "nginx").String(2, "nginx").String(5, "").Message(8, _ => { }).String(13, "").String(14, "").Varint(16, 0))
                        .String(3, "").String(6, "").String(8, "").String(10, "").Varint(11, 0)))
                .Message(4, s => s.String(1, ""))
                .Varint(5, 0)
                .Varint(7, 0))
            .Message(3, _ => { })
            .ToArray();
        var created = await PostProtobufAsync(client, Deployments + "?fieldManager=kubectl-create", ProtoWriter.Envelope("apps/v1", "Deployment", raw));
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal("0", created.Body.Str("spec.replicas"));
        Assert.Null(created.Body!["spec"]!["minReadySeconds"]);
        Assert.Null(created.Body["spec"]!["paused"]);
        // What kubectl 1.32 sends as JSON for `kubectl create deployment web --image=nginx --replicas=0`.
        await AssertStoredLikeJsonAsync(server, client, Deployments, "apps/v1", "Deployment", "web", """
            {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},
             "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}]}},"strategy":{}},"status":{}}
            """);
    }

    [Fact]
    public async Task Times_int_or_strings_and_quantities_take_their_JSON_forms()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();

        // Service: spec = 2; ServiceSpec: ports = 1; ServicePort: name = 1, protocol = 2, port = 3, targetPort = 4 (IntOrString: type = 1, intVal = 2, strVal = 3).
        byte[] service = new ProtoWriter()
            .Message(1, m => Meta(m, "svc"))
            .Message(2, s => s
                .Message(1, p => p.String(1, "a").String(2, "TCP").Varint(3, 80).Message(4, t => t.Varint(1, 0).Varint(2, 8080).String(3, "")))
                .Message(1, p => p.String(1, "b").String(2, "TCP").Varint(3, 443).Message(4, t => t.Varint(1, 1).Varint(2, 0).String(3, "https"))))
            .ToArray();
        var created = await PostProtobufAsync(client, "/api/v1/namespaces/default/services", ProtoWriter.Envelope("v1", "Service", service));
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal("8080", created.Body!["spec"]!["ports"]![0].Str("targetPort"));
        Assert.Equal("https", created.Body["spec"]!["ports"]![1].Str("targetPort"));

        // Event (core/v1): involvedObject = 2 (kind = 1, name = 3), lastTimestamp = 7 (Time: seconds = 1, nanos = 2), eventTime = 10 (MicroTime).
        byte[] ev = new ProtoWriter()
            .Message(1, m => Meta(m, "e"))
            .Message(2, o => o.String(1, "Pod").String(3, "p"))
            .Message(7, t => t.Varint(1, 1714559696).Varint(2, 987_654_321))
            .Message(10, t => t.Varint(1, 1714559696).Varint(2, 123_456_789))
            .ToArray();
        var evCreated = await PostProtobufAsync(client, "/api/v1/namespaces/default/events", ProtoWriter.Envelope("v1", "Event", ev));
        Assert.Equal(HttpStatusCode.Created, evCreated.Code);
        Assert.Equal("2024-05-01T10:34:56Z", evCreated.Body.Str("lastTimestamp"));
        Assert.Equal("2024-05-01T10:34:56.123456Z", evCreated.Body.Str("eventTime"));

        // Pod resources (ResourceRequirements: limits = 1, map<string, Quantity{string = 1}>), canonicalised after decoding.
        byte[] pod = new ProtoWriter()
            .Message(1, m => Meta(m, "p"))
            .Message(2, p => p.Message(2, c => c.String(1, "c").String(2, "busybox").Message(8, r => r.Message(1, e => e.String(1, "cpu").Message(2, q => q.String(1, "1000m"))))))
            .ToArray();
        var podCreated = await PostProtobufAsync(client, "/api/v1/namespaces/default/pods", ProtoWriter.Envelope("v1", "Pod", pod));
        Assert.Equal(HttpStatusCode.Created, podCreated.Code);
        Assert.Equal("""{"limits":{"cpu":"1"},"requests":{"cpu":"1"}}""", podCreated.Body!["spec"]!["containers"]![0]!["resources"]!.ToJsonString());
    }

    public static TheoryData<string, byte[], string> BadBodies() => new()
    {
        { "empty", [], "the object provided is unrecognized (must be of type ConfigMap): empty data (<empty>)" },
        { "no magic", "{\"a\":1}"u8.ToArray(), "the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (7b2261223a317d)" },
        { "magic only", "k8s\0"u8.ToArray(), "the object provided is unrecognized (must be of type ConfigMap): empty body (6b387300)" },
        { "truncated envelope", [.. "k8s\0"u8, 0x12, 0x10, 0x0a], "the object provided is unrecognized (must be of type ConfigMap): proto: unexpected EOF (6b38730012100a)" },
        { "truncated varint", [.. "k8s\0"u8, 0x48, 0xff], "the object provided is unrecognized (must be of type ConfigMap): proto: unexpected EOF (6b38730048ff)" },
        { "group wire type", [.. "k8s\0"u8, 0x4b], "the object provided is unrecognized (must be of type ConfigMap): proto: illegal wireType 3 (6b3873004b)" },
        { "field zero", [.. "k8s\0"u8, 0x00, 0x00], "the object provided is unrecognized (must be of type ConfigMap): proto: illegal tag 0 (wire type 0) (6b3873000000)" },
        { "truncated message", ProtoWriter.Envelope("v1", "ConfigMap", [0x0a, 0x05, 0x0a]), "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: proto: unexpected EOF" },
        { "wrong wire type", ProtoWriter.Envelope("v1", "ConfigMap", [0x08, 0x01]), "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field metadata of core.v1.ConfigMap" },
        { "unknown kind", ProtoWriter.Envelope("v1", "Gadget", []), "no kind \"Gadget\" is registered for version \"v1\" in scheme \"kubegen-emulator\"" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_protobuf_is_a_400_Status(string what, byte[] body, string message)
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var response = await PostProtobufAsync(client, ConfigMaps, body);
        Assert.True(response.Code == HttpStatusCode.BadRequest, what);
        AssertStatus((response.Code, response.Body), 400, "BadRequest", message);
    }

    [Fact]
    public async Task Deeply_nested_unknown_fields_are_skipped_without_descending()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        byte[] nested = [];
        for (int i = 0; i < 10_000; i++)
        {
            nested = new ProtoWriter().Bytes(1, nested).ToArray();
        }

        byte[] raw = new ProtoWriter().Message(1, m => Meta(m, "deep")).Bytes(50, nested).ToArray();
        var response = await PostProtobufAsync(client, ConfigMaps, ProtoWriter.Envelope("v1", "ConfigMap", raw));
        Assert.Equal(HttpStatusCode.Created, response.Code);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        // Kubernetes' own types are not recursive; a recursive table shows the decoder stops anyway.
        var table = Testing.Protobuf.MessageTable.Parse("message t.Loop\n  1 self t.Loop\n");
        byte[] nested = [];
        for (int i = 0; i < 200; i++)
        {
            nested = new ProtoWriter().Bytes(1, nested).ToArray();
        }

        var e = Assert.Throws<Testing.Protobuf.ProtobufException>(() => new Testing.Protobuf.MessageDecoder(table).Decode(table["t.Loop"], nested));
        Assert.Equal("proto: message nested too deeply", e.Message);
    }

    [Fact]
    public async Task Strings_that_are_not_UTF8_are_kept_with_replacement_characters_as_Go_writes_them()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        byte[] raw = new ProtoWriter().Message(1, m => Meta(m, "bytes")).Message(2, e => e.String(1, "k").Bytes(2, [0x61, 0xff, 0x62])).ToArray();
        var response = await PostProtobufAsync(client, ConfigMaps, ProtoWriter.Envelope("v1", "ConfigMap", raw));
        Assert.Equal(HttpStatusCode.Created, response.Code);
        Assert.Equal("a\uFFFDb", response.Body.Str("data.k"));
    }

    [Fact]
    public async Task Random_bytes_after_the_magic_never_crash_the_server()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var random = new Random(16);
        for (int i = 0; i < 200; i++)
        {
            byte[] garbage = new byte[random.Next(1, 64)];
            random.NextBytes(garbage);
            byte[] body = i % 2 == 0 ? [.. "k8s\0"u8, .. garbage] : ProtoWriter.Envelope("v1", "ConfigMap", garbage);
            var response = await PostProtobufAsync(client, ConfigMaps, body);
            Assert.True(response.Code is HttpStatusCode.BadRequest or HttpStatusCode.Created or HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict, $"{response.Code} for {Convert.ToHexString(body)}");
            Assert.Equal("application/json", response.ContentType);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/version")).Code);
    }

    [Fact]
    public async Task Protobuf_delete_options_and_scale_bodies_are_read()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Deployments, Deployment("web", replicas: 2));

        // Scale (autoscaling/v1): spec = 2 { replicas = 1 }.
        var scaled = await PostProtobufAsync(client, Deployments + "/web/scale", ProtoWriter.Envelope("autoscaling/v1", "Scale", new ProtoWriter().Message(1, m => Meta(m, "web")).Message(2, s => s.Varint(1, 5)).ToArray()), method: HttpMethod.Put);
        Assert.Equal(HttpStatusCode.OK, scaled.Code);
        Assert.Equal("5", (await client.GetJsonAsync(Deployments + "/web")).Body.Str("spec.replicas"));

        // Replicas 0 is a plain int32: Go writes it, JSON leaves it out, and it still means zero.
        var zero = await PostProtobufAsync(client, Deployments + "/web/scale", ProtoWriter.Envelope("autoscaling/v1", "Scale", new ProtoWriter().Message(1, m => Meta(m, "web")).Message(2, s => s.Varint(1, 0)).ToArray()), method: HttpMethod.Put);
        Assert.Equal(HttpStatusCode.OK, zero.Code);
        Assert.Equal("0", (await client.GetJsonAsync(Deployments + "/web")).Body.Str("spec.replicas"));

        // DeleteOptions (meta/v1): preconditions = 2 { uid = 1 }; client-go sends it in the resource's group-version.
        byte[] options = ProtoWriter.Envelope("apps/v1", "DeleteOptions", new ProtoWriter().Message(2, p => p.String(1, "not-the-uid")).ToArray());
        var refused = await PostProtobufAsync(client, Deployments + "/web", options, method: HttpMethod.Delete);
        Assert.Equal(HttpStatusCode.Conflict, refused.Code);
        Assert.StartsWith("Operation cannot be fulfilled on deployments.apps \"web\": Precondition failed: UID in precondition: not-the-uid", refused.Body.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Envelope_type_must_match_the_endpoint_and_missing_parts_default_to_it()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        byte[] raw = new ProtoWriter().Message(1, m => Meta(m, "x")).ToArray();
        var mismatch = await PostProtobufAsync(client, ConfigMaps, ProtoWriter.Envelope("apps/v1", "Deployment", raw));
        AssertStatus((mismatch.Code, mismatch.Body), 400, "BadRequest", "the API version in the data (apps/v1) does not match the expected API version (v1)");

        var defaulted = await PostProtobufAsync(client, ConfigMaps, ProtoWriter.Envelope("", "", raw));
        Assert.Equal(HttpStatusCode.Created, defaulted.Code);
        Assert.Equal("ConfigMap", defaulted.Body.Str("kind"));
    }
}
