using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Validation;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// Built-in kinds checked against the spec's schema as kube-apiserver checks them: type errors are
/// the Go decoder's 400, the rest a 422 Invalid with one cause per field.
/// </summary>
public sealed class ValidationTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    [Fact]
    public async Task A_value_of_the_wrong_type_is_the_Go_decoders_400()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string body = Deployment("web").Replace("\"replicas\":1", "\"replicas\":\"two\"", StringComparison.Ordinal);
        AssertStatus(await client.PostJsonAsync(Deployments, body), 400, "BadRequest",
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");

        // Inside a list the path has no indexes, and the struct is the innermost one.
        string port = Pod("p").Replace("\"containerPort\":80", "\"containerPort\":\"eighty\"", StringComparison.Ordinal);
        AssertStatus(await client.PostJsonAsync(Pods, port), 400, "BadRequest",
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32");

        string big = Deployment("web").Replace("\"replicas\":1", "\"replicas\":3000000000", StringComparison.Ordinal);
        AssertStatus(await client.PostJsonAsync(Deployments, big), 400, "BadRequest",
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32");

        string notAnObject = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":"everything"}""";
        AssertStatus(await client.PostJsonAsync(Deployments, notAnObject), 400, "BadRequest",
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync(Deployments + "/web")).Code);
    }

    [Fact]
    public async Task Required_fields_and_duplicate_names_are_422_with_a_cause_per_field()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        const string Twice = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"a"},{"name":"c","image":"b"},{"image":"c"}]}}""";
        var response = await client.PostJsonAsync(Pods, Twice);
        AssertStatus(response, 422, "Invalid");
        Assert.StartsWith("Pod \"p\" is invalid: [", response.Body.Str("message"), StringComparison.Ordinal);
        Assert.Contains("spec.containers[2].name: Required value", response.Body.Str("message"), StringComparison.Ordinal);
        Assert.Contains("spec.containers[1].name: Duplicate value: \"c\"", response.Body.Str("message"), StringComparison.Ordinal);
        JsonArray causes = response.Body!["details"]!["causes"]!.AsArray();
        Assert.Equal(
            ["FieldValueDuplicate spec.containers[1].name Duplicate value: \"c\"", "FieldValueRequired spec.containers[2].name Required value"],
            causes.Select(c => $"{c.Str("reason")} {c.Str("field")} {c.Str("message")}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Annotations_over_256_KiB_are_too_long()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string big = new('a', 256 * 1024);
        var response = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"big","annotations":{"k":""" + "\"" + big + "\"}}}");
        AssertStatus(response, 422, "Invalid", "ConfigMap \"big\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes");
        Assert.Equal("FieldValueTooLong", response.Body!["details"]!["causes"]![0].Str("reason"));
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(123456.0, "123456")]
    [InlineData(1234567.0, "1.234567e+06")]
    [InlineData(-2.25, "-2.25")]
    public void Floats_print_as_Gos_percent_v(double value, string expected) => Assert.Equal(expected, GoValue.Float(value));

    [Fact]
    public void Values_print_as_Go_prints_decoded_JSON()
    {
        Assert.Equal("\"a\\\"b\\n\"", GoValue.Format(JsonValue.Create("a\"b\n")));
        Assert.Equal("42", GoValue.Format(JsonNode.Parse("42")));
        Assert.Equal("true", GoValue.Format(JsonNode.Parse("true")));
        Assert.Equal("null", GoValue.Format(null));
        Assert.Equal("map[string]interface {}{\"a\":1, \"name\":\"x\"}", GoValue.Format(JsonNode.Parse("""{"name":"x","a":1}""")));
        Assert.Equal("[]interface {}{\"a\", 2, interface {}(nil)}", GoValue.Format(JsonNode.Parse("""["a",2,null]""")));
    }
}
