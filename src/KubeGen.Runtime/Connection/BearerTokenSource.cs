namespace KubeGen.Runtime;

/// <summary>
/// Supplies the bearer token: a static token, or a token file that is re-read when what it points at
/// changes (its real path or modification time, so the kubelet's <c>..data</c> symlink swap is seen),
/// when the cached value is a minute old, and on demand after a 401. The token is never logged or formatted.
/// </summary>
/// <remarks>
/// Checking the file's stamp costs a few metadata calls per request; reading it happens only when the
/// stamp changed. While one request reads the file, the others keep sending the last good token instead
/// of queueing behind the read, and a failed read keeps the last good token. Only a request that has no
/// token at all waits for a read.
/// </remarks>
internal sealed class BearerTokenSource
{
    /// <summary>How long a token read from the file is used without reading the file again.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    // Old tokens may still show up in error bodies (a server echoing what it rejected); these are redacted too.
    private const int RememberedTokens = 4;

    private readonly string? _staticToken;
    private readonly string? _tokenFile;
    private readonly TimeProvider _time;
    private readonly Func<string, string> _readFile;
    private readonly object _firstReadGate = new();
    private Snapshot? _snapshot;
    private int _refreshing;
    private int _fileReads;
    private string[] _knownTokens = [];

    private readonly ICredentialPlugin? _plugin;

    public BearerTokenSource(string? staticToken, string? tokenFile, TimeProvider? timeProvider = null, Func<string, string>? readFile = null, ICredentialPlugin? plugin = null)
    {
        _plugin = plugin;
        _staticToken = string.IsNullOrWhiteSpace(staticToken) ? null : staticToken.Trim();
        if (_staticToken is not null && !IsValidToken(_staticToken))
        {
            throw new ArgumentException(InvalidTokenMessage("KubeConnectionOptions.Token"), nameof(staticToken));
        }

        _tokenFile = string.IsNullOrWhiteSpace(tokenFile) ? null : tokenFile;
        _time = timeProvider ?? TimeProvider.System;
        _readFile = readFile ?? File.ReadAllText;
    }

    /// <summary>Whether the token can change (it comes from a file).</summary>
    public bool CanRefresh => _tokenFile is not null || _plugin is not null;

    /// <summary>
    /// The token to send now: the exec plugin's (running it when its credential expired), else <see cref="GetToken"/>'s.
    /// A kubeconfig user with a plugin and a token uses the token only when the plugin gives none (a certificate instead).
    /// </summary>
    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
        => _plugin is null ? GetToken() : await _plugin.GetTokenAsync(cancellationToken).ConfigureAwait(false) ?? GetToken();

    /// <summary>After a 401: the exec plugin run again, else <see cref="RefreshAfterUnauthorized"/>.</summary>
    public async ValueTask<string?> RefreshAfterUnauthorizedAsync(string? rejectedToken, CancellationToken cancellationToken)
        => _plugin is null ? RefreshAfterUnauthorized(rejectedToken) : await _plugin.RefreshAfterUnauthorizedAsync(rejectedToken, cancellationToken).ConfigureAwait(false);

    /// <summary>The number of times the token file was read (for tests).</summary>
    internal int FileReads => Volatile.Read(ref _fileReads);

    /// <summary>The token to send now, or null for anonymous requests.</summary>
    /// <exception cref="InvalidOperationException">The token file cannot be read and there is no token to fall back to.</exception>
    public string? GetToken()
    {
        if (_tokenFile is null)
        {
            return _staticToken;
        }

        Snapshot? current = Volatile.Read(ref _snapshot);
        if (current?.Token is null && _staticToken is null)
        {
            // Nothing to send yet: this request has to wait for a read (one at a time; they would all read the same file).
            lock (_firstReadGate)
            {
                current = Volatile.Read(ref _snapshot);
                if (current?.Token is null)
                {
                    current = Read(current, throwIfUnavailable: true);
                }

                return current.Token;
            }
        }

        if (current is not null && IsCurrent(current))
        {
            return current.Token ?? _staticToken;
        }

        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            // Another request is reading the file right now: do not queue behind its I/O.
            return current?.Token ?? _staticToken;
        }

        try
        {
            current = Read(current, throwIfUnavailable: false);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }

        return current.Token ?? _staticToken;
    }

    /// <summary>
    /// Gets the token to retry with after the server rejected <paramref name="rejectedToken"/>: the token
    /// another request already refreshed to, else the token file read again.
    /// </summary>
    /// <returns>The new token when it differs from the rejected one; otherwise null.</returns>
    public string? RefreshAfterUnauthorized(string? rejectedToken)
    {
        if (_tokenFile is null)
        {
            return null;
        }

        Snapshot? current = Volatile.Read(ref _snapshot);
        if (current?.Token is null || string.Equals(current.Token, rejectedToken, StringComparison.Ordinal))
        {
            current = Read(current, throwIfUnavailable: false);
        }

        string? token = current.Token ?? _staticToken;
        return token is not null && !string.Equals(token, rejectedToken, StringComparison.Ordinal) ? token : null;
    }

    /// <summary>Replaces every occurrence of a known token (the static one and recent file tokens) in <paramref name="text"/>.</summary>
    public string Redact(string text)
    {
        text = RedactOne(text, _staticToken);
        foreach (string token in Volatile.Read(ref _knownTokens))
        {
            text = RedactOne(text, token);
        }

        if (_plugin is not null)
        {
            foreach (string token in _plugin.KnownTokens)
            {
                text = RedactOne(text, token);
            }
        }

        return text;
    }

    private static string RedactOne(string text, string? token)
        => token is { Length: >= 4 } && text.Contains(token, StringComparison.Ordinal)
            ? text.Replace(token, "[REDACTED]", StringComparison.Ordinal)
            : text;

    // RFC 6750 tokens are visible ASCII; anything else would break the header (and could end up in an error message).
    private static bool IsValidToken(string token)
    {
        foreach (char c in token)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static string InvalidTokenMessage(string source)
        => $"The bearer token in {source} contains whitespace, control or non-ASCII characters, which an HTTP Authorization header cannot carry.";

    private bool IsCurrent(Snapshot snapshot)
        => _time.GetUtcNow() - snapshot.ReadAt < RefreshInterval
            && FileStamp.Of(_tokenFile!) == snapshot.Stamp;

    private Snapshot Read(Snapshot? previous, bool throwIfUnavailable)
    {
        string path = _tokenFile!;
        // Taken before the read: if the file changes while it is read, the next request sees a newer stamp and reads again.
        FileStamp stamp = FileStamp.Of(path);
        string? token = null;
        Exception? failure = null;
        try
        {
            token = _readFile(path).Trim();
            if (token.Length == 0)
            {
                token = null;
                failure = new InvalidDataException("the file is empty");
            }
            else if (!IsValidToken(token))
            {
                token = null;
                failure = new InvalidDataException(InvalidTokenMessage("the file"));
            }
        }
        catch (IOException ex)
        {
            failure = ex;
        }
        catch (UnauthorizedAccessException ex)
        {
            failure = ex;
        }

        Interlocked.Increment(ref _fileReads);

        // A failed read keeps the last good token (a rotation may be in progress) and is retried when
        // the file changes, after the refresh interval, or after a 401.
        var next = new Snapshot(token ?? previous?.Token, stamp, _time.GetUtcNow());
        Volatile.Write(ref _snapshot, next);
        if (token is not null)
        {
            Remember(token);
        }
        else if (throwIfUnavailable && next.Token is null && _staticToken is null)
        {
            throw new InvalidOperationException(
                $"Cannot read the bearer token file '{path}': {failure!.Message}", failure);
        }

        return next;
    }

    private void Remember(string token)
    {
        while (true)
        {
            string[] known = Volatile.Read(ref _knownTokens);
            if (Array.IndexOf(known, token) >= 0)
            {
                return;
            }

            string[] updated = known.Length < RememberedTokens
                ? [.. known, token]
                : [.. known.AsSpan(1), token];
            if (Interlocked.CompareExchange(ref _knownTokens, updated, known) == known)
            {
                return;
            }
        }
    }

    private sealed record Snapshot(string? Token, FileStamp Stamp, DateTimeOffset ReadAt);
}
