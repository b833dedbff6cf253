using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Conversion;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>What a real API server does to an object on write: canonical forms, write-only fields, defaults.</summary>
public sealed class WriteConversionTests
{
    private const string Secrets = "/api/v1/namespaces/default/secrets";
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string Services = "/api/v1/namespaces/default/services";
    private const string Leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
    private const string Events = "/api/v1/namespaces/default/events";

    private static string B64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Secret_stringData_is_merged_into_data_base64_and_never_stored_or_returned()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync(Secrets, $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"{{{B64("from data")}}}","b":"{{{B64("kept")}}}"},"stringData":{"a":"from stringData","c":"héllo"}}""");
        Assert.Equal(HttpStatusCode.Created, created.Code);
        foreach (JsonNode? body in new[] { created.Body, (await client.GetJsonAsync(Secrets + "/s")).Body, server.GetObject("v1", "Secret", "default", "s") })
        {
            Assert.Equal($$"""{"a":"{{B64("from stringData")}}","b":"{{B64("kept")}}","c":"{{B64("héllo")}}"}""", body!["data"]!.ToJsonString());
            Assert.Null(body["stringData"]);
            Assert.Equal("Opaque", body.Str("type"));
        }

        // On update too.
        JsonObject replacement = created.Body!.AsObject();
        replacement["stringData"] = new JsonObject { ["b"] = "changed" };
        var replaced = await client.PutJsonAsync(Secrets + "/s", replacement.ToJsonString());
        Assert.Equal(B64("changed"), replaced.Body.Str("data.b"));
        Assert.Null(replaced.Body!["stringData"]);
        var patched = await client.PatchAsync(Secrets + "/s", """{"stringData":{"d":"patched"}}""", "application/merge-patch+json");
        Assert.Equal(B64("patched"), patched.Body.Str("data.d"));
        Assert.Null(patched.Body!["stringData"]);
    }

    [Fact]
    public async Task Bytes_must_be_standard_base64()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var bad = await client.PostJsonAsync(Secrets, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"no*base64"}}""");
        AssertStatus(bad, 400, "BadRequest", "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 2");
        Assert.Null(server.GetObject("v1", "Secret", "default", "s"));
    }

    [Fact]
    public async Task Times_are_answered_in_UTC_canonical_form_whatever_was_sent()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();

        // MicroTime: six fractional digits in, UTC with six out; Time: any fraction in, UTC to the second out.
        var lease = await client.PostJsonAsync(Leases, """{"metadata":{"name":"l"},"spec":{"holderIdentity":"me","acquireTime":"2024-05-01T12:34:56.123456+02:00","renewTime":"2024-05-01T10:34:56.000001Z"}}""");
        Assert.Equal(HttpStatusCode.Created, lease.Code);
        Assert.Equal("2024-05-01T10:34:56.123456Z", lease.Body.Str("spec.acquireTime"));
        Assert.Equal("2024-05-01T10:34:56.000001Z", lease.Body.Str("spec.renewTime"));
        Assert.Equal("2024-05-01T10:34:56.123456Z", (await client.GetJsonAsync(Leases + "/l")).Body.Str("spec.acquireTime"));

        var ev = await client.PostJsonAsync(Events, """{"metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"p"},"firstTimestamp":"2024-05-01T12:34:56.987654+02:00","lastTimestamp":"2024-05-01T23:30:00-01:30","eventTime":"2024-05-01T10:34:56.500000Z"}""");
        Assert.Equal(HttpStatusCode.Created, ev.Code);
        Assert.Equal("2024-05-01T10:34:56Z", ev.Body.Str("firstTimestamp"));
        Assert.Equal("2024-05-02T01:00:00Z", ev.Body.Str("lastTimestamp"));
        Assert.Equal("2024-05-01T10:34:56.500000Z", ev.Body.Str("eventTime"));

        // Patches go through the same decode.
        var patched = await client.PatchAsync(Leases + "/l", """{"spec":{"renewTime":"2024-05-01T00:00:00.999999-05:00"}}""", "application/merge-patch+json");
        Assert.Equal("2024-05-01T05:00:00.999999Z", patched.Body.Str("spec.renewTime"));
    }

    [Theory]
    [InlineData("2024-05-01T10:34:56Z", "parsing time \"2024-05-01T10:34:56Z\" as \"2006-01-02T15:04:05.000000Z07:00\"")]
    [InlineData("2024-05-01T10:34:56.123Z", "parsing time \"2024-05-01T10:34:56.123Z\" as \"2006-01-02T15:04:05.000000Z07:00\"")]
    [InlineData("2024-05-01 10:34:56.123456Z", "parsing time \"2024-05-01 10:34:56.123456Z\" as \"2006-01-02T15:04:05.000000Z07:00\"")]
    [InlineData("2024-02-30T10:34:56.123456Z", "parsing time \"2024-02-30T10:34:56.123456Z\": day out of range")]
    public async Task A_time_Go_cannot_parse_is_a_400(string renewTime, string error)
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var bad = await client.PostJsonAsync(Leases, $$$"""{"metadata":{"name":"l"},"spec":{"renewTime":"{{{renewTime}}}"}}""");
        AssertStatus(bad, 400, "BadRequest");
        Assert.StartsWith("Lease in version \"v1\" cannot be handled as a Lease: " + error, bad.Body.Str("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-05-01T10:34:56Z", "2024-05-01T10:34:56Z")]
    [InlineData("2024-05-01T10:34:56.999999999Z", "2024-05-01T10:34:56Z")]
    [InlineData("2024-05-01T00:30:00+01:00", "2024-04-30T23:30:00Z")]
    [InlineData("2024-12-31T23:59:59,5-00:01", "2025-01-01T00:00:59Z")]
    public void Time_canonical_form(string given, string canonical) => Assert.Equal(canonical, KubeTime.CanonicalTime(given));

    [Theory]
    [InlineData("2024-05-01T10:34:56")]
    [InlineData("2024-05-01t10:34:56Z")]
    [InlineData("2024-05-01T10:34:56+24:00")]
    [InlineData("2024-13-01T10:34:56Z")]
    public void Time_that_Go_refuses(string given) => Assert.Throws<FormatException>(() => KubeTime.CanonicalTime(given));

    [Theory]
    [InlineData("1", "1")]
    [InlineData("1000m", "1")]
    [InlineData("1500m", "1500m")]
    [InlineData("0.5", "500m")]
    [InlineData(".5", "500m")]
    [InlineData("2048Ki", "2Mi")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("512Ki", "512Ki")]
    [InlineData("1Ki", "1Ki")]
    [InlineData("1000Mi", "1000Mi")]
    [InlineData("0.5Ki", "512")]
    [InlineData("1.5", "1500m")]
    [InlineData("1000", "1k")]
    [InlineData("1500", "1500")]
    [InlineData("1e3", "1e3")]
    [InlineData("1500e0", "1500")]
    [InlineData("12E", "12E")]
    [InlineData("0.0000000001", "1n")]
    [InlineData("-0.5", "-500m")]
    [InlineData("+2k", "2k")]
    [InlineData("0Gi", "0")]
    [InlineData("100M", "100M")]
    public void Quantity_canonical_form(string given, string canonical) => Assert.Equal(canonical, Quantity.Canonical(given));

    [Theory]
    [InlineData("")]
    [InlineData("1x")]
    [InlineData("Ki")]
    [InlineData("1.2.3")]
    [InlineData("1e")]
    public void Quantity_that_Go_refuses(string given) => Assert.Throws<FormatException>(() => Quantity.Canonical(given));

    [Fact]
    public async Task Pods_get_the_defaults_and_canonical_quantities_a_real_server_gives()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync(Pods, """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[
              {"name":"a","image":"nginx:1.25","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"1000m","memory":"2048Ki"},"requests":{"cpu":0.5}},
               "readinessProbe":{"httpGet":{"port":80}}},
              {"name":"b","image":"registry.local:5000/tools"}]}}
            """);
        Assert.Equal(HttpStatusCode.Created, created.Code);
        JsonNode spec = created.Body!["spec"]!;
        Assert.Equal("Always", spec.Str("restartPolicy"));
        Assert.Equal("ClusterFirst", spec.Str("dnsPolicy"));
        Assert.Equal("30", spec.Str("terminationGracePeriodSeconds"));
        Assert.Equal("default-scheduler", spec.Str("schedulerName"));
        Assert.Equal("{}", spec.Str("securityContext"));
        Assert.Equal("default", spec.Str("serviceAccountName"));
        Assert.Equal("default", spec.Str("serviceAccount"));
        Assert.Equal("true", spec.Str("enableServiceLinks"));
        Assert.Equal("0", spec.Str("priority"));
        Assert.Equal("""[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]""", spec["tolerations"]!.ToJsonString());
        JsonNode a = spec["containers"]![0]!;
        Assert.Equal("IfNotPresent", a.Str("imagePullPolicy"));
        Assert.Equal("/dev/termination-log", a.Str("terminationMessagePath"));
        Assert.Equal("File", a.Str("terminationMessagePolicy"));
        Assert.Equal("""[{"containerPort":80,"protocol":"TCP"}]""", a["ports"]!.ToJsonString());
        Assert.Equal("""{"limits":{"cpu":"1","memory":"2Mi"},"requests":{"cpu":"500m","memory":"2Mi"}}""", a["resources"]!.ToJsonString());
        Assert.Equal("""{"httpGet":{"port":80,"path":"/","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3}""", a["readinessProbe"]!.ToJsonString());
        JsonNode b = spec["containers"]![1]!;
        Assert.Equal("Always", b.Str("imagePullPolicy"));
        Assert.Equal("{}", b.Str("resources"));
        Assert.Equal("Pending", created.Body.Str("status.phase"));
        Assert.Equal("Burstable", created.Body.Str("status.qosClass"));

        // Defaults never override what was given.
        var given = await client.PostJsonAsync(Pods, """{"metadata":{"name":"q"},"spec":{"restartPolicy":"Never","serviceAccountName":"robot","containers":[{"name":"a","image":"x","imagePullPolicy":"Never","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}}""");
        Assert.Equal("Never", given.Body.Str("spec.restartPolicy"));
        Assert.Equal("robot", given.Body.Str("spec.serviceAccount"));
        Assert.Equal("Never", given.Body!["spec"]!["containers"]![0].Str("imagePullPolicy"));
        Assert.Equal("Guaranteed", given.Body.Str("status.qosClass"));
    }

    [Fact]
    public async Task Deployments_get_the_defaults_scale_and_rollout_read()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync("/apis/apps/v1/namespaces/default/deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""");
        Assert.Equal(HttpStatusCode.Created, created.Code);
        JsonNode spec = created.Body!["spec"]!;
        Assert.Equal("1", spec.Str("replicas"));
        Assert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}""", spec["strategy"]!.ToJsonString());
        Assert.Equal("10", spec.Str("revisionHistoryLimit"));
        Assert.Equal("600", spec.Str("progressDeadlineSeconds"));
        JsonNode template = spec["template"]!["spec"]!;
        Assert.Equal("Always", template.Str("restartPolicy"));
        Assert.Equal("Always", template["containers"]![0].Str("imagePullPolicy"));

        // Only Pod objects get the admission plugins' fields, not templates.
        Assert.Null(template["serviceAccountName"]);
        Assert.Null(template["tolerations"]);
        Assert.Equal("1", (await client.GetJsonAsync("/apis/apps/v1/namespaces/default/deployments/d/scale")).Body.Str("spec.replicas"));
    }

    [Fact]
    public async Task Services_get_defaults_and_allocated_addresses_that_updates_keep()
    {
        await using KubeApiServerEmulator server = await StartRealAsync();
        using HttpClient client = server.CreateHttpClient();
        var first = await client.PostJsonAsync(Services, """{"metadata":{"name":"a"},"spec":{"selector":{"app":"a"},"ports":[{"port":80}]}}""");
        Assert.Equal(HttpStatusCode.Created, first.Code);
        JsonNode spec = first.Body!["spec"]!;
        Assert.Equal("ClusterIP", spec.Str("type"));
        Assert.Equal("None", spec.Str("sessionAffinity"));
        Assert.Equal("""[{"port":80,"protocol":"TCP","targetPort":80}]""", spec["ports"]!.ToJsonString());
        Assert.Equal("10.96.0.10", spec.Str("clusterIP"));
        Assert.Equal("""["10.96.0.10"]""", spec["clusterIPs"]!.ToJsonString());
        Assert.Equal("""["IPv4"]""", spec["ipFamilies"]!.ToJsonString());
        Assert.Equal("SingleStack", spec.Str("ipFamilyPolicy"));
        Assert.Equal("Cluster", spec.Str("internalTrafficPolicy"));
        Assert.Equal("{}", first.Body.Str("status.loadBalancer"));

        var nodePort = await client.PostJsonAsync(Services, """{"metadata":{"name":"b"},"spec":{"type":"NodePort","ports":[{"port":443,"targetPort":"https"}]}}""");
        JsonNode port = nodePort.Body!["spec"]!["ports"]![0]!;
        Assert.Equal("https", port.Str("targetPort"));
        Assert.Equal("30000", port.Str("nodePort"));
        Assert.Equal("10.96.0.11", nodePort.Body.Str("spec.clusterIP"));
        Assert.Equal("Cluster", nodePort.Body.Str("spec.externalTrafficPolicy"));

        // A replace that leaves the allocated values out keeps them.
        var replaced = await client.PutJsonAsync(Services + "/b", $$$"""{"metadata":{"name":"b","resourceVersion":"{{{nodePort.Body.Str("metadata.resourceVersion")}}}"},"spec":{"type":"NodePort","ports":[{"port":443,"targetPort":"https"}]}}""");
        Assert.Equal(HttpStatusCode.OK, replaced.Code);
        Assert.Equal("10.96.0.11", replaced.Body.Str("spec.clusterIP"));
        Assert.Equal("30000", replaced.Body!["spec"]!["ports"]![0].Str("nodePort"));

        var external = await client.PostJsonAsync(Services, """{"metadata":{"name":"c"},"spec":{"type":"ExternalName","externalName":"example.com"}}""");
        Assert.Null(external.Body!["spec"]!["clusterIP"]);
    }

    [Fact]
    public async Task A_default_for_a_field_the_spec_does_not_have_is_not_set()
    {
        // The fixture's trimmed ServiceSpec and PodSpec have no ipFamilyPolicy and no serviceAccount.
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var service = await client.PostJsonAsync(Services, """{"metadata":{"name":"a"},"spec":{"ports":[{"port":80}]}}""");
        Assert.Equal("ClusterIP", service.Body.Str("spec.type"));
        Assert.Null(service.Body!["spec"]!["ipFamilyPolicy"]);
        var pod = await client.PostJsonAsync(Pods, Pod("p"));
        Assert.Equal("default", pod.Body.Str("spec.serviceAccountName"));
        Assert.Null(pod.Body!["spec"]!["serviceAccount"]);
    }

    [Fact]
    public async Task Namespaces_get_their_name_label_and_finalizer()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"team","labels":{"x":"y"}}}""");
        Assert.Equal("""{"x":"y","kubernetes.io/metadata.name":"team"}""", created.Body!["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("""["kubernetes"]""", created.Body["spec"]!["finalizers"]!.ToJsonString());
        Assert.Equal("Active", created.Body.Str("status.phase"));

        // Namespaces and Services have a spec but no generation; Deployments count their spec changes.
        Assert.Null(created.Body["metadata"]!["generation"]);
        var service = await client.PostJsonAsync(Services, """{"metadata":{"name":"s"},"spec":{"ports":[{"port":80}]}}""");
        Assert.Null(service.Body!["metadata"]!["generation"]);
        var changed = await client.PatchAsync(Services + "/s", """{"spec":{"ports":[{"port":81}]}}""", "application/merge-patch+json");
        Assert.Null(changed.Body!["metadata"]!["generation"]);
        Assert.Equal("1", (await client.PostJsonAsync("/apis/apps/v1/namespaces/default/deployments", Deployment("d"))).Body.Str("metadata.generation"));
    }

    [Fact]
    public async Task Dry_run_answers_with_the_converted_object_and_stores_nothing()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var dry = await client.PostJsonAsync(Secrets + "?dryRun=All", """{"metadata":{"name":"s"},"stringData":{"a":"b"}}""");
        Assert.Equal(HttpStatusCode.Created, dry.Code);
        Assert.Equal(B64("b"), dry.Body.Str("data.a"));
        Assert.Null(dry.Body!["stringData"]);
        Assert.Null(server.GetObject("v1", "Secret", "default", "s"));
    }

    [Fact]
    public async Task Dry_run_takes_only_All()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        AssertStatus(await client.PostJsonAsync(Secrets + "?dryRun=Yes", """{"metadata":{"name":"s"}}"""), 422, "Invalid", "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Yes\"}: supported values: \"All\"");
        Assert.Null(server.GetObject("v1", "Secret", "default", "s"));
    }
}
