using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KubeGen.Testing.Patching;
using KubeGen.Webhooks.Tests.Infrastructure;
using WebhookTests.Kube.AppsV1;
using WebhookTests.Kube.CoreV1;

namespace KubeGen.Webhooks.Tests;

/// <summary>Validating and mutating handlers over real TLS: decisions, status, warnings, the JSON Patch, dry run.</summary>
public sealed class HandlerTests
{
    private static readonly WebhookResource Pods = WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods");
    private static readonly WebhookResource Deployments = WebhookResource.For(Deployment.KubeApiVersion, Deployment.KubeKind, "deployments");

    private static void RequireAppLabel(WebhookApplicationBuilder builder)
        => builder.Validate("require-app.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            if (context.Object?.Metadata?.Labels?.ContainsKey("app") == true)
            {
                return AdmissionDecision.Allow();
            }

            context.Warn("add an app label");
            return AdmissionDecision.Deny($"pod {context.Name} has no app label", 403, "Forbidden");
        });

    [Theory]
    [InlineData("2.0")]
    [InlineData("1.1")]
    public async Task A_validating_handler_allows_and_denies_with_status_and_warnings(string httpVersion)
    {
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(RequireAppLabel);
        using HttpClient client = server.CreateClient(Version.Parse(httpVersion));

        var allowed = await TestWebhookServer.PostAsync(client, "/validate/require-app.kubegen.dev", Reviews.Request(Reviews.Pod("web", new JsonObject { ["app"] = "web" })));
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true}}""", allowed.Body);

        var denied = await TestWebhookServer.PostAsync(client, "/validate/require-app.kubegen.dev", Reviews.Request(Reviews.Pod("bare"), uid: "u-2"));
        JsonNode response = denied.Json!["response"]!;
        Assert.Equal("u-2", (string?)response["uid"]);
        Assert.False((bool)response["allowed"]!);
        Assert.Equal(403, (int)response["status"]!["code"]!);
        Assert.Equal("Forbidden", (string?)response["status"]!["reason"]);
        Assert.Equal("pod bare has no app label", (string?)response["status"]!["message"]);
        Assert.Equal("add an app label", (string?)response["warnings"]![0]);
        Assert.Null(response["patch"]);
    }

    [Fact]
    public async Task A_mutating_handler_answers_the_json_patch_of_its_edit_which_applies_to_the_original()
    {
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(b => b.Mutate("defaults.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            Pod pod = context.Object!;
            pod.Metadata!.Labels ??= new Dictionary<string, string>();
            pod.Metadata.Labels["app.kubernetes.io/managed-by"] = "kubegen";
            pod.Spec!.Containers!.Insert(0, new Container { Name = "proxy", Image = "envoy:1" });
            pod.Spec.Containers[1].Resources = new ResourceRequirements { Requests = new Dictionary<string, KubeGen.Runtime.ResourceQuantity> { ["cpu"] = KubeGen.Runtime.ResourceQuantity.Parse("100m") } };
            return AdmissionDecision.Allow("defaults were added");
        }));
        using HttpClient client = server.CreateClient();
        JsonObject original = Reviews.Pod("web", new JsonObject { ["app"] = "web" });
        original["spec"]!["extraField"] = "kept"; // a field the model does not know travels in ExtensionData and is not in the patch

        var answer = await TestWebhookServer.PostAsync(client, "/mutate/defaults.kubegen.dev", Reviews.Request(original));
        JsonNode response = answer.Json!["response"]!;
        Assert.True((bool)response["allowed"]!);
        Assert.Equal("JSONPatch", (string?)response["patchType"]);
        Assert.Equal("defaults were added", (string?)response["warnings"]![0]);
        JsonNode patch = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!)))!;
        Assert.Equal("""{"op":"add","path":"/metadata/labels/app.kubernetes.io~1managed-by","value":"kubegen"}""", patch[0]!.ToJsonString());
        Assert.All(patch.AsArray().Skip(1), op => Assert.StartsWith("/spec/containers/", (string)op!["path"]!, StringComparison.Ordinal));
        JsonNode expected = original.DeepClone();
        expected["metadata"]!["labels"]!["app.kubernetes.io/managed-by"] = "kubegen";
        expected["spec"]!["containers"]![0]!["resources"] = JsonNode.Parse("""{"requests":{"cpu":"100m"}}""");
        ((JsonArray)expected["spec"]!["containers"]!).Insert(0, JsonNode.Parse("""{"name":"proxy","image":"envoy:1"}"""));
        Assert.True(JsonNode.DeepEquals(expected, JsonPatch.Apply(original, patch)));
    }

    [Fact]
    public async Task A_mutating_handler_that_changes_nothing_sends_no_patch_and_a_denial_never_carries_one()
    {
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(b => b.Mutate("maybe.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            context.Object!.Metadata!.Labels!["touched"] = "yes";
            return context.Name == "deny" ? AdmissionDecision.Deny("no") : AdmissionDecision.Allow();
        }));
        using HttpClient client = server.CreateClient();
        var denied = await TestWebhookServer.PostAsync(client, "/mutate/maybe.kubegen.dev", Reviews.Request(Reviews.Pod("deny")));
        Assert.False((bool)denied.Json!["response"]!["allowed"]!);
        Assert.Null(denied.Json["response"]!["patch"]);

        var unchanged = await TestWebhookServer.PostAsync(client, "/mutate/maybe.kubegen.dev", Reviews.Request(Reviews.Pod("same", new JsonObject { ["touched"] = "yes" })));
        Assert.True((bool)unchanged.Json!["response"]!["allowed"]!);
        Assert.Null(unchanged.Json["response"]!["patch"]);
    }

    [Fact]
    public async Task Handlers_see_the_old_object_the_operation_and_dry_run()
    {
        var seen = new List<string>();
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(b => b.Validate("audit.kubegen.dev", Deployments, Deployment.JsonTypeInfo, context =>
        {
            lock (seen)
            {
                seen.Add($"{context.Operation} dryRun={context.DryRun} old={context.OldObject?.Spec?.Replicas} new={context.Object?.Spec?.Replicas} user={context.User.Username}");
            }

            return AdmissionDecision.Allow();
        }, r => r.Operations = AdmissionOperations.All));
        using HttpClient client = server.CreateClient();
        JsonObject DeploymentJson(int replicas) => new() { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = "web" }, ["spec"] = new JsonObject { ["replicas"] = replicas } };

        await TestWebhookServer.PostAsync(client, "/validate/audit.kubegen.dev", Reviews.Request(DeploymentJson(3), "UPDATE", DeploymentJson(1), dryRun: true, group: "apps", kind: "Deployment", resource: "deployments"));
        await TestWebhookServer.PostAsync(client, "/validate/audit.kubegen.dev", Reviews.Request(null, "DELETE", DeploymentJson(3), group: "apps", kind: "Deployment", resource: "deployments"));
        Assert.Equal(["Update dryRun=True old=1 new=3 user=alice", "Delete dryRun=False old=3 new= user=alice"], seen);
    }

    [Fact]
    public async Task A_json_handler_serves_a_kind_the_app_has_no_model_for()
    {
        var configMaps = new WebhookResource("", "v1", "configmaps", "ConfigMap");
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(b => b.MutateJson("cm.kubegen.dev", configMaps, context =>
        {
            context.Object!["data"]!["added"] = "1";
            return AdmissionDecision.Allow();
        }));
        using HttpClient client = server.CreateClient();
        JsonObject configMap = new() { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "c" }, ["data"] = new JsonObject { ["a"] = "b" } };
        var answer = await TestWebhookServer.PostAsync(client, "/mutate/cm.kubegen.dev", Reviews.Request(configMap, kind: "ConfigMap", resource: "configmaps"));
        Assert.Equal("""[{"op":"add","path":"/data/added","value":"1"}]""", Encoding.UTF8.GetString(Convert.FromBase64String((string)answer.Json!["response"]!["patch"]!)));
    }

    [Fact]
    public async Task Health_endpoints_answer_for_the_probes()
    {
        await using TestWebhookServer server = await TestWebhookServer.StartAsync(RequireAppLabel);
        using HttpClient client = server.CreateClient();
        Assert.Equal("ok", await client.GetStringAsync("healthz", TestContext.Current.CancellationToken));
        Assert.Equal("ok", await client.GetStringAsync("readyz", TestContext.Current.CancellationToken));
    }
}
