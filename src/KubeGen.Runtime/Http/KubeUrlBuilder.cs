using System.Globalization;
using System.Text;

namespace KubeGen.Runtime;

/// <summary>
/// Builds the path and query of a Kubernetes API request. Literal text comes from the API
/// specification and is appended as is; user values are validated and escaped so that each one
/// stays exactly one path segment (a name such as <c>../secrets</c> can never reach another path).
/// </summary>
public sealed class KubeUrlBuilder
{
    private readonly StringBuilder _path;
    private StringBuilder? _query;

    /// <summary>Starts a URL with trusted literal text, for example <c>/api/v1/namespaces/</c>.</summary>
    /// <param name="literalPrefix">Trusted text from the API specification; it should start with '/'.</param>
    public KubeUrlBuilder(string literalPrefix)
    {
        ArgumentNullException.ThrowIfNull(literalPrefix);
        _path = new StringBuilder(literalPrefix, Math.Max(64, literalPrefix.Length + 64));
    }

    /// <summary>Appends trusted literal text from the API specification as is.</summary>
    public KubeUrlBuilder AppendLiteral(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        _path.Append(literal);
        return this;
    }

    /// <summary>
    /// Appends a user-supplied value as exactly one escaped path segment.
    /// </summary>
    /// <param name="value">The value, for example a namespace or an object name.</param>
    /// <param name="parameterName">The name of the caller's parameter, used in exceptions.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="value"/> is empty or whitespace, is <c>.</c> or <c>..</c>, or contains '/' or '%'.
    /// The API server rejects such names, and sending them could address a different path.
    /// </exception>
    public KubeUrlBuilder AppendSegment(string? value, string parameterName)
    {
        ValidateSegment(value, parameterName);
        _path.Append(Uri.EscapeDataString(value));
        return this;
    }

    /// <summary>Adds <c>name=value</c> to the query; a null value adds nothing.</summary>
    public KubeUrlBuilder AddQuery(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is not null)
        {
            AppendQuery(name, value);
        }

        return this;
    }

    /// <summary>Adds <c>name=true</c> or <c>name=false</c> to the query; a null value adds nothing.</summary>
    public KubeUrlBuilder AddQuery(string name, bool? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is { } v)
        {
            AppendQuery(name, v ? "true" : "false");
        }

        return this;
    }

    /// <summary>Adds <c>name=value</c> to the query; a null value adds nothing.</summary>
    public KubeUrlBuilder AddQuery(string name, int? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is { } v)
        {
            AppendQuery(name, v.ToString(CultureInfo.InvariantCulture));
        }

        return this;
    }

    /// <summary>Adds <c>name=value</c> to the query; a null value adds nothing.</summary>
    public KubeUrlBuilder AddQuery(string name, long? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is { } v)
        {
            AppendQuery(name, v.ToString(CultureInfo.InvariantCulture));
        }

        return this;
    }

    /// <summary>
    /// Adds <c>name=</c> the time in RFC 3339, UTC to the second, as the API server reads a <c>metav1.Time</c> query
    /// parameter (<c>sinceTime</c> of a log); a null value adds nothing.
    /// </summary>
    public KubeUrlBuilder AddQuery(string name, DateTimeOffset? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is { } v)
        {
            AppendQuery(name, v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        return this;
    }

    /// <summary>
    /// Adds <c>name=value</c> once per value (for example <c>dryRun=All</c>); null values and a
    /// null sequence add nothing.
    /// </summary>
    public KubeUrlBuilder AddQuery(string name, IEnumerable<string>? values)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (values is not null)
        {
            foreach (string? value in values)
            {
                if (value is not null)
                {
                    AppendQuery(name, value);
                }
            }
        }

        return this;
    }

    /// <summary>Returns the path followed by <c>?</c> and the query, or only the path when there is no query.</summary>
    public override string ToString()
        => _query is null ? _path.ToString() : string.Concat(_path.ToString(), "?", _query.ToString());

    private void AppendQuery(string name, string value)
    {
        if (_query is null)
        {
            _query = new StringBuilder();
        }
        else
        {
            _query.Append('&');
        }

        _query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static void ValidateSegment([System.Diagnostics.CodeAnalysis.NotNull] string? value, string parameterName)
    {
        if (value is null)
        {
            throw new ArgumentNullException(parameterName);
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException(
                $"The value of '{parameterName}' must not be empty or whitespace: it is used as a path segment of the request URL.",
                parameterName);
        }

        if (value is "." or "..")
        {
            throw new ArgumentException(
                $"The value of '{parameterName}' must not be '.' or '..': Kubernetes rejects such names and they would change the request path.",
                parameterName);
        }

        int bad = value.AsSpan().IndexOfAny('/', '%');
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"The value of '{parameterName}' must not contain '{value[bad]}': Kubernetes names cannot contain it and it would change the request path.",
                parameterName);
        }
    }
}
