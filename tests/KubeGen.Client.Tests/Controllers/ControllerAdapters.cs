using KubeGen.Runtime;

// The adapters the generator emits once it implements the controller runtime's seams (docs/controllers.md, "Adapters");
// until then an application writes these few lines. Delete this file when the generated types carry them.
namespace ClientTests.Kube.MetaV1
{
    public sealed partial class ObjectMeta : IKubeControllerMetadata
    {
        IEnumerable<IKubeOwnerReference>? IKubeControllerMetadata.OwnerReferences => OwnerReferences;

        void IKubeControllerMetadata.ClearManagedFields() => ManagedFields = null;
    }

    public sealed partial class OwnerReference : IKubeOwnerReference;
}

namespace ClientTests.Kube.StableV1
{
    public sealed partial class CronTabStatusConditionsItem : IKubeCondition
    {
        // The CRD's condition has no observedGeneration.
        long? IKubeCondition.ObservedGeneration
        {
            get => null;
            set { }
        }
    }
}
