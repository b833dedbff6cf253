using KubeGen.Runtime;

// The controller adapters the generator will emit (docs/controllers.md, "Adapters"): with them the cache's default
// transform drops managedFields. Delete this file when the generated ObjectMeta implements IKubeControllerMetadata.
namespace WatchBench.Kube.MetaV1
{
    public sealed partial class ObjectMeta : IKubeControllerMetadata
    {
        IEnumerable<IKubeOwnerReference>? IKubeControllerMetadata.OwnerReferences => OwnerReferences;

        void IKubeControllerMetadata.ClearManagedFields() => ManagedFields = null;
    }

    public sealed partial class OwnerReference : IKubeOwnerReference;
}
