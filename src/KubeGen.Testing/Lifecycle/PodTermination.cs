using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>
/// The kubelet's side of a graceful Pod delete: when its Pod is marked with a grace period, the
/// kubelet stops the containers and deletes the Pod with grace period 0. The emulator runs no
/// containers, so it confirms at once; the Pod's watchers still see the Terminating state first.
/// </summary>
internal sealed class PodTermination(ApiCatalog catalog, OwnerIndex owners, Deleter deleter) : IClusterController
{
    private static readonly ResourceKey PodsKey = new("", "v1", "pods");

    public void Observe(StoreEvent change, WorkQueue queue)
    {
        if (change.Resource == PodsKey && change.Type != "DELETED"
            && Serialization.JsonNodes.TryGetInt64(change.Object["metadata"]?["deletionGracePeriodSeconds"], out long grace) && grace > 0
            && ApiHandler.MetaString(change.Object, "uid") is string uid)
        {
            queue.Add(this, uid);
        }
    }

    public void Run(string key, WorkQueue queue)
    {
        if (owners.Find(key) is ObjectRef pod && catalog.Find("", "v1", "pods") is ApiResource pods)
        {
            deleter.Delete(pods, pod.Namespace, pod.Name, new DeleteRequest(Uid: key, GracePeriodSeconds: 0));
        }
    }
}
