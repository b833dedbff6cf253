using System.Diagnostics;
using System.Text.Json.Nodes;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// A second non-.NET official client: <c>@kubernetes/client-node</c> (pinned in
/// <c>Node/package.json</c>, installed by <c>.ci/run</c> with <c>npm ci</c>) runs
/// <c>Node/official_client.mjs</c> through the kubeconfig the emulator writes. Skipped when node or
/// the package is missing, except on CI (env <c>CI</c> set), where that fails.
/// </summary>
public sealed class NodeClientTests
{
    /// <summary>The source folder (node resolves the package next to the script, and npm installs it there).</summary>
    private static readonly string? Folder = FindFolder();

    private static string? FindFolder()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "KubeGen.Testing.Tests", "Node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? Node()
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "node")).FirstOrDefault(File.Exists);

    [Fact]
    public async Task The_official_JavaScript_client_sees_what_a_real_API_server_answers()
    {
        string? node = Node();
        if (node is null || Folder is null || !Directory.Exists(Path.Combine(Folder, "node_modules", "@kubernetes", "client-node")))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail("the official JavaScript client is required on CI: node and `npm ci` in tests/KubeGen.Testing.Tests/Node (.ci/run does it)");
            }

            Assert.Skip("the official JavaScript client is not installed (npm ci --prefix tests/KubeGen.Testing.Tests/Node)");
        }

        await using KubeApiServerEmulator server = await StartAsync();
        var start = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Folder };
        start.ArgumentList.Add(Path.Combine(Folder, "official_client.mjs"));
        start.ArgumentList.Add(server.KubeconfigPath);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(Ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(Ct);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("official_client.mjs did not finish in 90 s");
            }
        }

        Assert.True(process.ExitCode == 0, $"official_client.mjs exited {process.ExitCode}: {await stderr}");
        JsonNode seen = JsonNode.Parse(await stdout)!;
        Assert.Equal("""{"data":{"password":"czNjcmV0"},"stringData":null,"type":"Opaque"}""", seen["secret"]!.ToJsonString());
        Assert.Equal("""["js-a"]""", seen["front"]!.ToJsonString());
        Assert.Equal("""{"k":"patched"}""", seen["patched"]!.ToJsonString());
        Assert.Equal("""["js-a"]""", seen["afterDelete"]!.ToJsonString());
        Assert.Equal("""[["ADDED","js-watched"]]""", seen["watch"]!.ToJsonString());
        Assert.Equal("2024-05-01T10:34:56Z", seen.Str("eventLastTimestamp"));
        Assert.Equal("""[400,"BadRequest"]""", seen["leaseWithMilliseconds"]!.ToJsonString());
    }
}
