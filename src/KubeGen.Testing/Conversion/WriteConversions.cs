using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// What kube-apiserver does to every object it is given before it stores it, in its order: the
/// decode into Go types (<see cref="CanonicalForms"/>: times, quantities and bytes take their
/// canonical form, or the request fails with 400), defaulting (<see cref="PodDefaults"/>,
/// <see cref="WorkloadDefaults"/>, <see cref="ServiceDefaults"/>, Secret's type, Namespace's name
/// label and finalizer), and the conversion to the internal version, where a Secret's write-only
/// <c>stringData</c> is merged into <c>data</c> and dropped. A client in any language therefore
/// reads back what it would read from a real cluster, whatever form it sent. Custom resources
/// served from a CustomResourceDefinition are pruned and defaulted by its structural schema instead
/// (<see cref="StructuralPruning"/>, <see cref="StructuralDefaulting"/>).
/// </summary>
internal sealed class WriteConversions(SchemaIndex schemas)
{
    private readonly UnknownFields _unknown = new(schemas);
    private readonly GoDecoding _decoding = new(schemas);
    private readonly CanonicalForms _forms = new(schemas);
    private readonly StructuralPruning _pruning = new(schemas);
    private readonly StructuralDefaulting _defaulting = new(schemas);
    private readonly ServiceDefaults _services = new();

    /// <summary>Converts <paramref name="obj"/> in place; <paramref name="current"/> is the stored object an update replaces (null on create).</summary>
    /// <returns>The paths of the fields the kind does not have, which were dropped (for field validation).</returns>
    /// <exception cref="StatusException">400 for a value its Go type cannot hold.</exception>
    public IReadOnlyList<string> Apply(JsonObject obj, ApiResource resource, JsonObject? current)
    {
        JsonElement? schema = schemas.Definition(resource.DefinitionName);
        if (resource.IsCustom)
        {
            // Decoded as unstructured JSON: no Go types, so no type errors and no canonical forms
            // (a date-time string stays as sent); the structural schema prunes, then defaults.
            List<string> pruned = _pruning.Prune(obj, schema);
            _defaulting.Apply(obj, schema);
            return pruned;
        }

        // Built-in kinds decode into Go types, which have no place for other fields. (Custom
        // resources only described by the given spec, without a CRD object, keep their fields.)
        bool typed = resource.DefinitionName?.StartsWith("io.k8s.", StringComparison.Ordinal) == true;
        if (typed && _decoding.FirstError(obj, resource.DefinitionName) is string decodeError)
        {
            throw StatusErrors.CannotBeHandled(resource, decodeError);
        }

        List<string> unknown = typed ? _unknown.Prune(obj, schema) : [];
        try
        {
            _forms.Apply(obj, schema);
        }
        catch (FormatException e)
        {
            throw StatusErrors.CannotBeHandled(resource, e.Message);
        }

        switch (resource.Group, resource.Kind)
        {
            case ("", "Pod"):
                PodDefaults.Pod(obj);
                break;
            case ("", "PodTemplate"):
                PodDefaults.Template(obj["template"] as JsonObject);
                break;
            case ("", "ReplicationController"):
                Pointer(Child(obj, "spec"), "replicas", 1);
                PodDefaults.Template(obj["spec"]?["template"] as JsonObject);
                break;
            case ("", "Service"):
                _services.Apply(obj, current);
                break;
            case ("", "Secret"):
                String(obj, "type", "Opaque");
                MergeStringData(obj);
                break;
            case ("", "Namespace"):
                Namespace(obj, current);
                break;
            case ("apps", "Deployment"):
                WorkloadDefaults.Deployment(obj);
                break;
            case ("apps", "ReplicaSet"):
                WorkloadDefaults.ReplicaSet(obj);
                break;
            case ("apps", "StatefulSet"):
                WorkloadDefaults.StatefulSet(obj);
                break;
            case ("apps", "DaemonSet"):
                WorkloadDefaults.DaemonSet(obj);
                break;
            case ("batch", "Job"):
                WorkloadDefaults.Job(obj);
                break;
            case ("batch", "CronJob"):
                WorkloadDefaults.CronJob(obj);
                break;
            case ("apiextensions.k8s.io", "CustomResourceDefinition"):
                CustomResources.CrdDefaults.Apply(obj);
                break;
        }

        // The spec is the server's Go type: a default for a field the spec's version does not have
        // (an older cluster's, or a trimmed spec's) is not set.
        if (typed)
        {
            _unknown.Prune(obj, schema);
        }

        return unknown;
    }

    /// <summary>
    /// <c>stringData</c> is write-only: its entries overwrite <c>data</c>'s, base64-encoded
    /// (<c>Convert_v1_Secret_To_core_Secret</c>), and it is never stored or returned.
    /// </summary>
    private static void MergeStringData(JsonObject secret)
    {
        if (secret["stringData"] is JsonObject stringData)
        {
            JsonObject data = Child(secret, "data");
            foreach (KeyValuePair<string, JsonNode?> entry in stringData)
            {
                data[entry.Key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Text(entry.Value)));
            }
        }

        secret.Remove("stringData");
    }

    /// <summary>The name label (<c>SetDefaults_Namespace</c>) and the <c>kubernetes</c> finalizer the registry sets on create and keeps on update.</summary>
    private static void Namespace(JsonObject ns, JsonObject? current)
    {
        JsonObject metadata = Child(ns, "metadata");
        string name = Text(metadata["name"]);
        if (name.Length > 0)
        {
            Child(metadata, "labels")["kubernetes.io/metadata.name"] = name;
        }

        JsonObject spec = Child(ns, "spec");
        spec["finalizers"] = current is null ? new JsonArray("kubernetes") : current["spec"]?["finalizers"]?.DeepClone();
        if (spec["finalizers"] is null)
        {
            spec.Remove("finalizers");
        }
    }
}
