namespace KubeGen.Runtime;

/// <summary>The one message for metadata that lacks <see cref="IKubeControllerMetadata"/>.</summary>
internal static class ControllerMetadata
{
    public static InvalidOperationException Missing(IKubeObjectMetadata metadata)
        => new($"{metadata.GetType().Name} does not implement IKubeControllerMetadata (finalizers, owner references, managed fields). "
            + "Generated ObjectMeta types do from the KubeGen version that adds the controller runtime; with an older generator add the "
            + "partial class adapter shown in docs/controllers.md (Adapters).");
}
