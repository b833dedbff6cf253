namespace KubeGen.Runtime;

/// <summary>
/// meta/v1 Conditions in a status list, as apimachinery's <c>meta.SetStatusCondition</c> keeps them: one entry per type,
/// <c>lastTransitionTime</c> moves only when the status changes, and <c>observedGeneration</c> says which spec was seen.
/// </summary>
public static class Conditions
{
    /// <summary>The condition status values.</summary>
    public const string True = "True";

    /// <inheritdoc cref="True"/>
    public const string False = "False";

    /// <inheritdoc cref="True"/>
    public const string Unknown = "Unknown";

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static TCondition? Find<TCondition>(IEnumerable<TCondition>? conditions, string type)
        where TCondition : class, IKubeCondition
        => conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>Whether the condition of <paramref name="type"/> is "True".</summary>
    public static bool IsTrue<TCondition>(IEnumerable<TCondition>? conditions, string type)
        where TCondition : class, IKubeCondition
        => Find(conditions, type)?.Status == True;

    /// <summary>
    /// Sets the condition of <paramref name="type"/> in <paramref name="conditions"/>, adding it when missing. The transition time is
    /// <paramref name="now"/> when the entry is new or its status changes, and kept otherwise.
    /// </summary>
    /// <returns>Whether anything changed: write the status only then, so a reconcile that finds nothing new sends nothing.</returns>
    public static bool Set<TCondition>(IList<TCondition> conditions, string type, string status, string reason, string? message, long? observedGeneration, DateTimeOffset now)
        where TCondition : class, IKubeCondition, new()
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(status);
        // The API server stores Times in whole seconds: a sub-second value would read back different and look like a change.
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        TCondition? existing = Find(conditions, type);
        if (existing is null)
        {
            conditions.Add(new TCondition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = now,
            });
            return true;
        }

        bool changed = false;
        if (existing.Status != status)
        {
            existing.Status = status;
            existing.LastTransitionTime = now;
            changed = true;
        }

        changed |= Update(existing.Reason, reason, v => existing.Reason = v);
        changed |= Update(existing.Message, message, v => existing.Message = v);
        if (existing.ObservedGeneration != observedGeneration)
        {
            existing.ObservedGeneration = observedGeneration;
            changed = true;
        }

        return changed;
    }

    /// <summary>Removes the condition of <paramref name="type"/>; whether it was there.</summary>
    public static bool Remove<TCondition>(IList<TCondition> conditions, string type)
        where TCondition : class, IKubeCondition
    {
        ArgumentNullException.ThrowIfNull(conditions);
        TCondition? existing = Find(conditions, type);
        return existing is not null && conditions.Remove(existing);
    }

    private static bool Update(string? current, string? wanted, Action<string?> set)
    {
        if (string.Equals(current, wanted, StringComparison.Ordinal))
        {
            return false;
        }

        set(wanted);
        return true;
    }
}
