using KubeGen.Runtime;

namespace KubeGen.Samples;

/// <summary>
/// A child object that an operator derives from its owner and server-side applies: named after the owner
/// (<c>&lt;owner&gt;&lt;suffix&gt;</c>), marked with the <c>app.kubernetes.io/managed-by</c> label (which the operator's cache
/// of its children selects on), and compared with the cached one the way apply sees it.
/// </summary>
/// <param name="Suffix">What the child's name adds to its owner's (<c>-summary</c>).</param>
/// <param name="ManagedBy">The managed-by label's value, the operator's name.</param>
internal sealed record OwnedChild(string Suffix, string ManagedBy)
{
    /// <summary>The label that marks the operator's children.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    /// <summary>An object name's limit (DNS-1123 subdomain).</summary>
    private const int MaxNameLength = 253;

    /// <summary>The label selector of the operator's children.</summary>
    public string Selector => ManagedByLabel + "=" + ManagedBy;

    public string NameFor(string ownerName) => ownerName + Suffix;

    public bool NameFits(string ownerName) => ownerName.Length + Suffix.Length <= MaxNameLength;

    /// <summary>The labels the operator applies on a child.</summary>
    public Dictionary<string, string> Labels() => new(StringComparer.Ordinal) { [ManagedByLabel] = ManagedBy };

    /// <summary>
    /// Whether the cached child already carries everything the operator applies: the same controller, the managed-by label,
    /// and every data value it sets (fields other managers added are theirs and do not count). Then it needs no write, so a
    /// reconcile that finds nothing new sends nothing.
    /// </summary>
    public bool IsUpToDate(IKubeObject observed, IDictionary<string, string>? observedData, IKubeOwnerReference owner, IDictionary<string, string> desiredData)
        => OwnerReferences.ControllerOf(observed) is { } controller
            && controller.Uid == owner.Uid
            && controller.Name == owner.Name
            && observed.ObjectMetadata?.Labels?.TryGetValue(ManagedByLabel, out string? managedBy) == true
            && managedBy == ManagedBy
            && observedData is not null
            && desiredData.All(entry => observedData.TryGetValue(entry.Key, out string? value) && value == entry.Value);
}
