using KubeGen.Testing.Tests.Infrastructure;
using KubeGen.Webhooks.Tests.Infrastructure;
using WebhookTests.Kube.CoreV1;

namespace KubeGen.Webhooks.Tests;

/// <summary>
/// kubectl, the outside reference client, against the emulator calling the webhook host: refused
/// creates and applies print the webhook's message, admitted ones carry its mutation and warnings.
/// Skipped without kubectl, except on CI.
/// </summary>
public sealed class KubectlAdmissionTests
{
    private static readonly WebhookResource Pods = WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods");

    private static void Policy(WebhookApplicationBuilder builder)
    {
        builder.Mutate("defaults.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
        {
            context.Object!.Metadata!.Labels ??= new Dictionary<string, string>();
            context.Object.Metadata.Labels["injected-by"] = "kubegen";
            return AdmissionDecision.Allow("labels were defaulted");
        });
        builder.Validate("require-app.kubegen.dev", Pods, Pod.JsonTypeInfo, context =>
            context.Object!.Metadata?.Labels?.ContainsKey("app") == true ? AdmissionDecision.Allow() : AdmissionDecision.Deny("every pod needs an app label"));
    }

    private static string PodYaml(string name, string labels) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: team
          labels: {{labels}}
        spec:
          containers:
          - name: c
            image: nginx:1.27
        """;

    [Fact]
    public async Task Kubectl_create_and_apply_are_denied_with_the_webhooks_message_and_mutated_when_admitted()
    {
        Kubectl.Require();
        await using AdmissionTestbed bed = await AdmissionTestbed.StartAsync(Policy);
        await bed.InstallAsync();
        string work = Directory.CreateTempSubdirectory("kubegen-kubectl-admission-").FullName;
        try
        {
            var cli = new Kubectl(bed.Emulator.KubeconfigPath, work);
            string bare = Path.Combine(work, "bare.yaml");
            await File.WriteAllTextAsync(bare, PodYaml("bare", "{}"), TestContext.Current.CancellationToken);

            (int exit, string output, string error) = await cli.RunAsync("create", "-f", bare);
            Assert.NotEqual(0, exit);
            Assert.Contains("admission webhook \"require-app.kubegen.dev\" denied the request: every pod needs an app label", error, StringComparison.Ordinal);

            (exit, output, error) = await cli.RunAsync("apply", "-f", bare);
            Assert.NotEqual(0, exit);
            Assert.Contains("admission webhook \"require-app.kubegen.dev\" denied the request: every pod needs an app label", error, StringComparison.Ordinal);

            string web = Path.Combine(work, "web.yaml");
            await File.WriteAllTextAsync(web, PodYaml("web", "{app: web}"), TestContext.Current.CancellationToken);
            (exit, output, error) = await cli.RunAsync("apply", "-f", web);
            Assert.True(exit == 0, error + output);
            Assert.Contains("pod/web created", output, StringComparison.Ordinal);
            Assert.Contains("Warning: labels were defaulted", error, StringComparison.Ordinal);
            Assert.Equal("kubegen", await cli.OkAsync("get", "pod", "web", "-n", "team", "-o", "jsonpath={.metadata.labels.injected-by}"));

            // An apply that drops the app label is a patch, refused as well.
            await File.WriteAllTextAsync(web, PodYaml("web", "{tier: fe}"), TestContext.Current.CancellationToken);
            (exit, _, error) = await cli.RunAsync("apply", "-f", web);
            Assert.NotEqual(0, exit);
            Assert.Contains("admission webhook \"require-app.kubegen.dev\" denied the request: every pod needs an app label", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
