using KubeGen.Webhooks;

namespace LabelPolicy;

/// <summary>
/// The webhook server: the policy's four webhooks on one HTTPS port. Settings come from the
/// environment, as the Deployment sets them: <c>LABEL_POLICY_NAMESPACE</c> (the namespace it runs
/// in, for the Service's DNS name), <c>LABEL_POLICY_CERT_DIR</c> (the mounted Secret),
/// <c>LABEL_POLICY_PORT</c>. <c>--print-manifests [--image IMAGE] [--namespace NS] [--ca-bundle FILE]</c>
/// prints what deploys it.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        WebhookApplicationBuilder builder = WebhookApplication.CreateBuilder(args);
        builder.Server.ServiceName = "label-policy";
        builder.Server.Namespace = Environment.GetEnvironmentVariable("LABEL_POLICY_NAMESPACE") ?? "label-policy";
        if (Environment.GetEnvironmentVariable("LABEL_POLICY_CERT_DIR") is { Length: > 0 } certificates)
        {
            builder.Server.CertificateDirectory = certificates;
        }

        if (int.TryParse(Environment.GetEnvironmentVariable("LABEL_POLICY_PORT"), out int port))
        {
            builder.Server.Port = port;
        }

        builder.Manifests.Image = "label-policy:dev";
        Policy.Register(builder);

        await using WebhookApplication app = builder.Build();
        return await app.RunAsync();
    }
}
