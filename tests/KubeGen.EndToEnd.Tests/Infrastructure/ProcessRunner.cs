using System.Diagnostics;
using System.Text;

namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>What a finished (or killed) child process printed.</summary>
public sealed record ProcessResult(
    int ExitCode,
    bool TimedOut,
    TimeSpan Duration,
    IReadOnlyList<string> StandardOutput,
    IReadOnlyList<string> StandardError,
    IReadOnlyList<string> Combined)
{
    public string CombinedText => string.Join('\n', Combined);
}

/// <summary>Runs a child process with captured output and a hard time limit (the whole process tree is killed).</summary>
public static class ProcessRunner
{
    /// <summary>A process with redirected UTF-8 stdout and stderr, no shell.</summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ProcessStartInfo startInfo = StartInfo(fileName, arguments, workingDirectory);
        startInfo.RedirectStandardInput = true;
        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var stdout = new List<string>();
        var stderr = new List<string>();
        var combined = new List<string>();
        var gate = new object();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data, stdout);
        process.ErrorDataReceived += (_, e) => Append(e.Data, stderr);

        var clock = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        bool timedOut = false;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            // Also waits for the end of both redirected streams.
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                // A grandchild still holds the pipes; report what was captured so far.
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        clock.Stop();
        lock (gate)
        {
            return new ProcessResult(
                process.HasExited ? process.ExitCode : -1,
                timedOut,
                clock.Elapsed,
                stdout.ToArray(),
                stderr.ToArray(),
                combined.ToArray());
        }

        void Append(string? line, List<string> target)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                target.Add(line);
                combined.Add(line);
            }
        }
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (string directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
