using System.Globalization;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>What a DELETE asks for (DeleteOptions and the query), read once by the handler.</summary>
internal sealed record DeleteRequest(
    string? Uid = null,
    string? ResourceVersion = null,
    string? Propagation = null,
    bool? OrphanDependents = null,
    long? GracePeriodSeconds = null,
    bool DryRun = false)
{
    public static readonly DeleteRequest Background = new(Propagation: "Background");
}

/// <summary>The object a delete answers with, and whether it is gone (false: marked, waiting for finalizers or a grace period).</summary>
internal sealed record DeleteOutcome(JsonObject Object, bool Removed);

/// <summary>
/// One object's delete, as kube-apiserver's generic registry store does it (<c>Store.Delete</c>,
/// <c>rest.BeforeDelete</c>): preconditions; the garbage collector's finalizers (<c>orphan</c>,
/// <c>foregroundDeletion</c>) from the propagation policy, the object's own finalizers and the
/// kind's default; an object with finalizers is only marked (<c>deletionTimestamp</c>,
/// <c>deletionGracePeriodSeconds: 0</c>, generation + 1); a Pod on a node is deleted gracefully
/// (marked with its grace period; <see cref="PodTermination"/> plays the kubelet); a Namespace goes
/// Terminating first (<see cref="NamespaceController"/> empties it). What follows a delete (dependents,
/// namespace contents) is the controllers' work, started by the store's change events.
/// </summary>
internal sealed class Deleter(ObjectStore store)
{
    public const string OrphanFinalizer = "orphan";
    public const string ForegroundFinalizer = "foregroundDeletion";
    public const string NamespaceFinalizer = "kubernetes";

    private static readonly ResourceKey NamespacesKey = new("", "v1", "namespaces");
    private static readonly ResourceKey DefinitionsKey = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    /// <summary>The namespaces the NamespaceLifecycle admission plugin never lets go.</summary>
    private static readonly HashSet<string> ImmortalNamespaces = new(StringComparer.Ordinal) { "default", "kube-system", "kube-public" };

    /// <exception cref="StatusException">404, 409 for a failed precondition or a namespace already terminating, 403 for an immortal namespace.</exception>
    public DeleteOutcome Delete(ApiResource resource, string ns, string name, DeleteRequest request)
    {
        bool isNamespace = resource.Key == NamespacesKey;
        if (isNamespace && ImmortalNamespaces.Contains(name))
        {
            throw StatusErrors.Forbidden("", "namespaces", name, "this namespace may not be deleted");
        }

        JsonObject? answer = null;
        bool removed = false;
        store.Mutate(resource.Key, ns, name, (current, _) =>
        {
            if (current is null)
            {
                throw StatusErrors.NotFound(resource, name);
            }

            CheckPreconditions(resource, name, current, request);
            bool marked = ApiHandler.MetaString(current, "deletionTimestamp") is not null;
            Mutation mutation = isNamespace && !marked ? StartTermination(current)
                : resource.Key == DefinitionsKey && !marked ? StartDefinitionCleanup(resource, current, request)
                : Decide(resource, name, current, request, isNamespace);
            switch (mutation)
            {
                case Mutation.Put put:
                    answer = put.Object;
                    break;
                case Mutation.Remove:
                    answer = current;
                    removed = true;
                    break;
                default:
                    answer = current;
                    break;
            }

            return request.DryRun ? Mutation.None : mutation;
        });

        // The stored copy carries the new resourceVersion.
        JsonObject result = !request.DryRun && !removed ? store.Get(resource.Key, ns, name) ?? answer! : answer!;
        return new DeleteOutcome(result, removed);
    }

    private static void CheckPreconditions(ApiResource resource, string name, JsonObject current, DeleteRequest request)
    {
        if (request.Uid is not null && request.Uid != ApiHandler.MetaString(current, "uid"))
        {
            throw StatusErrors.Conflict(resource, name, $"Precondition failed: UID in precondition: {request.Uid}, UID in object meta: {ApiHandler.MetaString(current, "uid")}");
        }

        if (request.ResourceVersion is not null && request.ResourceVersion != ApiHandler.MetaString(current, "resourceVersion"))
        {
            throw StatusErrors.Conflict(resource, name, $"Precondition failed: ResourceVersion in precondition: {request.ResourceVersion}, ResourceVersion in object meta: {ApiHandler.MetaString(current, "resourceVersion")}");
        }
    }

    /// <summary>The namespace registry's first delete: Terminating, with a deletionTimestamp; the namespace controller does the rest.</summary>
    private static Mutation StartTermination(JsonObject current)
    {
        JsonObject target = current.DeepClone().AsObject();
        ApiHandler.Metadata(target)["deletionTimestamp"] = ApiHandler.Now();
        JsonObject status = target["status"] as JsonObject ?? new JsonObject();
        status["phase"] = "Terminating";
        target["status"] = status;
        return new Mutation.Put(target);
    }

    /// <summary>
    /// The CRD registry's first delete: the cleanup finalizer (the CRD controller deletes every
    /// instance, then removes it) and a <c>Terminating</c> condition; then the generic delete marks it.
    /// </summary>
    private static Mutation StartDefinitionCleanup(ApiResource resource, JsonObject current, DeleteRequest request)
    {
        List<string> finalizers = GarbageCollectionFinalizers(resource, Finalizers(current), request);
        if (!finalizers.Contains(CleanupFinalizer))
        {
            finalizers.Add(CleanupFinalizer);
        }

        JsonObject target = WithFinalizers(current, finalizers);
        JsonObject metadata = ApiHandler.Metadata(target);
        metadata["deletionTimestamp"] = ApiHandler.Now();
        metadata["deletionGracePeriodSeconds"] = 0;
        CustomResources.CrdController.SetCondition(target, "Terminating", "True", "InstanceDeletionPending", "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon");
        return new Mutation.Put(target);
    }

    private static Mutation Decide(ApiResource resource, string name, JsonObject current, DeleteRequest request, bool isNamespace)
    {
        JsonObject metadata = ApiHandler.Metadata(current);
        if (isNamespace && current["spec"]?["finalizers"] is JsonArray { Count: > 0 })
        {
            throw StatusErrors.Conflict(resource, name, "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.");
        }

        List<string> finalizers = Finalizers(current);
        List<string> wanted = GarbageCollectionFinalizers(resource, finalizers, request);
        bool finalizersChange = !finalizers.Order(StringComparer.Ordinal).SequenceEqual(wanted.Order(StringComparer.Ordinal), StringComparer.Ordinal);

        if (metadata["deletionTimestamp"] is not null)
        {
            // Already being deleted: a pending grace period may only be cut short (to 0 it ends now);
            // otherwise only the garbage collector's finalizers may still change.
            long pendingGrace = Serialization.JsonNodes.TryGetInt64(metadata["deletionGracePeriodSeconds"], out long g) ? g : 0;
            if (pendingGrace > 0)
            {
                // The kubelet's (or a forced) delete with grace 0 ends the grace period; finalizers still hold the object.
                if (request.GracePeriodSeconds is not <= 0)
                {
                    return Mutation.None;
                }

                if (wanted.Count == 0)
                {
                    return new Mutation.Remove();
                }

                JsonObject ended = WithFinalizers(current, wanted);
                ApiHandler.Metadata(ended)["deletionGracePeriodSeconds"] = 0;
                return new Mutation.Put(ended);
            }

            if (wanted.Count == 0)
            {
                return new Mutation.Remove();
            }

            return finalizersChange ? new Mutation.Put(WithFinalizers(current, wanted)) : Mutation.None;
        }

        long grace = GracePeriod(resource, current, request);
        if (grace > 0 || wanted.Count > 0)
        {
            JsonObject target = WithFinalizers(current, wanted);
            JsonObject targetMetadata = ApiHandler.Metadata(target);
            targetMetadata["deletionTimestamp"] = grace > 0
                ? DateTimeOffset.UtcNow.AddSeconds(grace).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                : ApiHandler.Now();
            targetMetadata["deletionGracePeriodSeconds"] = grace;

            // Controllers of an object being deleted must stop acting on it: its generation moves.
            if (Serialization.JsonNodes.TryGetInt64(targetMetadata["generation"], out long generation) && generation > 0)
            {
                targetMetadata["generation"] = generation + 1;
            }

            return new Mutation.Put(target);
        }

        return new Mutation.Remove();
    }

    /// <summary>
    /// A Pod's grace period (its strategy's <c>CheckGracefulDelete</c>): the request's, else the
    /// spec's <c>terminationGracePeriodSeconds</c>, else 30; 0 for a Pod no node runs or one that has
    /// finished. Other kinds are never deleted gracefully.
    /// </summary>
    private static long GracePeriod(ApiResource resource, JsonObject current, DeleteRequest request)
    {
        if (resource.Group.Length != 0 || resource.Kind != "Pod")
        {
            return 0;
        }

        string node = current["spec"]?["nodeName"] is JsonValue n && n.TryGetValue(out string? text) ? text : "";
        string phase = current["status"]?["phase"] is JsonValue p && p.TryGetValue(out string? value) ? value : "";
        if (node.Length == 0 || phase is "Succeeded" or "Failed")
        {
            return 0;
        }

        long grace = request.GracePeriodSeconds
            ?? (Serialization.JsonNodes.TryGetInt64(current["spec"]?["terminationGracePeriodSeconds"], out long spec) ? spec : 30);

        // Negative values mean 1 s on the delete path.
        return grace < 0 ? 1 : grace;
    }

    /// <summary>
    /// The finalizers the object keeps for the garbage collector (store.go's
    /// <c>deletionFinalizersForGarbageCollection</c>): <c>orphan</c> for the Orphan policy (or
    /// <c>orphanDependents: true</c>, or the kind's default), <c>foregroundDeletion</c> for Foreground;
    /// without a policy in the request, the object's own choice stands.
    /// </summary>
    private static List<string> GarbageCollectionFinalizers(ApiResource resource, List<string> finalizers, DeleteRequest request)
    {
        bool orphan;
        bool foreground;
        if (request.OrphanDependents is bool orphanDependents)
        {
            orphan = orphanDependents;
            foreground = false;
        }
        else if (request.Propagation is string policy)
        {
            orphan = policy == "Orphan";
            foreground = policy == "Foreground";
        }
        else if (finalizers.Contains(OrphanFinalizer) || finalizers.Contains(ForegroundFinalizer))
        {
            orphan = finalizers.Contains(OrphanFinalizer);
            foreground = finalizers.Contains(ForegroundFinalizer) && !orphan;
        }
        else
        {
            orphan = OrphansByDefault(resource);
            foreground = false;
        }

        List<string> result = [.. finalizers.Where(f => f is not (OrphanFinalizer or ForegroundFinalizer))];
        if (orphan)
        {
            result.Add(OrphanFinalizer);
        }

        if (foreground)
        {
            result.Add(ForegroundFinalizer);
        }

        return result;
    }

    /// <summary>The kinds whose registry strategy defaults to orphaning: ReplicationControllers in v1 and the legacy workload versions.</summary>
    private static bool OrphansByDefault(ApiResource resource)
        => (resource.Group, resource.Version, resource.Kind) switch
        {
            ("", "v1", "ReplicationController") => true,
            ("extensions", "v1beta1", _) or ("apps", "v1beta1" or "v1beta2", _) => true,
            _ => false,
        };

    public static List<string> Finalizers(JsonObject obj)
        => obj["metadata"]?["finalizers"] is JsonArray list
            ? [.. list.Select(f => f is JsonValue v && v.TryGetValue(out string? s) ? s : null).OfType<string>()]
            : [];

    public static JsonObject WithFinalizers(JsonObject obj, IReadOnlyCollection<string> finalizers)
    {
        JsonObject target = obj.DeepClone().AsObject();
        SetFinalizers(target, finalizers);
        return target;
    }

    /// <summary>Removes one finalizer from <paramref name="obj"/> in place; false when it did not have it.</summary>
    public static bool RemoveFinalizer(JsonObject obj, string finalizer)
    {
        List<string> finalizers = Finalizers(obj);
        if (!finalizers.Remove(finalizer))
        {
            return false;
        }

        SetFinalizers(obj, finalizers);
        return true;
    }

    private static void SetFinalizers(JsonObject obj, IReadOnlyCollection<string> finalizers)
    {
        JsonObject metadata = ApiHandler.Metadata(obj);
        if (finalizers.Count == 0)
        {
            metadata.Remove("finalizers");
        }
        else
        {
            metadata["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)JsonValue.Create(f))]);
        }
    }
}
