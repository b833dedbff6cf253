namespace KubeGen.Runtime;

/// <summary>
/// meta/v1 Condition (and condition types of the same shape in CRDs); generated condition types implement it.
/// <see cref="Conditions"/> works over lists of them.
/// </summary>
public interface IKubeCondition
{
    /// <summary>The condition's type, in CamelCase ("Ready"); unique in its list.</summary>
    string Type { get; set; }

    /// <summary>"True", "False" or "Unknown".</summary>
    string Status { get; set; }

    /// <summary>A CamelCase reason for the last transition.</summary>
    string? Reason { get; set; }

    /// <summary>A human-readable message.</summary>
    string? Message { get; set; }

    /// <summary>When the status last changed.</summary>
    DateTimeOffset? LastTransitionTime { get; set; }

    /// <summary>The metadata.generation the condition was set for; null for condition types without the field.</summary>
    long? ObservedGeneration { get; set; }
}
