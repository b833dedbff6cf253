using System.Diagnostics;

namespace KubeGen.Testing.Tests.Infrastructure;

/// <summary>
/// Runs the real kubectl against an emulator through the kubeconfig it writes, with its own cache
/// directory and HOME. Tests that need kubectl skip when it is not installed, except on CI (env
/// <c>CI</c> set), where its absence fails.
/// </summary>
public sealed class Kubectl(string kubeconfig, string workDirectory)
{
    public static readonly string? Executable = Find();

    private static string? Find()
    {
        foreach (string candidate in new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "kubectl"))))
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static void Require()
    {
        if (Executable is not null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail("kubectl is required on CI (install Debian's kubernetes-client) but was not found");
        }

        Assert.Skip("kubectl is not installed; install it to run the kubectl acceptance tests");
    }

    /// <summary>A kubectl process with the emulator's kubeconfig, not yet started.</summary>
    public ProcessStartInfo StartInfo(params string[] args)
    {
        var start = new ProcessStartInfo(Executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(workDirectory, "cache") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = workDirectory;
        return start;
    }

    public async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using Process process = Process.Start(StartInfo(["--request-timeout=20s", .. args]))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(Emulator.Ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(Emulator.Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Emulator.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in 60 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task<string> OkAsync(params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(args);
        Assert.True(exit == 0, $"kubectl {string.Join(' ', args)} exited {exit}: {error}{output}");
        return output;
    }
}
