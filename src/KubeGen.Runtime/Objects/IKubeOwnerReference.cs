namespace KubeGen.Runtime;

/// <summary>meta/v1 OwnerReference; generated <c>OwnerReference</c> types implement it with their own properties.</summary>
public interface IKubeOwnerReference
{
    /// <summary>The owner's apiVersion ("v1", "apps/v1").</summary>
    string ApiVersion { get; }

    /// <summary>The owner's kind.</summary>
    string Kind { get; }

    /// <summary>The owner's name (same namespace as the owned object, or cluster-scoped).</summary>
    string Name { get; }

    /// <summary>The owner's uid: a new object of the same name is another owner.</summary>
    string Uid { get; }

    /// <summary>Whether the owner is the managing controller; at most one reference has it.</summary>
    bool? Controller { get; }

    /// <summary>Whether foreground deletion of the owner waits for this object.</summary>
    bool? BlockOwnerDeletion { get; }
}
