using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A sample whose client is generated from a CRD's OpenAPI v3 document commits that document as the cluster serves it:
/// the emulator, on the repository's fixture cluster, once the sample's deploy/crd.yaml is installed.
/// </summary>
public static class CrdDocuments
{
    /// <summary>
    /// Installs <c>samples/&lt;sample&gt;/deploy/crd.yaml</c> in an emulator and asserts that what it serves at
    /// <c>/openapi/v3/apis/&lt;groupVersion&gt;</c> equals <c>samples/&lt;sample&gt;/openapi/apis__&lt;group&gt;__&lt;version&gt;_openapi.json</c>, byte for byte.
    /// </summary>
    public static async Task AssertCommittedIsServedAsync(string sample, string groupVersion, CancellationToken cancellationToken)
    {
        string root = NativeAotPublishFixture.FindRepositoryRoot();
        string directory = Path.Combine(root, "samples", sample);
        var options = new KubeApiServerEmulatorOptions();
        options.SpecFiles.Add(Path.Combine(root, "fixtures", "openapi", "mini-cluster.swagger.json"));
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, cancellationToken);
        await server.ApplyAsync(await File.ReadAllTextAsync(Path.Combine(directory, "deploy", "crd.yaml"), cancellationToken), cancellationToken);
        using HttpClient client = server.CreateHttpClient();
        byte[] served = await client.GetByteArrayAsync($"/openapi/v3/apis/{groupVersion}", cancellationToken);
        string committed = Path.Combine(directory, "openapi", $"apis__{groupVersion.Replace("/", "__", StringComparison.Ordinal)}_openapi.json");
        Assert.Equal(await File.ReadAllBytesAsync(committed, cancellationToken), served);
    }
}
