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
        CheckNamespace(resource, ns);
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
    /// Whether <c>metadata.generation</c> counts the object's spec changes: for kinds with a spec,
    /// except the built-ins whose registry strategies never set it (Services, Namespaces, Nodes).
    /// </summary>
    private static bool TracksGeneration(ApiResource resource, JsonObject obj)
        => obj.ContainsKey("spec") && !(resource.Group.Length == 0 && resource.Kind is "Service" or "Namespace" or "Node");

    private void CheckNamespace(ApiResource resource, string ns)
    {
        if (resource.Namespaced && NamespacesServed && _store.Get(NamespacesKey, "", ns) is null)
        {
            throw StatusErrors.NamespaceNotFound(ns);
        }
    }
}
