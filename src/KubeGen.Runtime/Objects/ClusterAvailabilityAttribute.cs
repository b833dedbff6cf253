namespace KubeGen.Runtime;

/// <summary>
/// On a generated member of a client of several clusters: only some of the clusters serve it. KubeGen's
/// analyzer reports a warning (KGEN0022) wherever the member is used, naming the clusters that lack it.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property | AttributeTargets.Method, Inherited = false)]
public sealed class ClusterAvailabilityAttribute : Attribute
{
    /// <summary>Marks a member served by some clusters only.</summary>
    /// <param name="servedBy">The clusters that serve it, as "name (version)", comma-separated.</param>
    /// <param name="missingFrom">The clusters that do not.</param>
    public ClusterAvailabilityAttribute(string servedBy, string missingFrom)
    {
        ServedBy = servedBy;
        MissingFrom = missingFrom;
    }

    /// <summary>The clusters that serve the member.</summary>
    public string ServedBy { get; }

    /// <summary>The clusters that do not.</summary>
    public string MissingFrom { get; }
}
