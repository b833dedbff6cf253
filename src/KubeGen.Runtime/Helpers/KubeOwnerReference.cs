namespace KubeGen.Runtime;

/// <summary>An owner reference as a value: what <see cref="OwnerReferences"/> builds for applied objects.</summary>
/// <param name="ApiVersion">The owner's apiVersion.</param>
/// <param name="Kind">The owner's kind.</param>
/// <param name="Name">The owner's name.</param>
/// <param name="Uid">The owner's uid.</param>
/// <param name="Controller">Whether the owner is the managing controller.</param>
/// <param name="BlockOwnerDeletion">Whether foreground deletion of the owner waits for the owned object.</param>
public sealed record KubeOwnerReference(string ApiVersion, string Kind, string Name, string Uid, bool? Controller = null, bool? BlockOwnerDeletion = null) : IKubeOwnerReference;
