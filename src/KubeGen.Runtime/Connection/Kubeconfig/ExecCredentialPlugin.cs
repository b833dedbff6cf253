using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KubeGen.Runtime;

/// <summary>
/// A kubeconfig user's <c>exec</c> credential plugin (how EKS, GKE, AKS and OIDC logins work): runs the command with
/// <c>KUBERNETES_EXEC_INFO</c> set, reads the <c>ExecCredential</c> it prints, and keeps it until its
/// <c>expirationTimestamp</c>, or until the server answers 401, then runs the command again. One run at a time;
/// requests that arrive during a run wait for it. The credential reaches only the primary handler
/// (<see cref="BearerCredential"/>, the TLS client certificate), exactly like a token file's token.
/// </summary>
internal sealed class ExecCredentialPlugin : ICredentialPlugin, IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    // A plugin's stderr (a hint on what went wrong) is quoted in errors, up to this much of its end.
    private const int MaxStderrChars = 4096;

    // An ExecCredential is a few kilobytes; anything far larger is not one.
    private const int MaxOutputBytes = 1024 * 1024;

    private const int RememberedTokens = 4;

    private readonly ExecPluginConfig _config;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ExecCredential? _current;
    private string[] _knownTokens = [];
    private int _runs;

    public ExecCredentialPlugin(ExecPluginConfig config, TimeProvider? timeProvider = null)
    {
        _config = config;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many times the plugin ran (for tests).</summary>
    internal int Runs => Volatile.Read(ref _runs);

    /// <summary>The client certificate of the current credential, for TLS handshakes; null when it has none.</summary>
    public X509Certificate2? CurrentCertificate => Volatile.Read(ref _current)?.Certificate;

    /// <summary>The current credential's token, running the plugin first when there is none or it expired.</summary>
    /// <exception cref="KubeconfigException">The plugin is missing, failed, timed out or printed no usable ExecCredential.</exception>
    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        ExecCredential? current = Volatile.Read(ref _current);
        if (current is not null && IsValid(current))
        {
            return current.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = Volatile.Read(ref _current);
            if (current is null || !IsValid(current))
            {
                current = await RunAsync(cancellationToken).ConfigureAwait(false);
            }

            return current.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// After a 401 for <paramref name="rejectedToken"/>: the token another request already got, else the plugin's
    /// new one. Returns null when the plugin gives the same token again (retrying would get the same answer).
    /// </summary>
    public async ValueTask<string?> RefreshAfterUnauthorizedAsync(string? rejectedToken, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ExecCredential? current = Volatile.Read(ref _current);
            if (current is null || string.Equals(current.Token, rejectedToken, StringComparison.Ordinal))
            {
                current = await RunAsync(cancellationToken).ConfigureAwait(false);
            }

            return current.Token is not null && !string.Equals(current.Token, rejectedToken, StringComparison.Ordinal) ? current.Token : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The tokens this plugin returned lately, for redaction.</summary>
    public IReadOnlyList<string> KnownTokens => Volatile.Read(ref _knownTokens);

    public void Dispose()
    {
        Volatile.Read(ref _current)?.Certificate?.Dispose();
        _gate.Dispose();
    }

    private bool IsValid(ExecCredential credential) => credential.Expires is not { } expires || _time.GetUtcNow() < expires;

    private async Task<ExecCredential> RunAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        bool interactive = _config.InteractiveMode switch
        {
            "Never" => false,
            "Always" => !Console.IsInputRedirected
                ? true
                : throw Error("interactiveMode is Always, but standard input is not a terminal, so the plugin cannot ask anything."),
            _ => !Console.IsInputRedirected,
        };

        var start = new ProcessStartInfo
        {
            FileName = _config.Command,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            // Interactive plugins talk to the user on stdin/stderr (client-go passes both through);
            // otherwise stdin is closed and stderr is kept for the error message.
            RedirectStandardInput = !interactive,
            RedirectStandardError = !interactive,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string arg in _config.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in _config.Env)
        {
            start.Environment[name] = value;
        }

        start.Environment["KUBERNETES_EXEC_INFO"] = ExecCredential.Request(_config.ApiVersion, interactive, _config.ProvideClusterInfo ? _config.Cluster : null);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            string hint = string.IsNullOrWhiteSpace(_config.InstallHint) ? string.Empty : " " + _config.InstallHint.Trim();
            throw Error($"cannot run the exec plugin '{_config.Command}': {ex.Message}.{hint}", ex);
        }

        if (!interactive)
        {
            process.StandardInput.Close();
        }

        Task<byte[]> stdout = ReadBoundedAsync(process.StandardOutput.BaseStream);
        Task<string> stderr = interactive ? Task.FromResult(string.Empty) : process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_config.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            string? partial = await SafeAsync(stderr).ConfigureAwait(false);
            throw Error(string.Create(
                CultureInfo.InvariantCulture,
                $"the exec plugin '{_config.Command}' did not finish within {_config.Timeout.TotalSeconds:0.###} s and was stopped (KubeConnectOptions.ExecPluginTimeout){StderrSuffix(partial)}"));
        }

        byte[] output = await SafeAsync(stdout).ConfigureAwait(false) ?? [];
        string? errorText = await SafeAsync(stderr).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw Error(string.Create(
                CultureInfo.InvariantCulture,
                $"the exec plugin '{_config.Command}' exited with code {process.ExitCode}{StderrSuffix(errorText)}"));
        }

        if (output.Length > MaxOutputBytes)
        {
            throw Error($"the exec plugin '{_config.Command}' printed more than {MaxOutputBytes} bytes; an ExecCredential is far smaller.");
        }

        ExecCredential credential = ExecCredential.Parse(output, _config.ApiVersion, problem => Error($"the exec plugin '{_config.Command}' {problem}"));
        ExecCredential? previous = Interlocked.Exchange(ref _current, credential);
        if (credential.Token is not null)
        {
            Remember(credential.Token);
        }

        // TLS handshakes in progress may still hold the previous certificate: leave it to the finalizer.
        _ = previous;
        return credential;
    }

    private KubeconfigException Error(string problem, Exception? inner = null) => KubeconfigException.At(_config.File, _config.Field, problem, inner);

    private static string StderrSuffix(string? stderr)
    {
        string text = (stderr ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            return ".";
        }

        if (text.Length > MaxStderrChars)
        {
            text = "…" + text[^MaxStderrChars..];
        }

        return ". Its error output:\n" + text;
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length <= MaxOutputBytes)
            {
                buffer.Write(chunk, 0, read);
            }
        }

        return buffer.ToArray();
    }

    private static async Task<T?> SafeAsync<T>(Task<T> task)
    {
        try
        {
            // The pipes close when the process (tree) ends; a grandchild that keeps them open must not hang us.
            return await task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            return default;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private void Remember(string token)
    {
        string[] known = Volatile.Read(ref _knownTokens);
        if (Array.IndexOf(known, token) < 0)
        {
            Volatile.Write(ref _knownTokens, known.Length < RememberedTokens ? [.. known, token] : [.. known.AsSpan(1), token]);
        }
    }
}

/// <summary>A user's <c>exec</c> section, read and checked (client-go's <c>ExecConfig</c>), with where it came from.</summary>
internal sealed record ExecPluginConfig(
    string Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    string ApiVersion,
    string? InstallHint,
    bool ProvideClusterInfo,
    string InteractiveMode,
    ExecClusterInfo Cluster,
    TimeSpan Timeout,
    string File,
    string Field);
