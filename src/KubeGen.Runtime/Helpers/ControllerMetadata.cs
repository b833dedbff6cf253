namespace KubeGen.Runtime;

/// <summary>The one message for metadata that lacks <see cref="IKubeControllerMetadata"/>.</summary>
internal static class ControllerMetadata
{
    public static InvalidOperationException Missing(IKubeObjectMetadata metadata)
        => new($"{metadata.GetType().Name} does not implement IKubeControllerMetadata (finalizers, owner references, managed fields). "
            + "Generated ObjectMeta types do when their spec gives them finalizers, ownerReferences (of meta/v1 OwnerReference) and "
            + "managedFields; otherwise implement it in a partial class (docs/controllers.md, \"The generated types' part\").");
}
