using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using KubeGen.Webhooks.Tests.Infrastructure;
using WebhookTests.Kube.CoreV1;

namespace KubeGen.Webhooks.Tests;

/// <summary>
/// The emulator calls admission webhooks as kube-apiserver does, driven by the stored configuration
/// objects; the webhook is the real host over TLS, reached as its Service with the caBundle's trust.
/// </summary>
public sealed class EmulatorAdmissionTests
{
    private static readonly WebhookResource Pods = WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods");

    private static string PodJson(string name, string labels = "{}", string ns = "team")
        => $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{{{labels}}}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}""";

    private static void Policy(WebhookApplicationBuilder builder, ConcurrentQueue<string>? seen = null)
    {
        builder.Mutate("defaults.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            seen?.Enqueue($"mutate {context.Operation} {context.Name} dryRun={context.DryRun}");
            context.Object!.Metadata!.Labels ??= new Dictionary<string, string>();
            context.Object.Metadata.Labels["injected-by"] = "kubegen";
            return AdmissionDecision.Allow("labels were defaulted");
        });
        builder.Validate("require-app.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            seen?.Enqueue($"validate {context.Operation} {context.Name} injected={(context.Object?.Metadata?.Labels is { } labels && labels.TryGetValue("injected-by", out string? by) ? by : "")}");
            return context.Operation == AdmissionOperations.Delete
                ? (context.OldObject!.Metadata!.Labels!.ContainsKey("protected") ? AdmissionDecision.Deny("pod is protected") : AdmissionDecision.Allow())
                : context.Object!.Metadata!.Labels!.ContainsKey("app") ? AdmissionDecision.Allow() : AdmissionDecision.Deny("every pod needs an app label");
        }, r => r.Operations = AdmissionOperations.All);
    }

    [Fact]
    public async Task A_create_is_mutated_then_validated_and_the_warnings_come_back()
    {
        var seen = new ConcurrentQueue<string>();
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => Policy(b, seen));
        await bed.InstallAsync();

        var created = await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods", PodJson("web", """{"app":"web"}"""));
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal("kubegen", (string?)created.Body!["metadata"]!["labels"]!["injected-by"]);
        Assert.Contains("299 - \"labels were defaulted\"", created.Warnings);
        JsonObject stored = bed.Emulator.GetObject("v1", "Pod", "team", "web")!;
        Assert.Equal("kubegen", (string?)stored["metadata"]!["labels"]!["injected-by"]);
        Assert.Equal(["mutate Create web dryRun=False", "validate Create web injected=kubegen"], seen);
    }

    [Fact]
    public async Task A_create_the_validating_webhook_denies_is_refused_with_its_message_and_not_stored()
    {
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => Policy(b));
        await bed.InstallAsync();
        var denied = await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods", PodJson("bare"));
        Assert.Equal(HttpStatusCode.Forbidden, denied.Code);
        Assert.Equal("Failure", (string?)denied.Body!["status"]);
        Assert.Equal("Forbidden", (string?)denied.Body["reason"]);
        Assert.Equal("admission webhook \"require-app.kubegen.dev\" denied the request: every pod needs an app label", (string?)denied.Body["message"]);
        Assert.Null(bed.Emulator.GetObject("v1", "Pod", "team", "bare"));
    }

    [Fact]
    public async Task Patches_and_replaces_are_admitted_on_the_object_they_would_store_and_deletes_with_the_old_object()
    {
        var seen = new ConcurrentQueue<string>();
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => Policy(b, seen));
        await bed.InstallAsync();
        Assert.Equal(HttpStatusCode.Created, (await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods", PodJson("web", """{"app":"web","protected":"yes"}"""))).Code);

        var removeApp = await bed.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/team/pods/web", """[{"op":"remove","path":"/metadata/labels/app"}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.Forbidden, removeApp.Code);
        Assert.Equal("admission webhook \"require-app.kubegen.dev\" denied the request: every pod needs an app label", (string?)removeApp.Body!["message"]);

        // A merge patch that drops the injected label gets it back from the mutating webhook.
        var merge = await bed.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/team/pods/web", """{"metadata":{"labels":{"injected-by":null,"tier":"fe"}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, merge.Code);
        Assert.Equal("kubegen", (string?)merge.Body!["metadata"]!["labels"]!["injected-by"]);
        Assert.Equal("fe", (string?)merge.Body["metadata"]!["labels"]!["tier"]);

        var delete = await bed.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/team/pods/web");
        Assert.Equal(HttpStatusCode.Forbidden, delete.Code);
        Assert.Equal("admission webhook \"require-app.kubegen.dev\" denied the request: pod is protected", (string?)delete.Body!["message"]);
        Assert.NotNull(bed.Emulator.GetObject("v1", "Pod", "team", "web"));
        Assert.Contains("validate Delete web injected=", seen);
    }

    [Fact]
    public async Task Dry_run_reaches_the_handlers_and_stores_nothing()
    {
        var seen = new ConcurrentQueue<string>();
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => Policy(b, seen));
        await bed.InstallAsync();
        var dry = await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods?dryRun=All", PodJson("dry", """{"app":"dry"}"""));
        Assert.Equal(HttpStatusCode.Created, dry.Code);
        Assert.Equal("kubegen", (string?)dry.Body!["metadata"]!["labels"]!["injected-by"]);
        Assert.Null(bed.Emulator.GetObject("v1", "Pod", "team", "dry"));
        Assert.Contains("mutate Create dry dryRun=True", seen);
    }

    [Fact]
    public async Task Selectors_decide_which_objects_are_sent()
    {
        var seen = new ConcurrentQueue<string>();
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => b.Validate("selected.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            seen.Enqueue(context.Name);
            return AdmissionDecision.Deny("selected");
        }, r =>
        {
            r.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] = "team";
            r.ObjectSelector.MatchExpressions.Add(new LabelSelectorRequirement("skip", "DoesNotExist"));
        }));
        await bed.InstallAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods", PodJson("a"))).Code);
        Assert.Equal(HttpStatusCode.Created, (await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods", PodJson("b", """{"skip":"1"}"""))).Code);
        Assert.Equal(HttpStatusCode.Created, (await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", PodJson("c", ns: "default"))).Code);
        Assert.Equal(["a"], seen);
    }

    [Fact]
    public async Task Server_side_apply_is_admitted_as_a_create_then_as_an_update_with_their_options_and_keeps_the_mutation()
    {
        var seen = new ConcurrentQueue<string>();
        var options = new ConcurrentQueue<string>();
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b =>
        {
            Policy(b, seen);
            b.Validate("options.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
            {
                options.Enqueue($"{context.Operation} {context.Request.Options?.GetProperty("kind").GetString()}");
                return AdmissionDecision.Allow();
            });
        });
        await bed.InstallAsync();
        const string ApplyPath = "/api/v1/namespaces/team/pods/applied?fieldManager=tester";
        const string ApplyType = "application/apply-patch+yaml";

        var created = await bed.SendAsync(HttpMethod.Patch, ApplyPath, PodJson("applied", """{"app":"applied"}"""), ApplyType);
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal("kubegen", (string?)created.Body!["metadata"]!["labels"]!["injected-by"]);
        Assert.Contains("299 - \"labels were defaulted\"", created.Warnings);
        Assert.Equal("kubegen", (string?)bed.Emulator.GetObject("v1", "Pod", "team", "applied")!["metadata"]!["labels"]!["injected-by"]);

        // Applying without the app label drops the field this manager owned: the validating webhook sees that and refuses.
        var bare = await bed.SendAsync(HttpMethod.Patch, ApplyPath, PodJson("applied"), ApplyType);
        Assert.Equal(HttpStatusCode.Forbidden, bare.Code);
        Assert.Equal("admission webhook \"require-app.kubegen.dev\" denied the request: every pod needs an app label", (string?)bare.Body!["message"]);

        var updated = await bed.SendAsync(HttpMethod.Patch, ApplyPath, PodJson("applied", """{"app":"applied","tier":"fe"}"""), ApplyType);
        Assert.Equal(HttpStatusCode.OK, updated.Code);
        JsonObject stored = bed.Emulator.GetObject("v1", "Pod", "team", "applied")!;
        Assert.Equal("fe", (string?)stored["metadata"]!["labels"]!["tier"]);
        Assert.Equal("kubegen", (string?)stored["metadata"]!["labels"]!["injected-by"]);

        var merged = await bed.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/team/pods/applied", """{"metadata":{"labels":{"tier":"be"}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, merged.Code);
        Assert.Equal(
            [
                "mutate Create applied dryRun=False", "validate Create applied injected=kubegen",
                "mutate Update applied dryRun=False", "validate Update applied injected=kubegen",
                "mutate Update applied dryRun=False", "validate Update applied injected=kubegen",
                "mutate Update applied dryRun=False", "validate Update applied injected=kubegen",
            ],
            seen);

        // kube-apiserver admits a patch with the options of what it does, never PatchOptions (validating webhooks all run,
        // so this one saw the refused apply too).
        Assert.Equal(["Create CreateOptions", "Update UpdateOptions", "Update UpdateOptions", "Update UpdateOptions"], options);
    }

    [Fact]
    public async Task A_write_through_scale_is_admitted_on_the_scale_it_would_store_and_its_mutation_reaches_the_object()
    {
        var seen = new ConcurrentQueue<string>();
        WebhookResource deployments = WebhookResource.For("apps/v1", "Deployment", "deployments");
        JsonTypeInfo<JsonObject> anyObject = (JsonTypeInfo<JsonObject>)JsonSerializerOptions.Default.GetTypeInfo(typeof(JsonObject));
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b =>
        {
            b.Mutate("cap-replicas.kubegen.dev", deployments, anyObject, context =>
            {
                if (context.Object!["spec"]!["replicas"]!.GetValue<int>() > 10)
                {
                    context.Object["spec"]!["replicas"] = 10;
                }

                return AdmissionDecision.Allow();
            }, r => r.Subresources.Add("scale"));
            b.Validate("no-seven.kubegen.dev", deployments, anyObject, context =>
            {
                seen.Enqueue($"{context.Operation} {context.SubResource} {context.Object!["kind"]} {context.Object["spec"]!["replicas"]} old {context.OldObject?["spec"]?["replicas"]}");
                return context.Object["spec"]!["replicas"]!.GetValue<int>() == 7 ? AdmissionDecision.Deny("seven replicas are not allowed") : AdmissionDecision.Allow();
            }, r => r.Subresources.Add("scale"));
        });
        await bed.InstallAsync();
        const string Deployment = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"team"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}}""";
        Assert.Equal(HttpStatusCode.Created, (await bed.SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/team/deployments", Deployment)).Code);
        const string Scale = "/apis/apps/v1/namespaces/team/deployments/web/scale";

        var seven = await bed.SendAsync(HttpMethod.Patch, Scale, """{"spec":{"replicas":7}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.Forbidden, seven.Code);
        Assert.Equal("admission webhook \"no-seven.kubegen.dev\" denied the request: seven replicas are not allowed", (string?)seven.Body!["message"]);

        var fifty = await bed.SendAsync(HttpMethod.Patch, Scale, """{"spec":{"replicas":50}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, fifty.Code);
        Assert.Equal("10", fifty.Body!["spec"]!["replicas"]!.ToJsonString());
        Assert.Equal("10", bed.Emulator.GetObject("apps/v1", "Deployment", "team", "web")!["spec"]!["replicas"]!.ToJsonString());
        Assert.Equal(["Create  Deployment 1 old ", "Update scale Scale 7 old 1", "Update scale Scale 10 old 1"], seen);
    }

    [Theory]
    [InlineData("Fail")]
    [InlineData("Ignore")]
    public async Task An_unreachable_webhook_fails_the_request_or_is_ignored_by_its_failure_policy(string policy)
    {
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => Policy(b));
        int closedPort = ClosedPort();
        var configuration = JsonNode.Parse($$"""
            {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"gone"},
             "webhooks":[{"name":"gone.kubegen.dev","admissionReviewVersions":["v1"],"sideEffects":"None","failurePolicy":"{{policy}}","timeoutSeconds":5,
               "clientConfig":{"url":"https://127.0.0.1:{{closedPort}}/validate"},
               "rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]}]}
            """)!.AsObject();
        await bed.CreateConfigurationAsync(configuration);
        var answer = await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods", PodJson("p", """{"app":"p"}"""));
        if (policy == "Fail")
        {
            Assert.Equal(HttpStatusCode.InternalServerError, answer.Code);
            Assert.Equal("InternalError", (string?)answer.Body!["reason"]);
            Assert.StartsWith($"Internal error occurred: failed calling webhook \"gone.kubegen.dev\": failed to call webhook: Post \"https://127.0.0.1:{closedPort}/validate?timeout=5s\": ", (string?)answer.Body["message"], StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Created, answer.Code);
        }
    }

    [Fact]
    public async Task A_webhook_whose_certificate_the_ca_bundle_does_not_trust_is_not_called()
    {
        var seen = new ConcurrentQueue<string>();
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => Policy(b, seen));
        foreach (JsonObject configuration in bed.Configurations())
        {
            foreach (JsonNode? webhook in configuration["webhooks"]!.AsArray())
            {
                webhook!["clientConfig"]!["caBundle"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(TestCertificates.Pem(TestCertificates.CreateAuthority("Another CA"))));
            }

            await bed.CreateConfigurationAsync(configuration);
        }

        var answer = await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods", PodJson("p", """{"app":"p"}"""));
        Assert.Equal(HttpStatusCode.InternalServerError, answer.Code);
        Assert.Contains("failed calling webhook \"defaults.kubegen.dev\"", (string?)answer.Body!["message"], StringComparison.Ordinal);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task A_webhook_that_times_out_is_answered_for_before_the_emulator_gives_up()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => b.Validate("slow.kubegen.dev", Pods, Pod.JsonTypeInfo, async context =>
        {
            await gate.Task;
            return AdmissionDecision.Allow();
        }, r => r.TimeoutSeconds = 1));
        await bed.InstallAsync();
        var answer = await bed.SendAsync(HttpMethod.Post, "/api/v1/namespaces/team/pods", PodJson("p", """{"app":"p"}"""));
        gate.SetResult();
        Assert.Equal(504, (int)answer.Code);
        Assert.Equal("admission webhook \"slow.kubegen.dev\" denied the request: webhook \"slow.kubegen.dev\" did not decide within 0.8 s (the API server waits 1 s)", (string?)answer.Body!["message"]);
    }

    [Fact]
    public async Task Writes_to_webhook_configurations_are_never_sent_to_webhooks()
    {
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(b => b.ValidateJson("deny-all.kubegen.dev", new WebhookResource("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", Namespaced: false), _ => AdmissionDecision.Deny("no")));
        await bed.InstallAsync();
        var delete = await bed.SendAsync(HttpMethod.Delete, "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/policy");
        Assert.Equal(HttpStatusCode.OK, delete.Code);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
