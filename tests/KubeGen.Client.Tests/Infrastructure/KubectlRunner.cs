using System.Diagnostics;

namespace KubeGen.Client.Tests.Infrastructure;

/// <summary>
/// The real kubectl (Debian's kubernetes-client), run against a kubeconfig with a throw-away home and cache, bounded
/// in time. Tests that need it skip when it is not installed, except on CI (CI set), where its absence fails.
/// </summary>
internal static class KubectlRunner
{
    private static readonly string? Path = Find();

    public static void Require()
    {
        if (Path is not null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail("kubectl is required on CI (install Debian's kubernetes-client) but was not found");
        }

        Assert.Skip("kubectl is not installed; install it to run the kubectl tests");
    }

    public static async Task<(int Exit, string Out, string Err)> RunAsync(string kubeconfig, string work, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["--kubeconfig", kubeconfig, "--cache-dir", System.IO.Path.Combine(work, "kubectl-cache"), "--request-timeout=20s", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = work;
        start.Environment.Remove("KUBECONFIG");
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
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

    private static string? Find()
        => new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries).Select(p => System.IO.Path.Combine(p, "kubectl")))
            .FirstOrDefault(File.Exists);
}
