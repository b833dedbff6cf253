using System.Text;
using System.Text.Json.Nodes;
using KubeGen.Webhooks.Manifests;
using KubeGen.Webhooks.Tests.Infrastructure;
using WebhookTests.Kube.AppsV1;
using WebhookTests.Kube.CoreV1;

namespace KubeGen.Webhooks.Tests;

/// <summary>The manifests generated from the registrations, printed as YAML and read back with YamlDotNet.</summary>
public sealed class ManifestTests
{
    private static WebhookApplicationBuilder Builder()
    {
        WebhookApplicationBuilder builder = WebhookApplication.CreateBuilder([]);
        builder.Server.ServiceName = "label-policy";
        builder.Server.Namespace = "policy";
        builder.Manifests.Image = "registry.example.com/label-policy:1.0";
        builder.Mutate("pod-defaults.kubegen.dev", WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods"), Pod.JsonTypeInfo, _ => AdmissionDecision.Allow(), r =>
        {
            r.Operations = AdmissionOperations.Create;
            r.ReinvocationPolicy = ReinvocationPolicy.IfNeeded;
            r.NamespaceSelector.MatchExpressions.Add(new LabelSelectorRequirement("kubernetes.io/metadata.name", "NotIn", "kube-system", "policy"));
        });
        builder.Validate("require-labels.kubegen.dev", WebhookResource.For(Deployment.KubeApiVersion, Deployment.KubeKind, "deployments"), Deployment.JsonTypeInfo, _ => AdmissionDecision.Allow(), r =>
        {
            r.FailurePolicy = FailurePolicy.Ignore;
            r.MatchPolicy = MatchPolicy.Exact;
            r.SideEffects = SideEffects.NoneOnDryRun;
            r.TimeoutSeconds = 5;
            r.Subresources.Add("scale");
            r.ObjectSelector.MatchLabels["policy.kubegen.dev/enforce"] = "true";
        });
        return builder;
    }

    [Fact]
    public async Task Cert_manager_manifests_read_back_as_expected()
    {
        await using WebhookApplication app = Builder().Build();
        List<JsonObject> documents = YamlDocuments.Parse(WebhookManifests.ToYaml(app.BuildManifests()));
        Assert.Equal(
            ["ServiceAccount", "Issuer", "Certificate", "Service", "Deployment", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
            documents.Select(d => (string)d["kind"]!));

        AssertJson("""{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"label-policy","namespace":"policy","labels":{"app.kubernetes.io/name":"label-policy"}},"spec":{"secretName":"label-policy-tls","dnsNames":["label-policy.policy.svc","label-policy.policy.svc.cluster.local"],"issuerRef":{"kind":"Issuer","name":"label-policy-selfsigned"},"privateKey":{"algorithm":"ECDSA","size":256,"rotationPolicy":"Always"}}}""", documents[2]);
        AssertJson("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"label-policy","namespace":"policy","labels":{"app.kubernetes.io/name":"label-policy"}},"spec":{"selector":{"app.kubernetes.io/name":"label-policy"},"ports":[{"name":"https","port":443,"targetPort":"https","protocol":"TCP"}]}}""", documents[3]);
        AssertJson(
            """
            {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration",
             "metadata":{"name":"label-policy","labels":{"app.kubernetes.io/name":"label-policy"},"annotations":{"cert-manager.io/inject-ca-from":"policy/label-policy"}},
             "webhooks":[{"name":"pod-defaults.kubegen.dev","admissionReviewVersions":["v1"],
               "clientConfig":{"service":{"name":"label-policy","namespace":"policy","path":"/mutate/pod-defaults.kubegen.dev","port":443}},
               "rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"],"scope":"Namespaced"}],
               "failurePolicy":"Fail","matchPolicy":"Equivalent","sideEffects":"None","timeoutSeconds":10,
               "namespaceSelector":{"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system","policy"]}]},
               "objectSelector":{},"reinvocationPolicy":"IfNeeded"}]}
            """, documents[5]);
        AssertJson(
            """
            {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration",
             "metadata":{"name":"label-policy","labels":{"app.kubernetes.io/name":"label-policy"},"annotations":{"cert-manager.io/inject-ca-from":"policy/label-policy"}},
             "webhooks":[{"name":"require-labels.kubegen.dev","admissionReviewVersions":["v1"],
               "clientConfig":{"service":{"name":"label-policy","namespace":"policy","path":"/validate/require-labels.kubegen.dev","port":443}},
               "rules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE","UPDATE"],"resources":["deployments","deployments/scale"],"scope":"Namespaced"}],
               "failurePolicy":"Ignore","matchPolicy":"Exact","sideEffects":"NoneOnDryRun","timeoutSeconds":5,
               "namespaceSelector":{},"objectSelector":{"matchLabels":{"policy.kubegen.dev/enforce":"true"}}}]}
            """, documents[6]);
    }

    [Fact]
    public async Task The_deployment_is_hardened_and_probed_over_https()
    {
        await using WebhookApplication app = Builder().Build();
        JsonObject deployment = YamlDocuments.Parse(WebhookManifests.ToYaml(app.BuildManifests())).Single(d => (string)d["kind"]! == "Deployment");
        JsonNode pod = deployment["spec"]!["template"]!["spec"]!;
        AssertJson("""{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}""", pod["securityContext"]);
        Assert.False((bool)pod["automountServiceAccountToken"]!);
        JsonNode container = pod["containers"]![0]!;
        Assert.Equal("registry.example.com/label-policy:1.0", (string?)container["image"]);
        AssertJson("""{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}""", container["securityContext"]);
        AssertJson("""{"httpGet":{"path":"/readyz","port":"https","scheme":"HTTPS"},"periodSeconds":5}""", container["readinessProbe"]);
        AssertJson("""{"httpGet":{"path":"/healthz","port":"https","scheme":"HTTPS"},"periodSeconds":10}""", container["livenessProbe"]);
        AssertJson("""[{"name":"https","containerPort":9443,"protocol":"TCP"}]""", container["ports"]);
        AssertJson("""[{"name":"serving-certs","mountPath":"/tmp/k8s-webhook-server/serving-certs","readOnly":true}]""", container["volumeMounts"]);
        AssertJson("""[{"name":"serving-certs","secret":{"secretName":"label-policy-tls"}}]""", pod["volumes"]);
        Assert.Equal(2L, (long)deployment["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Without_cert_manager_the_ca_bundle_or_a_placeholder_goes_into_each_webhook()
    {
        WebhookApplicationBuilder builder = Builder();
        builder.Manifests.CertManager = false;
        await using WebhookApplication placeholder = builder.Build();
        List<JsonObject> documents = YamlDocuments.Parse(WebhookManifests.ToYaml(placeholder.BuildManifests()));
        Assert.DoesNotContain(documents, d => (string)d["kind"]! is "Certificate" or "Issuer");
        JsonObject validating = documents.Single(d => (string)d["kind"]! == "ValidatingWebhookConfiguration");
        Assert.Null(validating["metadata"]!["annotations"]);
        Assert.Equal(ManifestOptions.CaBundlePlaceholder, (string?)validating["webhooks"]![0]!["clientConfig"]!["caBundle"]);

        builder = Builder();
        builder.Manifests.CertManager = false;
        builder.Manifests.CaBundlePem = TestCertificates.Pem(TestCertificates.Authority);
        await using WebhookApplication bundled = builder.Build();
        JsonObject mutating = YamlDocuments.Parse(WebhookManifests.ToYaml(bundled.BuildManifests())).Single(d => (string)d["kind"]! == "MutatingWebhookConfiguration");
        Assert.Equal(builder.Manifests.CaBundlePem, Encoding.UTF8.GetString(Convert.FromBase64String((string)mutating["webhooks"]![0]!["clientConfig"]!["caBundle"]!)));
    }

    [Fact]
    public void Yaml_quotes_what_would_not_read_back_as_the_same_string()
    {
        var document = new JsonObject
        {
            ["plain"] = "app.kubernetes.io/name",
            ["bool-like"] = "true",
            ["number-like"] = "443",
            ["empty"] = "",
            ["colon"] = "a: b",
            ["hash"] = "#x",
            ["star"] = "*",
            ["newline"] = "a\nb",
            ["quote"] = "\"q\"",
            ["list"] = new JsonArray(new JsonArray(1, 2), new JsonObject(), new JsonArray()),
        };
        string yaml = WebhookManifests.ToYaml([document]);
        AssertJson(document.ToJsonString(), YamlDocuments.Parse(yaml).Single());
        Assert.Contains("plain: app.kubernetes.io/name\n", yaml, StringComparison.Ordinal);
    }

    private static void AssertJson(string expected, JsonNode? actual)
        => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {JsonNode.Parse(expected)!.ToJsonString()}\nactual   {actual?.ToJsonString()}");
}
