using KubeGen.Runtime;

// The controller runtime's seams on the generated metadata types (docs/controllers.md, "Adapters"): finalizers, owner
// references and managedFields for the helpers and the cache's default transform. A KubeGen version whose generator emits
// these makes this file unnecessary (and a duplicate: delete it then).
namespace ConfigMapOperator.Kube.MetaV1
{
    public sealed partial class ObjectMeta : IKubeControllerMetadata
    {
        IEnumerable<IKubeOwnerReference>? IKubeControllerMetadata.OwnerReferences => OwnerReferences;

        void IKubeControllerMetadata.ClearManagedFields() => ManagedFields = null;
    }

    public sealed partial class OwnerReference : IKubeOwnerReference;
}
