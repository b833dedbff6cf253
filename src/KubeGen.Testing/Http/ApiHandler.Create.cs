using System.Text.Json.Nodes;
using KubeGen.Testing.Conversion;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>POST of a new object: generated names, the fields the server sets, namespace existence.</summary>
internal sealed partial class ApiHandler
{
    private const string NameChars = "bcdfghjklmnpqrstvwxz2456789";

    private async Task CreateAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        if (info.Subresource is not null || info.Name is not null)
        {
            throw StatusErrors.MethodNotAllowed();
        }

        if (resource.DefinedBy is string definedBy && _store.Get(CustomResources.CrdController.Key, "", definedBy)?["metadata"]?["deletionTimestamp"] is not null)
        {
            // A CRD being deleted serves its instances until they are gone, but takes no new ones.
            throw StatusErrors.MethodNotSupported(resource.Group, resource.Plural, "create");
        }

        JsonObject obj = await ReadObjectAsync(context, resource);
        Normalize(obj, resource, info);
        JsonObject metadata = Metadata(obj);
        string name = MetaString(obj, "name") ?? "";
        string generateName = MetaString(obj, "generateName") ?? "";
        if (name.Length == 0 && generateName.Length > 0)
        {
            name = generateName + string.Concat(Enumerable.Range(0, 5).Select(_ => NameChars[Random.Shared.Next(NameChars.Length)]));
            metadata["name"] = name;
        }

        if (MetaString(obj, "resourceVersion") is { Length: > 0 })
        {
            throw StatusErrors.InternalError("resourceVersion should not be set on objects to be created");
        }

        FieldValidation validation = FieldValidation.Of(context);
        validation.Unknown(_conversions.Apply(obj, resource, current: null));
        validation.Settle(context, error => StatusErrors.CannotBeHandled(resource, error));
        obj = await MutateOnCreateAsync(context, info, obj);
        PrepareForCreate(obj, resource);
        Validate(obj, resource);
        string ns = info.ObjectNamespace;
        CheckNamespace(resource, ns, MetaString(obj, "name"));
        _fields.TrackUpdate(null, obj, SchemaOf(resource), ScopeOf(resource, null), FieldManagerOf(context, "unknown"), resource.GroupVersion, null, Now());
        await ValidateOnCreateAsync(context, info, obj);
        if (IsDryRun(context))
        {
            if (_store.Get(resource.Key, ns, name) is not null)
            {
                throw StatusErrors.AlreadyExists(resource, name);
            }

            await WriteJsonAsync(context, 201, obj);
            return;
        }

        JsonObject stored = _store.Mutate(resource.Key, ns, name, (current, _) =>
            current is not null ? throw StatusErrors.AlreadyExists(resource, name) : new Mutation.Put(obj))!;
        _controllers.Settle();
        await WriteJsonAsync(context, 201, stored);
    }

    private static void PrepareForCreate(JsonObject obj, ApiResource resource)
    {
        JsonObject metadata = Metadata(obj);
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Now();
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        metadata.Remove("managedFields");
        metadata.Remove("generation");
        if (TracksGeneration(resource, obj))
        {
            metadata["generation"] = 1;
        }

        if (resource.HasStatus)
        {
            obj.Remove("status");
            switch (resource.Group, resource.Kind)
            {
                case ("", "Pod"):
                    obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = PodDefaults.QosClass(obj) };
                    break;
                case ("", "Service"):
                    obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
                    break;
                case ("", "Namespace"):
                    obj["status"] = new JsonObject { ["phase"] = "Active" };
                    break;
            }
        }
    }

    /// <summary>
    /// Whether <c>metadata.generation</c> counts the object's spec changes: for custom resources
    /// (their strategy always sets it) and kinds with a spec, except the built-ins whose registry
    /// strategies never set it (Services, Namespaces, Nodes).
    /// </summary>
    private static bool TracksGeneration(ApiResource resource, JsonObject obj)
        => resource.IsCustom || (obj.ContainsKey("spec") && !(resource.Group.Length == 0 && resource.Kind is "Service" or "Namespace" or "Node"));

    /// <summary>
    /// The NamespaceLifecycle admission plugin: a namespaced object can only be created in a namespace
    /// that exists (404) and is not being deleted (403).
    /// </summary>
    private void CheckNamespace(ApiResource resource, string ns, string? name)
    {
        if (!resource.Namespaced || !NamespacesServed)
        {
            return;
        }

        JsonObject namespaceObject = _store.Get(NamespacesKey, "", ns) ?? throw StatusErrors.NamespaceNotFound(ns);
        if (Lifecycle.NamespaceController.IsTerminating(namespaceObject))
        {
            throw StatusErrors.Forbidden(resource.Group, resource.Plural, name, $"unable to create new content in namespace {ns} because it is being terminated");
        }
    }
}
