namespace KubeGen.Runtime;

/// <summary>
/// Supplies the bearer token: a static token, or a token file that is re-read when its
/// modification time changes, when the cached value is a minute old, and on demand after a 401
/// (service-account tokens are rotated by the kubelet). The token is never logged or formatted.
/// </summary>
internal sealed class BearerTokenSource
{
    /// <summary>How long a token read from the file is used without reading the file again.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly string? _staticToken;
    private readonly string? _tokenFile;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private string? _fileToken;
    private DateTime _fileModified;
    private DateTimeOffset _readAt;
    private bool _hasRead;

    public BearerTokenSource(string? staticToken, string? tokenFile, TimeProvider? timeProvider = null)
    {
        _staticToken = string.IsNullOrWhiteSpace(staticToken) ? null : staticToken.Trim();
        if (_staticToken is not null && !IsValidToken(_staticToken))
        {
            throw new ArgumentException(InvalidTokenMessage("KubeConnectionOptions.Token"), nameof(staticToken));
        }

        _tokenFile = string.IsNullOrWhiteSpace(tokenFile) ? null : tokenFile;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Whether the token can change (it comes from a file).</summary>
    public bool CanRefresh => _tokenFile is not null;

    /// <summary>The number of times the token file was read (for tests).</summary>
    internal int FileReads { get; private set; }

    /// <summary>The token to send now, or null for anonymous requests.</summary>
    public string? GetToken()
    {
        if (_tokenFile is null)
        {
            return _staticToken;
        }

        lock (_gate)
        {
            if (!_hasRead
                || _time.GetUtcNow() - _readAt >= RefreshInterval
                || File.GetLastWriteTimeUtc(_tokenFile) != _fileModified)
            {
                ReadFile(throwIfUnavailable: _fileToken is null && _staticToken is null);
            }

            return _fileToken ?? _staticToken;
        }
    }

    /// <summary>
    /// Re-reads the token file after the server rejected <paramref name="rejectedToken"/>.
    /// </summary>
    /// <returns>The new token when it differs from the rejected one; otherwise null.</returns>
    public string? RefreshAfterUnauthorized(string? rejectedToken)
    {
        if (_tokenFile is null)
        {
            return null;
        }

        lock (_gate)
        {
            ReadFile(throwIfUnavailable: false);
            string? current = _fileToken ?? _staticToken;
            return current is not null && !string.Equals(current, rejectedToken, StringComparison.Ordinal) ? current : null;
        }
    }

    /// <summary>Replaces every occurrence of a known token in <paramref name="text"/>.</summary>
    public string Redact(string text)
    {
        text = RedactOne(text, _staticToken);
        return RedactOne(text, _fileToken);
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

    private void ReadFile(bool throwIfUnavailable)
    {
        string path = _tokenFile!;
        DateTime modified = File.GetLastWriteTimeUtc(path);
        string? token = null;
        Exception? failure = null;
        try
        {
            token = File.ReadAllText(path).Trim();
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

        FileReads++;
        _hasRead = true;
        _readAt = _time.GetUtcNow();
        if (token is not null)
        {
            _fileToken = token;
            _fileModified = modified;
            return;
        }

        // Keep the last good token (a rotation may be in progress); try again next time.
        _fileModified = default;
        if (throwIfUnavailable)
        {
            throw new InvalidOperationException(
                $"Cannot read the bearer token file '{path}': {failure!.Message}", failure);
        }
    }
}
