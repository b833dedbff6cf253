namespace KubeGen.Runtime;

/// <summary>
/// A server-side apply without <c>force</c> was refused (409) because other field managers own fields it sets. The
/// <see cref="Conflicts"/> name them and their fields (parsed from the Status causes, reason <c>FieldManagerConflict</c>).
/// Apply with <see cref="ApplyOptions.Force"/> to take the fields over, or stop setting them.
/// </summary>
public sealed class ApplyConflictException : Exception
{
    /// <summary>Creates the exception from the API server's 409.</summary>
    public ApplyConflictException(KubeApiException inner)
        : base(FormatMessage(inner, Parse(inner)), inner)
    {
        Conflicts = Parse(inner);
    }

    /// <summary>The conflicting fields and who owns them; may be empty when the server gave no causes.</summary>
    public IReadOnlyList<ApplyConflict> Conflicts { get; }

    /// <summary>The other managers, each once, in the order the server listed them.</summary>
    public IReadOnlyList<string> Managers => [.. Conflicts.Select(c => c.Manager).Distinct(StringComparer.Ordinal)];

    /// <summary>The API server's answer.</summary>
    public KubeApiException ApiException => (KubeApiException)InnerException!;

    /// <summary>Whether <paramref name="exception"/> is the 409 of a server-side apply conflict (and not, say, a stale resourceVersion).</summary>
    public static bool IsApplyConflict(KubeApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.IsConflict
            && (exception.Status.Details?.Causes.Any(c => c.Reason == FieldManagerConflict) == true
                || exception.Status.Message?.StartsWith("Apply failed with", StringComparison.Ordinal) == true);
    }

    private const string FieldManagerConflict = "FieldManagerConflict";

    /// <summary>Reads each cause: <c>conflict with "manager"[ with subresource "status"][ using apps/v1]</c>, and its field.</summary>
    private static List<ApplyConflict> Parse(KubeApiException exception)
    {
        var conflicts = new List<ApplyConflict>();
        foreach (KubeStatusCause cause in exception.Status.Details?.Causes ?? [])
        {
            if (cause.Reason != FieldManagerConflict || cause.Message is not { } message || QuotedAfter(message, "conflict with ") is not { } manager)
            {
                continue;
            }

            string? subresource = QuotedAfter(message, " with subresource ");
            string? apiVersion = null;
            int usingAt = message.LastIndexOf(" using ", StringComparison.Ordinal);
            if (usingAt >= 0)
            {
                apiVersion = message[(usingAt + " using ".Length)..].Trim();
                apiVersion = apiVersion.Length == 0 ? null : apiVersion;
            }

            conflicts.Add(new ApplyConflict(manager, cause.Field, apiVersion, subresource));
        }

        return conflicts;
    }

    private static string? QuotedAfter(string text, string prefix)
    {
        int start = text.IndexOf(prefix + "\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += prefix.Length + 1;
        int end = text.IndexOf('"', start);
        return end > start ? text[start..end] : null;
    }

    private static string FormatMessage(KubeApiException inner, List<ApplyConflict> conflicts)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (conflicts.Count == 0)
        {
            return $"Server-side apply conflicted with other field managers: {inner.Status.Message}";
        }

        IEnumerable<string> fields = conflicts.Select(c => $"{c.Field ?? "?"} (owned by \"{c.Manager}\"{(c.Subresource is null ? "" : $" via {c.Subresource}")})");
        return $"Server-side apply conflicted with other field managers on {string.Join(", ", fields)}. Apply with force to take the fields over, or stop setting them.";
    }
}
