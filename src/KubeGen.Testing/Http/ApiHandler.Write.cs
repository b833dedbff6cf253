using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeGen.Testing.Patching;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

internal sealed partial class ApiHandler
{
    private const string DnsSubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string DnsLabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string NameChars = "bcdfghjklmnpqrstvwxz2456789";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex QualifiedName();

    private static string FieldManagerOf(HttpContext context, string fallback)
    {
        if (Query(context, "fieldManager") is string manager)
        {
            return manager;
        }

        string agent = context.Request.Headers.UserAgent.ToString();
        int slash = agent.IndexOf('/', StringComparison.Ordinal);
        string prefix = slash > 0 ? agent[..slash] : agent;
        return prefix.Length > 0 ? prefix : fallback;
    }

    private static bool IsDryRun(HttpContext context) => Query(context, "dryRun") == "All";

    private JsonElement? SchemaOf(ApiResource resource) => _catalog.Schemas.Definition(resource.DefinitionName);

    private static FieldScope ScopeOf(ApiResource resource, string? subresource)
        => subresource == "status" ? FieldScope.StatusOnly : resource.HasStatus ? FieldScope.MainWithoutStatus : FieldScope.All;

    // ---- create -------------------------------------------------------------------------

    private async Task CreateAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        if (info.Subresource is not null || info.Name is not null)
        {
            throw StatusErrors.MethodNotAllowed();
        }

        JsonObject obj = await ReadObjectAsync(context);
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

        PrepareForCreate(obj, resource);
        Validate(obj, resource);
        string ns = info.ObjectNamespace;
        CheckNamespace(resource, ns);
        _fields.TrackUpdate(null, obj, SchemaOf(resource), ScopeOf(resource, null), FieldManagerOf(context, "unknown"), resource.GroupVersion, null, Now());
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
        if (obj.ContainsKey("spec"))
        {
            metadata["generation"] = 1;
        }

        if (resource.HasStatus)
        {
            obj.Remove("status");
            switch (resource.Group, resource.Kind)
            {
                case ("", "Pod"):
                    obj["status"] = new JsonObject { ["phase"] = "Pending" };
                    break;
                case ("", "Namespace"):
                    obj["status"] = new JsonObject { ["phase"] = "Active" };
                    break;
            }
        }
    }

    private void CheckNamespace(ApiResource resource, string ns)
    {
        if (resource.Namespaced && NamespacesServed && _store.Get(NamespacesKey, "", ns) is null)
        {
            throw StatusErrors.NamespaceNotFound(ns);
        }
    }

    /// <summary>Checks type meta and namespace against the request and fills what is missing.</summary>
    private static void Normalize(JsonObject obj, ApiResource resource, RequestInfo info)
    {
        string? apiVersion = obj["apiVersion"] is JsonValue av && av.TryGetValue(out string? a) ? a : null;
        string? kind = obj["kind"] is JsonValue kv && kv.TryGetValue(out string? k) ? k : null;
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != resource.GroupVersion)
        {
            throw StatusErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({resource.GroupVersion})");
        }

        if (!string.IsNullOrEmpty(kind) && kind != resource.Kind)
        {
            throw StatusErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({resource.Kind})");
        }

        obj["apiVersion"] = resource.GroupVersion;
        obj["kind"] = resource.Kind;
        if (obj.TryGetPropertyValue("metadata", out JsonNode? m) && m is not null and not JsonObject)
        {
            throw StatusErrors.BadRequest("json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta");
        }

        JsonObject metadata = Metadata(obj);
        foreach (string map in new[] { "labels", "annotations" })
        {
            if (metadata.TryGetPropertyValue(map, out JsonNode? node) && node is not null)
            {
                if (node is not JsonObject entries || entries.Any(e => e.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
                {
                    throw StatusErrors.BadRequest($"json: cannot unmarshal into Go struct field ObjectMeta.metadata.{map} of type string");
                }
            }
        }

        if (resource.Namespaced)
        {
            string? bodyNs = MetaString(obj, "namespace");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != info.Namespace)
            {
                throw StatusErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            metadata["namespace"] = info.Namespace;
        }
        else
        {
            metadata.Remove("namespace");
        }

        if (info.Name is not null)
        {
            string? bodyName = MetaString(obj, "name");
            if (string.IsNullOrEmpty(bodyName))
            {
                metadata["name"] = info.Name;
            }
            else if (bodyName != info.Name)
            {
                throw StatusErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({info.Name})");
            }
        }
    }

    private void Validate(JsonObject obj, ApiResource resource)
    {
        var causes = new List<FieldCause>();
        string name = MetaString(obj, "name") ?? "";
        if (name.Length == 0)
        {
            causes.Add(new FieldCause("FieldValueRequired", "metadata.name", "name or generateName is required"));
        }
        else
        {
            bool label = resource.Group.Length == 0 && resource.Plural is "namespaces" or "services";
            if (label ? !DnsLabel().IsMatch(name) || name.Length > 63 : !DnsSubdomain().IsMatch(name) || name.Length > 253)
            {
                causes.Add(new FieldCause("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {(label ? DnsLabelMessage : DnsSubdomainMessage)}"));
            }
        }

        if (obj["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (KeyValuePair<string, JsonNode?> label in labels)
            {
                if (!QualifiedName().IsMatch(label.Key))
                {
                    causes.Add(new FieldCause("FieldValueInvalid", "metadata.labels", $"Invalid value: \"{label.Key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
                }

                string value = label.Value?.GetValue<string>() ?? "";
                if (value.Length > 63)
                {
                    causes.Add(new FieldCause("FieldValueInvalid", "metadata.labels", $"Invalid value: \"{value}\": must be no more than 63 characters"));
                }
                else if (!LabelValue().IsMatch(value))
                {
                    causes.Add(new FieldCause("FieldValueInvalid", "metadata.labels", $"Invalid value: \"{value}\": {LabelValueMessage}"));
                }
            }
        }

        JsonElement? schema = SchemaOf(resource);
        if (schema is not null)
        {
            foreach (KeyValuePair<string, JsonNode?> entry in obj)
            {
                if (entry.Key is "metadata" or "apiVersion" or "kind")
                {
                    continue;
                }

                CheckRequired(entry.Value, _catalog.Schemas.Property(schema, entry.Key), entry.Key, causes, 0);
            }
        }

        if (causes.Count > 0)
        {
            throw StatusErrors.Invalid(resource, name, [.. causes]);
        }
    }

    private void CheckRequired(JsonNode? node, JsonElement? schema, string path, List<FieldCause> causes, int depth)
    {
        if (depth > 32 || schema is null)
        {
            return;
        }

        JsonElement? resolved = _catalog.Schemas.Resolve(schema);
        if (resolved is not { } s)
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                if (s.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement r in required.EnumerateArray())
                    {
                        if (r.GetString() is string field && !o.ContainsKey(field))
                        {
                            causes.Add(new FieldCause("FieldValueRequired", path + "." + field, ""));
                        }
                    }
                }

                if (s.TryGetProperty("properties", out JsonElement properties))
                {
                    foreach (KeyValuePair<string, JsonNode?> entry in o)
                    {
                        if (properties.TryGetProperty(entry.Key, out JsonElement property))
                        {
                            CheckRequired(entry.Value, property, path + "." + entry.Key, causes, depth + 1);
                        }
                    }
                }

                break;
            case JsonArray a when s.TryGetProperty("items", out JsonElement items):
                for (int i = 0; i < a.Count; i++)
                {
                    CheckRequired(a[i], items, $"{path}[{i}]", causes, depth + 1);
                }

                break;
        }
    }

    // ---- update, patch, apply -----------------------------------------------------------

    private async Task UpdateAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        if (info.Subresource == "scale")
        {
            JsonObject scale = await ReadScaleAsync(context);
            await CommitScaleAsync(context, info, _ => scale);
            return;
        }

        JsonObject body = await ReadObjectAsync(context);
        Normalize(body, resource, info);
        string manager = FieldManagerOf(context, "unknown");
        await CommitAsync(context, info, current =>
        {
            string? rv = MetaString(body, "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != MetaString(current, "resourceVersion"))
            {
                throw StatusErrors.Modified(resource, info.Name!);
            }

            string? uid = MetaString(body, "uid");
            if (!string.IsNullOrEmpty(uid) && uid != MetaString(current, "uid"))
            {
                throw StatusErrors.Conflict(resource, info.Name!, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {MetaString(current, "uid")}");
            }

            return body.DeepClone().AsObject();
        }, manager);
    }

    private async Task PatchAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        string mediaType = MediaType(context);
        bool force = QueryBool(context, "force");
        if (Query(context, "force") is not null && mediaType != "application/apply-patch+yaml")
        {
            throw StatusErrors.Invalid("meta.k8s.io", "PatchOptions", "", new FieldCause("FieldValueForbidden", "force", "may not be specified for non-apply patch"));
        }

        List<string> accepted = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];
        if (resource.SupportsStrategicMerge)
        {
            accepted.Add("application/strategic-merge-patch+json");
        }

        if (!accepted.Contains(mediaType))
        {
            throw StatusErrors.UnsupportedMediaType(mediaType, accepted);
        }

        byte[] body = await ReadBodyAsync(context);
        if (mediaType == "application/apply-patch+yaml")
        {
            await ApplyAsync(context, info, body, force);
            return;
        }

        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(body.Length == 0 ? "null"u8 : body);
        }
        catch (JsonException e)
        {
            throw StatusErrors.BadRequest($"error decoding patch: {e.Message}");
        }

        if (mediaType != "application/json-patch+json" && patch is not JsonObject)
        {
            throw StatusErrors.BadRequest("error decoding patch: json: cannot unmarshal into Go value of type map[string]interface {}");
        }

        Func<JsonObject, JsonObject> apply = current =>
        {
            try
            {
                JsonNode? patched = mediaType switch
                {
                    "application/json-patch+json" => JsonPatch.Apply(current, patch),
                    "application/merge-patch+json" => JsonMergePatch.Apply(current, patch),
                    _ => _strategic.Apply(current, (JsonObject)patch!, info.Subresource == "scale" ? null : SchemaOf(resource)),
                };
                return patched as JsonObject ?? throw StatusErrors.BadRequest("the patch produced something that is not an object");
            }
            catch (PatchException e)
            {
                throw new StatusException(422, StatusErrors.Status(422, "Invalid", e.Message));
            }
            catch (FormatException e)
            {
                throw StatusErrors.BadRequest(e.Message);
            }
        };

        if (info.Subresource == "scale")
        {
            await CommitScaleAsync(context, info, scale => apply(scale));
            return;
        }

        string manager = FieldManagerOf(context, "unknown");
        await CommitAsync(context, info, current =>
        {
            JsonObject patched = apply(current);
            string? rv = MetaString(patched, "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != MetaString(current, "resourceVersion"))
            {
                throw StatusErrors.Modified(resource, info.Name!);
            }

            CheckTypeMeta(patched, resource);
            Metadata(patched)["name"] = info.Name;
            if (resource.Namespaced)
            {
                Metadata(patched)["namespace"] = info.Namespace;
            }

            return patched;
        }, manager);
    }

    private static void CheckTypeMeta(JsonObject obj, ApiResource resource)
    {
        if (obj["apiVersion"]?.GetValue<string>() is string apiVersion && apiVersion != resource.GroupVersion)
        {
            throw StatusErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({resource.GroupVersion})");
        }

        if (obj["kind"]?.GetValue<string>() is string kind && kind != resource.Kind)
        {
            throw StatusErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({resource.Kind})");
        }

        obj["apiVersion"] = resource.GroupVersion;
        obj["kind"] = resource.Kind;
    }

    private async Task ApplyAsync(HttpContext context, RequestInfo info, byte[] body, bool force)
    {
        ApiResource resource = info.Resource!;
        if (Query(context, "fieldManager") is not string manager)
        {
            throw StatusErrors.BadRequest("PATCH /apply requires fieldManager to be set");
        }

        if (info.Subresource == "scale")
        {
            throw StatusErrors.UnsupportedMediaType("application/apply-patch+yaml", ["application/json-patch+json", "application/merge-patch+json"]);
        }

        JsonObject applied = ParseYaml(body) as JsonObject ?? throw StatusErrors.BadRequest("error decoding YAML: the applied configuration is not an object");
        string? apiVersion = applied["apiVersion"] is JsonValue av && av.TryGetValue(out string? a) ? a : null;
        string? kind = applied["kind"] is JsonValue kv && kv.TryGetValue(out string? k) ? k : null;
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            throw StatusErrors.BadRequest($"invalid object type: {apiVersion ?? ""}, Kind={kind ?? ""}");
        }

        Normalize(applied, resource, info);
        JsonObject appliedMetadata = Metadata(applied);
        foreach (string system in new[] { "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds" })
        {
            appliedMetadata.Remove(system);
        }

        string ns = info.ObjectNamespace;
        string name = info.Name!;
        FieldScope scope = ScopeOf(resource, info.Subresource);
        JsonElement? schema = SchemaOf(resource);
        bool dryRun = IsDryRun(context);
        bool created = false;
        JsonObject? result = null;
        if (_store.Get(resource.Key, ns, name) is null)
        {
            CheckNamespace(resource, ns);
        }

        JsonObject? stored = _store.Mutate(resource.Key, ns, name, (current, _) =>
        {
            JsonObject target;
            if (current is null)
            {
                if (info.Subresource is not null)
                {
                    throw StatusErrors.NotFound(resource, name);
                }

                created = true;
                target = new JsonObject { ["apiVersion"] = resource.GroupVersion, ["kind"] = resource.Kind, ["metadata"] = new JsonObject { ["name"] = name } };
                if (resource.Namespaced)
                {
                    Metadata(target)["namespace"] = ns;
                }
            }
            else
            {
                target = current.DeepClone().AsObject();
            }

            List<FieldConflict> conflicts = _fields.Apply(target, applied, schema, scope, manager, resource.GroupVersion, info.Subresource, force, Now());
            if (conflicts.Count > 0)
            {
                throw ApplyConflict(resource, name, conflicts);
            }

            if (current is null)
            {
                JsonNode? managed = target["metadata"]?["managedFields"]?.DeepClone();
                PrepareForCreate(target, resource);
                if (managed is not null)
                {
                    Metadata(target)["managedFields"] = managed;
                }

                Validate(target, resource);
                result = target;
                return dryRun ? Mutation.None : new Mutation.Put(target);
            }

            return Finish(current, target, resource, validate: info.Subresource is null, dryRun, ref result);
        });

        await WriteJsonAsync(context, created ? 201 : 200, result ?? stored ?? throw StatusErrors.NotFound(resource, name));
    }

    private static StatusException ApplyConflict(ApiResource resource, string name, List<FieldConflict> conflicts)
    {
        JsonObject details = StatusErrors.Details(name, resource.Group, resource.Plural);
        var causes = new JsonArray();
        foreach (FieldConflict c in conflicts)
        {
            causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with \"{c.Manager}\" using {c.ApiVersion}", ["field"] = FieldManager.DisplayPath(c.Path) });
        }

        details["causes"] = causes;
        return new StatusException(409, StatusErrors.Status(409, "Conflict", FieldManager.ConflictMessage(conflicts), details));
    }

    /// <summary>
    /// The common tail of replace and patch: builds the proposed object from the current one,
    /// keeps what the endpoint may not change, tracks field ownership and generation, and commits.
    /// </summary>
    private async Task CommitAsync(HttpContext context, RequestInfo info, Func<JsonObject, JsonObject> propose, string manager)
    {
        ApiResource resource = info.Resource!;
        bool dryRun = IsDryRun(context);
        JsonObject? result = null;
        bool removed = false;
        JsonObject? stored = _store.Mutate(resource.Key, info.ObjectNamespace, info.Name!, (current, _) =>
        {
            if (current is null)
            {
                throw StatusErrors.NotFound(resource, info.Name!);
            }

            JsonObject proposed = propose(current);
            JsonObject target = Scope(current, proposed, resource, info.Subresource);
            _fields.TrackUpdate(current, target, SchemaOf(resource), ScopeOf(resource, info.Subresource), manager, resource.GroupVersion, info.Subresource, Now());
            Mutation mutation = Finish(current, target, resource, validate: info.Subresource is null, dryRun, ref result);
            removed = mutation is Mutation.Remove;
            return mutation;
        });

        await WriteJsonAsync(context, 200, result ?? stored ?? throw StatusErrors.NotFound(resource, info.Name!));
        if (removed && stored is not null)
        {
            CollectGarbage(stored, "Background");
        }
    }

    /// <summary>Applies the status-subresource rules: which parts of the proposed object survive.</summary>
    private static JsonObject Scope(JsonObject current, JsonObject proposed, ApiResource resource, string? subresource)
    {
        JsonObject target;
        if (subresource == "status")
        {
            target = current.DeepClone().AsObject();
            if (proposed.TryGetPropertyValue("status", out JsonNode? status) && status is not null)
            {
                target["status"] = status.DeepClone();
            }
            else
            {
                target.Remove("status");
            }

            return target;
        }

        target = proposed.DeepClone().AsObject();
        if (resource.HasStatus)
        {
            if (current.TryGetPropertyValue("status", out JsonNode? status) && status is not null)
            {
                target["status"] = status.DeepClone();
            }
            else
            {
                target.Remove("status");
            }
        }

        // System fields are the server's, whatever the client sent.
        JsonObject metadata = Metadata(target);
        JsonObject currentMetadata = Metadata(current);
        foreach (string field in new[] { "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "name", "namespace" })
        {
            if (currentMetadata.TryGetPropertyValue(field, out JsonNode? value) && value is not null)
            {
                metadata[field] = value.DeepClone();
            }
            else
            {
                metadata.Remove(field);
            }
        }

        return target;
    }

    /// <summary>
    /// Generation, no-op detection and finalizer completion; decides the mutation. <c>validate</c> is
    /// set for writes of the object itself and of its scale, not of its status.
    /// </summary>
    private Mutation Finish(JsonObject current, JsonObject target, ApiResource resource, bool validate, bool dryRun, ref JsonObject? result)
    {
        JsonObject metadata = Metadata(target);
        metadata["resourceVersion"] = MetaString(current, "resourceVersion");
        if (SpecChanged(current, target))
        {
            long generation = Serialization.JsonNodes.TryGetInt64(current["metadata"]?["generation"], out long n) ? n : 0;
            metadata["generation"] = generation + 1;
        }

        if (validate)
        {
            Validate(target, resource);
        }

        if (SameIgnoringTimes(current, target))
        {
            result = current;
            return Mutation.None;
        }

        if (dryRun)
        {
            result = target;
            return Mutation.None;
        }

        if (metadata["deletionTimestamp"] is not null && (metadata["finalizers"] is not JsonArray finalizers || finalizers.Count == 0))
        {
            // The last finalizer is gone from an object being deleted: it goes away now.
            result = target;
            return new Mutation.Remove();
        }

        return new Mutation.Put(target);
    }

    private static bool SpecChanged(JsonObject before, JsonObject after)
    {
        if (before["metadata"]?["generation"] is null && !after.ContainsKey("spec"))
        {
            return false;
        }

        var keys = new HashSet<string>(before.Select(p => p.Key).Concat(after.Select(p => p.Key)), StringComparer.Ordinal);
        keys.ExceptWith(["metadata", "status", "apiVersion", "kind"]);
        return keys.Any(k => !JsonNode.DeepEquals(before[k], after[k]));
    }

    private static bool SameIgnoringTimes(JsonObject a, JsonObject b)
    {
        static JsonObject Strip(JsonObject o)
        {
            JsonObject copy = o.DeepClone().AsObject();
            if (copy["metadata"] is JsonObject m)
            {
                m.Remove("resourceVersion");
                if (m["managedFields"] is JsonArray managed)
                {
                    foreach (JsonNode? entry in managed)
                    {
                        (entry as JsonObject)?.Remove("time");
                    }
                }
            }

            return copy;
        }

        return JsonNode.DeepEquals(Strip(a), Strip(b));
    }

    // ---- scale --------------------------------------------------------------------------

    private async Task<JsonObject> ReadScaleAsync(HttpContext context)
    {
        string mediaType = MediaType(context);
        if (mediaType is not ("" or "application/json" or "application/yaml"))
        {
            throw StatusErrors.UnsupportedMediaType(mediaType, ObjectMediaTypes);
        }

        byte[] body = await ReadBodyAsync(context);
        return (mediaType == "application/yaml" ? ParseYaml(body) : ParseJson(body)) as JsonObject ?? throw StatusErrors.BadRequest("the object provided is unrecognized: expected a Scale");
    }

    private async Task CommitScaleAsync(HttpContext context, RequestInfo info, Func<JsonObject, JsonObject> proposeScale)
    {
        ApiResource resource = info.Resource!;
        ApiSubresource sub = resource.Subresources["scale"];
        JsonObject? result = null;
        bool dryRun = IsDryRun(context);
        string manager = FieldManagerOf(context, "unknown");
        _store.Mutate(resource.Key, info.ObjectNamespace, info.Name!, (current, _) =>
        {
            if (current is null)
            {
                throw StatusErrors.NotFound(resource, info.Name!);
            }

            JsonObject scale = proposeScale(ScaleOf(resource, current));
            string? rv = MetaString(scale, "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != MetaString(current, "resourceVersion"))
            {
                throw StatusErrors.Modified(resource, info.Name!);
            }

            JsonNode? replicas = scale["spec"]?["replicas"];
            if (!Serialization.JsonNodes.TryGetInt64(replicas, out long count) || count < 0)
            {
                throw StatusErrors.Invalid(sub.Group, sub.Kind, info.Name, new FieldCause("FieldValueInvalid", "spec.replicas", $"Invalid value: {replicas?.ToJsonString() ?? "null"}: must be greater than or equal to 0"));
            }

            JsonObject target = current.DeepClone().AsObject();
            JsonObject spec = target["spec"] as JsonObject ?? new JsonObject();
            target["spec"] = spec;
            spec["replicas"] = count;
            _fields.TrackUpdate(current, target, SchemaOf(resource), ScopeOf(resource, null), manager, resource.GroupVersion, "scale", Now());
            Mutation mutation = Finish(current, target, resource, validate: true, dryRun, ref result);
            result = mutation is Mutation.Put put ? put.Object : result;
            return mutation;
        });

        JsonObject final = dryRun || result is null ? result ?? throw StatusErrors.NotFound(resource, info.Name!) : _store.Get(resource.Key, info.ObjectNamespace, info.Name!) ?? result;
        await WriteJsonAsync(context, 200, ScaleOf(resource, final));
    }

    // ---- delete -------------------------------------------------------------------------

    private sealed record DeleteOptions(string? Uid, string? ResourceVersion, string Propagation, bool DryRun);

    private async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        string? uid = null;
        string? rv = null;
        string? propagation = Query(context, "propagationPolicy");
        bool dryRun = IsDryRun(context);
        bool? orphan = Query(context, "orphanDependents") is string o ? o is "true" or "1" : null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            string mediaType = MediaType(context);
            byte[] body = await ReadBodyAsync(context);
            if (body.Length > 0)
            {
                JsonObject options = (mediaType.Contains("yaml", StringComparison.Ordinal) ? ParseYaml(body) : ParseJson(body)) as JsonObject
                    ?? throw StatusErrors.BadRequest("the body of the request is not a DeleteOptions object");
                uid = options["preconditions"]?["uid"]?.GetValue<string>();
                rv = options["preconditions"]?["resourceVersion"]?.GetValue<string>();
                propagation = options["propagationPolicy"]?.GetValue<string>() ?? propagation;
                if (options["orphanDependents"] is JsonValue ov && ov.TryGetValue(out bool ob))
                {
                    orphan = ob;
                }

                if (options["dryRun"] is JsonArray dr && dr.Any(d => d?.GetValue<string>() == "All"))
                {
                    dryRun = true;
                }
            }
        }

        propagation ??= orphan == true ? "Orphan" : "Background";
        if (propagation is not ("Orphan" or "Background" or "Foreground"))
        {
            throw StatusErrors.Invalid("meta.k8s.io", "DeleteOptions", "", new FieldCause("FieldValueNotSupported", "propagationPolicy", $"Unsupported value: \"{propagation}\": supported values: \"Foreground\", \"Background\", \"Orphan\""));
        }

        return new DeleteOptions(uid, rv, propagation, dryRun);
    }

    private async Task DeleteAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        DeleteOptions options = await ReadDeleteOptionsAsync(context);
        (JsonObject obj, bool deleted) = DeleteOne(resource, info.ObjectNamespace, info.Name!, options);
        if (deleted && resource.DeleteReturnsStatus)
        {
            var status = new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Success",
                ["details"] = StatusErrors.Details(info.Name, resource.Group, resource.Plural, MetaString(obj, "uid")),
            };
            await WriteJsonAsync(context, 200, status);
            return;
        }

        await WriteJsonAsync(context, 200, obj);
    }

    /// <summary>Deletes one object (or marks it for deletion when it has finalizers).</summary>
    /// <returns>The object and whether it is gone.</returns>
    private (JsonObject Object, bool Deleted) DeleteOne(ApiResource resource, string ns, string name, DeleteOptions options)
    {
        bool deleted = false;
        JsonObject? marked = null;
        JsonObject? result = _store.Mutate(resource.Key, ns, name, (current, _) =>
        {
            if (current is null)
            {
                throw StatusErrors.NotFound(resource, name);
            }

            if (options.Uid is not null && options.Uid != MetaString(current, "uid"))
            {
                throw StatusErrors.Conflict(resource, name, $"Precondition failed: UID in precondition: {options.Uid}, UID in object meta: {MetaString(current, "uid")}");
            }

            if (options.ResourceVersion is not null && options.ResourceVersion != MetaString(current, "resourceVersion"))
            {
                throw StatusErrors.Conflict(resource, name, $"Precondition failed: ResourceVersion in precondition: {options.ResourceVersion}, ResourceVersion in object meta: {MetaString(current, "resourceVersion")}");
            }

            bool hasFinalizers = current["metadata"]?["finalizers"] is JsonArray { Count: > 0 };
            if (hasFinalizers)
            {
                if (current["metadata"]?["deletionTimestamp"] is not null || options.DryRun)
                {
                    marked = current;
                    return Mutation.None;
                }

                JsonObject target = current.DeepClone().AsObject();
                JsonObject metadata = Metadata(target);
                metadata["deletionTimestamp"] = Now();
                metadata["deletionGracePeriodSeconds"] = 0;
                return new Mutation.Put(target);
            }

            deleted = true;
            if (options.DryRun)
            {
                marked = current;
                return Mutation.None;
            }

            return new Mutation.Remove();
        });

        if (deleted && !options.DryRun && result is not null)
        {
            if (resource.Group.Length == 0 && resource.Plural == "namespaces")
            {
                DeleteNamespaceContents(name);
            }

            CollectGarbage(result, options.Propagation);
        }

        return (marked ?? result!, deleted);
    }

    private void DeleteNamespaceContents(string ns)
    {
        foreach ((ResourceKey key, JsonObject obj) in _store.All())
        {
            if (MetaString(obj, "namespace") == ns && key != NamespacesKey)
            {
                _store.Mutate(key, ns, MetaString(obj, "name") ?? "", (current, _) => current is null ? Mutation.None : new Mutation.Remove());
            }
        }
    }

    /// <summary>Deletes (or orphans) the dependents of a deleted object, as the garbage collector would.</summary>
    private void CollectGarbage(JsonObject owner, string propagation)
    {
        string? uid = MetaString(owner, "uid");
        if (uid is null)
        {
            return;
        }

        foreach ((ResourceKey key, JsonObject obj) in _store.All())
        {
            if (obj["metadata"]?["ownerReferences"] is not JsonArray references || !references.Any(r => r?["uid"]?.GetValue<string>() == uid))
            {
                continue;
            }

            string ns = MetaString(obj, "namespace") ?? "";
            string name = MetaString(obj, "name") ?? "";
            ApiResource? resource = _catalog.Find(key.Group, key.Version, key.Plural);
            if (resource is null)
            {
                continue;
            }

            if (propagation == "Orphan")
            {
                _store.Mutate(key, ns, name, (current, _) =>
                {
                    if (current is null)
                    {
                        return Mutation.None;
                    }

                    JsonObject target = current.DeepClone().AsObject();
                    JsonArray refs = (JsonArray)target["metadata"]!["ownerReferences"]!;
                    foreach (JsonNode? r in refs.Where(r => r?["uid"]?.GetValue<string>() == uid).ToList())
                    {
                        refs.Remove(r);
                    }

                    return new Mutation.Put(target);
                });
            }
            else
            {
                try
                {
                    DeleteOne(resource, ns, name, new DeleteOptions(null, null, "Background", false));
                }
                catch (StatusException)
                {
                    // already gone
                }
            }
        }
    }

    private async Task DeleteCollectionAsync(HttpContext context, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        (LabelSelector labels, FieldSelector fields) = Selectors(context, info);
        DeleteOptions options = await ReadDeleteOptionsAsync(context);
        (List<JsonObject> items, long rv) = _store.List(resource.Key, resource.Namespaced ? info.Namespace : null);
        var deleted = new List<JsonObject>();
        foreach (JsonObject obj in items)
        {
            if (!Matches(obj, labels, fields))
            {
                continue;
            }

            try
            {
                (JsonObject result, _) = DeleteOne(resource, MetaString(obj, "namespace") ?? "", MetaString(obj, "name") ?? "", options with { Uid = null, ResourceVersion = null });
                deleted.Add(result);
            }
            catch (StatusException e) when (e.Code == 404)
            {
            }
        }

        await WriteListAsync(context, resource, new JsonObject { ["resourceVersion"] = Math.Max(rv, _store.CurrentResourceVersion).ToString(CultureInfo.InvariantCulture) }, deleted);
    }

    // ---- SelfSubjectAccessReview ------------------------------------------------------------

    private async Task SelfSubjectAccessReviewAsync(HttpContext context, EmulatorUser user, ApiResource resource)
    {
        bool protobuf = MediaType(context) == ProtobufAccessReview.MediaType;
        JsonObject review;
        if (protobuf)
        {
            try
            {
                review = ProtobufAccessReview.Decode(await ReadBodyAsync(context));
            }
            catch (FormatException e)
            {
                throw StatusErrors.BadRequest(e.Message);
            }
        }
        else
        {
            review = await ReadObjectAsync(context);
        }

        CheckTypeMeta(review, resource);
        JsonObject spec = review["spec"] as JsonObject ?? throw StatusErrors.Invalid(resource, "", new FieldCause("FieldValueRequired", "spec", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        bool allowed;
        if (spec["resourceAttributes"] is JsonObject attributes)
        {
            string verb = attributes["verb"]?.GetValue<string>() ?? "";
            string group = attributes["group"]?.GetValue<string>() ?? "";
            string plural = attributes["resource"]?.GetValue<string>() ?? "";
            string? subresource = attributes["subresource"]?.GetValue<string>() is { Length: > 0 } s ? s : null;
            string? ns = attributes["namespace"]?.GetValue<string>() is { Length: > 0 } n ? n : null;
            string? name = attributes["name"]?.GetValue<string>() is { Length: > 0 } nm ? nm : null;
            allowed = user.IsAllowed(verb, group, plural, subresource, ns, name);
        }
        else if (spec["nonResourceAttributes"] is JsonObject)
        {
            allowed = user.Rules.Any(r => r.Verbs.Contains("*") && r.Resources.Contains("*"));
        }
        else
        {
            throw StatusErrors.Invalid(resource, "", new FieldCause("FieldValueRequired", "spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }

        review["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        review["status"] = new JsonObject { ["allowed"] = allowed };
        if (protobuf && context.Request.Headers.Accept.ToString().Contains(ProtobufAccessReview.MediaType, StringComparison.Ordinal))
        {
            await WriteBytesAsync(context, 201, ProtobufAccessReview.MediaType, ProtobufAccessReview.Encode(review));
            return;
        }

        await WriteJsonAsync(context, 201, review);
    }
}
