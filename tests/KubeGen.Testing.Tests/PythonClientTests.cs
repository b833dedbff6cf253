using System.Diagnostics;
using System.Text.Json.Nodes;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// A non-.NET official client against the emulator: Debian's <c>python3-kubernetes</c> runs
/// <c>Python/official_client.py</c> through the kubeconfig the emulator writes. Skipped when the
/// package is not installed, except on CI (env <c>CI</c> set), where its absence fails
/// (<c>.ci/run</c> installs it).
/// </summary>
public sealed class PythonClientTests
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Python", "official_client.py");

    /// <summary>A python that imports the client: Debian's first (the package installs there), then PATH's.</summary>
    private static readonly Lazy<string?> Python = new(() =>
    {
        foreach (string candidate in new[] { "/usr/bin/python3" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "python3"))))
        {
            if (File.Exists(candidate) && Run(candidate, ["-c", "import kubernetes"]).Exit == 0)
            {
                return candidate;
            }
        }

        return null;
    });

    private static (int Exit, string Out, string Err) Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 90 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public async Task The_official_python_client_sees_what_a_real_API_server_answers()
    {
        if (Python.Value is null)
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail("the official python client (Debian package python3-kubernetes) is required on CI but no python3 can import kubernetes");
            }

            Assert.Skip("the official python client is not installed (apt-get install python3-kubernetes)");
        }

        await using KubeApiServerEmulator server = await StartAsync();
        (int exit, string output, string error) = await Task.Run(() => Run(Python.Value, [Script, server.KubeconfigPath]), Ct);
        Assert.True(exit == 0, $"official_client.py exited {exit}: {error}");
        JsonNode seen = JsonNode.Parse(output)!;

        string B64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
        string secretData = $$"""{"kept":"{{B64("kept")}}","password":"{{B64("s3cret")}}"}""";
        Assert.Equal(secretData, seen["secret_created_data"]!.ToJsonString());
        Assert.Null(seen["secret_created_string_data"]);
        Assert.Equal($$"""{"data":{{secretData}},"has_string_data":false,"type":"Opaque"}""", seen["secret_read"]!.ToJsonString());

        Assert.Equal("""["py-a","py-b"]""", seen["front"]!.ToJsonString());
        Assert.Equal("""{"data":{"k":"patched"},"labels":{"extra":"yes","tier":"front"}}""", seen["patched"]!.ToJsonString());
        Assert.Equal("Success", seen.Str("deleted_status"));
        Assert.Equal("""["py-a","py-c"]""", seen["after_delete"]!.ToJsonString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", seen.Str("creation_timestamp"));

        Assert.Equal("""[["ADDED","py-watched"],["DELETED","py-c"]]""", seen["watch"]!.ToJsonString());

        Assert.Equal("2024-05-01T10:34:56.123456Z", seen.Str("lease_acquire_time"));
        Assert.Equal("""["2024-05-01T10:34:56Z","2024-05-01T10:34:57Z"]""", seen["event_times"]!.ToJsonString());
        Assert.Equal("""[400,"BadRequest"]""", seen["whole_second_micro_time"]!.ToJsonString());
    }
}
