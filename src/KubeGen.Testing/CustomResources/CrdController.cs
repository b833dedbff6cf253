using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Lifecycle;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.CustomResources;

/// <summary>
/// apiextensions-apiserver's controllers for a CustomResourceDefinition: serving its resources as soon
/// as it is stored (discovery, the REST paths, OpenAPI), its status (<c>acceptedNames</c>, the
/// <c>NamesAccepted</c> and <c>Established</c> conditions, <c>storedVersions</c>), and, when it is
/// deleted, the <c>customresourcecleanup.apiextensions.k8s.io</c> finalizer's work: every instance
/// is deleted, then the finalizer goes, then the CRD and its resources.
/// </summary>
internal sealed class CrdController(ObjectStore store, ApiCatalog catalog, Deleter deleter, ControllerWrites writes) : IClusterController
{
    public static readonly ResourceKey Key = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    private readonly Dictionary<string, List<string>> _definitions = new(StringComparer.Ordinal);

    public void Observe(StoreEvent change, WorkQueue queue)
    {
        if (change.Resource == Key)
        {
            queue.Add(this, change.Name);
        }
        else if (change.Type == "DELETED" && catalog.Find(change.Resource.Group, change.Resource.Version, change.Resource.Plural) is { DefinedBy: string crd })
        {
            // A deleting CRD waits for its instances.
            queue.Add(this, crd);
        }
    }

    public void Run(string key, WorkQueue queue)
    {
        JsonObject? crd = store.Get(Key, "", key);
        if (crd is null || ObjectRef.Of(Key, crd) is not ObjectRef reference)
        {
            Serve(key, []);
            return;
        }

        if (crd["metadata"]?["deletionTimestamp"] is not null)
        {
            if (Deleter.Finalizers(crd).Contains(CleanupFinalizer))
            {
                Cleanup(key, reference);
            }

            return;
        }

        CrdDefinition definition = CrdDefinition.Read(crd);
        List<(ApiResource Resource, JsonElement Schema)> resources = CrdResources.For(definition);
        List<ApiResource> refused = Serve(key, resources);
        writes.Update(reference, obj => SetStatus(obj, definition, refused));
    }

    /// <summary>Serves the resources (and their schemas) in place of the ones this CRD served before.</summary>
    private List<ApiResource> Serve(string crdName, List<(ApiResource Resource, JsonElement Schema)> resources)
    {
        List<ApiResource> refused = catalog.ServeDefinedBy(crdName, [.. resources.Select(r => r.Resource)]);
        foreach (string stale in _definitions.GetValueOrDefault(crdName) ?? [])
        {
            catalog.Schemas.RemoveDefinition(stale);
        }

        var defined = new List<string>();
        foreach ((ApiResource resource, JsonElement schema) in resources.Where(r => !refused.Contains(r.Resource)))
        {
            catalog.Schemas.SetDefinition(resource.DefinitionName!, schema);
            defined.Add(resource.DefinitionName!);
        }

        _definitions[crdName] = defined;
        return refused;
    }

    private void Cleanup(string crdName, ObjectRef crd)
    {
        int remaining = 0;
        foreach (ApiResource resource in catalog.Resources.Where(r => r.DefinedBy == crdName).ToList())
        {
            foreach (JsonObject instance in store.List(resource.Key, null).Items)
            {
                remaining++;
                if (instance["metadata"]?["deletionTimestamp"] is null)
                {
                    deleter.Delete(resource, ApiHandler.MetaString(instance, "namespace") ?? "", ApiHandler.MetaString(instance, "name")!, new DeleteRequest(Uid: ApiHandler.MetaString(instance, "uid"), Propagation: "Background"));
                }
            }
        }

        remaining = catalog.Resources.Where(r => r.DefinedBy == crdName).Sum(r => store.List(r.Key, null).Items.Count);
        writes.Update(crd, obj =>
        {
            if (remaining > 0)
            {
                return SetCondition(obj, "Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress");
            }

            return Deleter.RemoveFinalizer(obj, CleanupFinalizer);
        });
    }

    private static bool SetStatus(JsonObject crd, CrdDefinition definition, List<ApiResource> refused)
    {
        JsonObject before = crd["status"]?.DeepClone() as JsonObject ?? new JsonObject();
        JsonObject status = crd["status"] as JsonObject ?? new JsonObject();
        crd["status"] = status;
        var accepted = new JsonObject
        {
            ["kind"] = definition.Kind,
            ["listKind"] = definition.ListKind,
            ["plural"] = definition.Plural,
            ["singular"] = definition.Singular,
        };
        if (definition.ShortNames.Count > 0)
        {
            accepted["shortNames"] = new JsonArray([.. definition.ShortNames.Select(s => (JsonNode)JsonValue.Create(s))]);
        }

        if (definition.Categories.Count > 0)
        {
            accepted["categories"] = new JsonArray([.. definition.Categories.Select(s => (JsonNode)JsonValue.Create(s))]);
        }

        if (refused.Count == 0)
        {
            status["acceptedNames"] = accepted;
            SetCondition(crd, "NamesAccepted", "True", "NoConflicts", "no conflicts found");
            SetCondition(crd, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted");
        }
        else
        {
            status["acceptedNames"] = new JsonObject { ["kind"] = "", ["plural"] = "" };
            SetCondition(crd, "NamesAccepted", "False", "NameConflict", $"\"{definition.Plural}\" is already in use");
            SetCondition(crd, "Established", "False", "NotAccepted", "not all names are accepted");
        }

        // Once a version has been stored, it stays listed until someone removes it from status.
        var stored = (status["storedVersions"] as JsonArray ?? []).Select(v => v?.GetValue<string>()).OfType<string>().ToList();
        foreach (CrdVersion version in definition.Versions.Where(v => v.Storage && !stored.Contains(v.Name)))
        {
            stored.Add(version.Name);
        }

        status["storedVersions"] = new JsonArray([.. stored.Select(v => (JsonNode)JsonValue.Create(v))]);
        return !JsonNode.DeepEquals(before, status);
    }

    /// <summary>Sets a condition, keeping its lastTransitionTime when its status stays.</summary>
    public static bool SetCondition(JsonObject crd, string type, string status, string reason, string message)
    {
        JsonObject statusObject = crd["status"] as JsonObject ?? new JsonObject();
        crd["status"] = statusObject;
        JsonArray conditions = statusObject["conditions"] as JsonArray ?? [];
        statusObject["conditions"] = conditions;
        JsonObject? existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
        if (existing is not null && existing["status"]?.GetValue<string>() == status && existing["reason"]?.GetValue<string>() == reason && existing["message"]?.GetValue<string>() == message)
        {
            return false;
        }

        string time = existing is not null && existing["status"]?.GetValue<string>() == status ? existing["lastTransitionTime"]?.GetValue<string>() ?? ApiHandler.Now() : ApiHandler.Now();
        var condition = new JsonObject { ["type"] = type, ["status"] = status, ["lastTransitionTime"] = time, ["reason"] = reason, ["message"] = message };
        if (existing is not null)
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }
        else
        {
            conditions.Add(condition);
        }

        return true;
    }
}
