using System.Diagnostics;
using System.Globalization;

namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A long-running child process (a native app under test): its output lines as they arrive, waits
/// for a line, SIGTERM to stop it, and a kill of the whole tree as the last resort (on dispose).
/// </summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _lines = [];
    private readonly List<string> _errors = [];
    private readonly Lock _gate = new();
    private bool _reported;

    private RunningProcess(Process process, string name, ITestOutputHelper output)
    {
        _process = process;
        _name = name;
        _output = output;
    }

    /// <summary>Standard output so far, one entry per line.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>Standard error so far, one entry per line.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_gate)
            {
                return _errors.ToArray();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="fileName"/> with the environment of this process plus <paramref name="environment"/>.</summary>
    public static RunningProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IEnumerable<KeyValuePair<string, string>> environment,
        string name,
        ITestOutputHelper output)
    {
        ProcessStartInfo startInfo = ProcessRunner.StartInfo(fileName, arguments, workingDirectory);
        foreach ((string key, string value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var running = new RunningProcess(process, name, output);
        process.OutputDataReceived += (_, e) => running.Append(e.Data, running._lines);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data, running._errors);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits until stdout has exactly this line.</summary>
    public Task WaitForLineAsync(string line, TimeSpan timeout, CancellationToken cancellationToken)
        => WaitForLineAsync(l => l == line, $"'{line}'", timeout, cancellationToken);

    /// <summary>Waits until a stdout line satisfies <paramref name="match"/>; fails the test (with the output) after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string description, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string? found = Lines.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{_name} did not print {description} within {timeout.TotalSeconds:0} s{(_process.HasExited ? $" (it exited with {_process.ExitCode})" : string.Empty)}.\n{Describe()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>SIGTERM, then waits for the exit; kills the process when it does not exit in time.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    /// <summary>Waits for the process to exit by itself; kills it and fails the test when it does not in time.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"{_name} did not exit within {timeout.TotalSeconds:0} s.\n{Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>Writes the output to the test output once.</summary>
    public void Report()
    {
        if (_reported)
        {
            return;
        }

        _reported = true;
        _output.WriteLine($"---- {_name} ----\n{Describe()}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(limit.Token);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
    }

    private string Describe() => $"stdout:\n{string.Join('\n', Lines)}\nstderr:\n{string.Join('\n', ErrorLines)}";

    private void Append(string? line, List<string> target)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.Add(line);
        }
    }
}
