using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Patching;

/// <summary>One <c>metadata.managedFields</c> entry with its field set decoded.</summary>
internal sealed class ManagedEntry
{
    public required string Manager { get; init; }

    public required string Operation { get; init; }

    public required string ApiVersion { get; set; }

    public string? Subresource { get; init; }

    public string Time { get; set; } = "";

    public HashSet<string> Fields { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A field owned by another manager whose applied value differs.</summary>
internal readonly record struct FieldConflict(string Manager, string ApiVersion, string Path);

/// <summary>
/// Field ownership and server-side apply, simplified: every leaf field (and every element of an
/// associative list) has a set of owners recorded in <c>metadata.managedFields</c> as FieldsV1.
/// Apply conflicts when another manager owns a field the applied configuration sets to a different
/// value; fields a manager applied before and no longer applies are removed unless someone else
/// owns them. Updates (create, replace, patch) take ownership of the fields they change.
/// </summary>
internal sealed class FieldManager(SchemaIndex schemas)
{
    private const char Separator = '\n';

    public static List<ManagedEntry> Read(JsonObject obj)
    {
        var entries = new List<ManagedEntry>();
        if (obj["metadata"] is not JsonObject metadata || metadata["managedFields"] is not JsonArray list)
        {
            return entries;
        }

        foreach (JsonNode? node in list)
        {
            if (node is not JsonObject entry)
            {
                continue;
            }

            var fields = new HashSet<string>(StringComparer.Ordinal);
            if (entry["fieldsV1"] is JsonObject fieldsV1)
            {
                ReadFieldsV1(fieldsV1, "", fields);
            }

            entries.Add(new ManagedEntry
            {
                Manager = entry["manager"]?.GetValue<string>() ?? "",
                Operation = entry["operation"]?.GetValue<string>() ?? "Update",
                ApiVersion = entry["apiVersion"]?.GetValue<string>() ?? "",
                Subresource = entry["subresource"]?.GetValue<string>(),
                Time = entry["time"]?.GetValue<string>() ?? "",
                Fields = fields,
            });
        }

        return entries;
    }

    public static void Write(JsonObject obj, List<ManagedEntry> entries)
    {
        JsonObject metadata = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = metadata;
        entries.RemoveAll(e => e.Fields.Count == 0);
        if (entries.Count == 0)
        {
            metadata.Remove("managedFields");
            return;
        }

        var list = new JsonArray();
        foreach (ManagedEntry e in entries)
        {
            var entry = new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = e.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = ToFieldsV1(e.Fields),
            };
            if (e.Subresource is not null)
            {
                entry["subresource"] = e.Subresource;
            }

            list.Add(entry);
        }

        metadata["managedFields"] = list;
    }

    /// <summary>The owned-field paths of an object (what a manager would own after writing it).</summary>
    public HashSet<string> Paths(JsonObject obj, JsonElement? schema, FieldScope scope)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, JsonNode?> entry in obj)
        {
            switch (entry.Key)
            {
                case "apiVersion" or "kind":
                    continue;
                case "status" when scope == FieldScope.MainWithoutStatus:
                    continue;
                case "metadata":
                    if (scope == FieldScope.StatusOnly || entry.Value is not JsonObject metadata)
                    {
                        continue;
                    }

                    JsonElement? metaSchema = schemas.Property(schema, "metadata");
                    foreach (string field in new[] { "labels", "annotations", "finalizers", "ownerReferences" })
                    {
                        if (metadata.TryGetPropertyValue(field, out JsonNode? value))
                        {
                            Walk(value, schemas.Property(metaSchema, field), "f:metadata" + Separator + "f:" + field, paths);
                        }
                    }

                    continue;
                default:
                    if (scope == FieldScope.StatusOnly && entry.Key != "status")
                    {
                        continue;
                    }

                    Walk(entry.Value, schemas.Property(schema, entry.Key), "f:" + entry.Key, paths);
                    break;
            }
        }

        return paths;
    }

    private void Walk(JsonNode? node, JsonElement? schema, string prefix, HashSet<string> paths)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (KeyValuePair<string, JsonNode?> entry in o)
                {
                    Walk(entry.Value, schemas.Property(schema, entry.Key), prefix + Separator + "f:" + entry.Key, paths);
                }

                break;
            case JsonArray a:
                ListMergeInfo info = schemas.ListInfo(schema);
                JsonElement? itemSchema = schemas.Items(schema);
                if (info.IsAssociative && a.All(i => i is JsonObject))
                {
                    foreach (JsonObject item in a.Cast<JsonObject>())
                    {
                        string element = prefix + Separator + KeyElement(item, info.Keys);
                        paths.Add(element);
                        foreach (KeyValuePair<string, JsonNode?> field in item)
                        {
                            Walk(field.Value, schemas.Property(itemSchema, field.Key), element + Separator + "f:" + field.Key, paths);
                        }
                    }
                }
                else if (info.IsSet && a.All(i => i is JsonValue))
                {
                    foreach (JsonNode? item in a)
                    {
                        paths.Add(prefix + Separator + "v:" + item!.ToJsonString());
                    }
                }
                else
                {
                    paths.Add(prefix);
                }

                break;
            default:
                paths.Add(prefix);
                break;
        }
    }

    private static string KeyElement(JsonObject item, IReadOnlyList<string> keys)
    {
        var key = new JsonObject();
        foreach (string k in keys)
        {
            if (item.TryGetPropertyValue(k, out JsonNode? v))
            {
                key[k] = v?.DeepClone();
            }
        }

        return "k:" + key.ToJsonString();
    }

    /// <summary>Finds the value a path names, or null.</summary>
    public static JsonNode? Lookup(JsonNode? root, string path, out bool found)
    {
        JsonNode? node = root;
        found = false;
        foreach (string element in path.Split(Separator))
        {
            if (!TryStep(node, element, out node, out _))
            {
                return null;
            }
        }

        found = true;
        return node;
    }

    private static bool TryStep(JsonNode? node, string element, out JsonNode? child, out int index)
    {
        child = null;
        index = -1;
        if (element.StartsWith("f:", StringComparison.Ordinal))
        {
            return node is JsonObject o && o.TryGetPropertyValue(element[2..], out child);
        }

        if (node is not JsonArray a)
        {
            return false;
        }

        if (element.StartsWith("k:", StringComparison.Ordinal))
        {
            JsonObject? key = JsonNode.Parse(element[2..]) as JsonObject;
            for (int i = 0; i < a.Count; i++)
            {
                if (a[i] is JsonObject item && key is not null && key.All(k => item.TryGetPropertyValue(k.Key, out JsonNode? v) && JsonNode.DeepEquals(v, k.Value)))
                {
                    child = item;
                    index = i;
                    return true;
                }
            }

            return false;
        }

        if (element.StartsWith("v:", StringComparison.Ordinal))
        {
            JsonNode? value = JsonNode.Parse(element[2..]);
            for (int i = 0; i < a.Count; i++)
            {
                if (JsonNode.DeepEquals(a[i], value))
                {
                    child = a[i];
                    index = i;
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Removes the field a path names, if present.</summary>
    public static void Remove(JsonNode root, string path)
    {
        string[] elements = path.Split(Separator);
        JsonNode? parent = root;
        for (int i = 0; i < elements.Length - 1; i++)
        {
            if (!TryStep(parent, elements[i], out parent, out _))
            {
                return;
            }
        }

        string last = elements[^1];
        if (last.StartsWith("f:", StringComparison.Ordinal))
        {
            (parent as JsonObject)?.Remove(last[2..]);
        }
        else if (parent is JsonArray a && TryStep(a, last, out _, out int index))
        {
            a.RemoveAt(index);
        }
    }

    private static bool IsStructural(string path)
    {
        int last = path.LastIndexOf(Separator);
        return path.AsSpan(last + 1).StartsWith("k:", StringComparison.Ordinal);
    }

    /// <summary>Server-side apply of <paramref name="applied"/> onto <paramref name="current"/> (modified in place).</summary>
    /// <returns>The conflicts; empty when the apply succeeded (always empty with <paramref name="force"/>).</returns>
    public List<FieldConflict> Apply(JsonObject current, JsonObject applied, JsonElement? schema, FieldScope scope, string manager, string apiVersion, string? subresource, bool force, string now)
    {
        List<ManagedEntry> entries = Read(current);
        HashSet<string> appliedPaths = Paths(applied, schema, scope);
        var conflicts = new List<FieldConflict>();
        foreach (ManagedEntry entry in entries)
        {
            if (entry.Manager == manager && entry.Operation == "Apply" && entry.Subresource == subresource)
            {
                continue;
            }

            foreach (string path in appliedPaths)
            {
                if (!entry.Fields.Contains(path) || IsStructural(path))
                {
                    continue;
                }

                JsonNode? currentValue = Lookup(current, path, out bool inCurrent);
                JsonNode? appliedValue = Lookup(applied, path, out _);
                if (inCurrent && !JsonNode.DeepEquals(currentValue, appliedValue))
                {
                    conflicts.Add(new FieldConflict(entry.Manager, entry.ApiVersion, path));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            return conflicts;
        }

        foreach (FieldConflict conflict in conflicts)
        {
            foreach (ManagedEntry entry in entries.Where(e => e.Manager == conflict.Manager))
            {
                entry.Fields.Remove(conflict.Path);
            }
        }

        ManagedEntry? mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply" && e.Subresource == subresource);
        if (mine is not null)
        {
            // Fields this manager applied before and no longer applies go away unless another manager owns them.
            foreach (string dropped in mine.Fields.Except(appliedPaths).OrderByDescending(p => p.Length))
            {
                bool ownedElsewhere = entries.Any(e => e != mine && e.Fields.Any(f => f == dropped || f.StartsWith(dropped + Separator, StringComparison.Ordinal)));
                if (!ownedElsewhere)
                {
                    Remove(current, dropped);
                }
            }
        }
        else
        {
            mine = new ManagedEntry { Manager = manager, Operation = "Apply", ApiVersion = apiVersion, Subresource = subresource };
            entries.Add(mine);
        }

        MergeApplied(current, applied, schema, scope, top: true);
        mine.Fields = appliedPaths;
        mine.ApiVersion = apiVersion;
        mine.Time = now;
        Write(current, entries);
        return [];
    }

    /// <summary>Records that <paramref name="manager"/> changed <paramref name="previous"/> into <paramref name="updated"/> (modified in place).</summary>
    public void TrackUpdate(JsonObject? previous, JsonObject updated, JsonElement? schema, FieldScope scope, string manager, string apiVersion, string? subresource, string now)
    {
        List<ManagedEntry> entries = previous is null ? [] : Read(previous);
        HashSet<string> newPaths = Paths(updated, schema, scope);
        HashSet<string> oldPaths = previous is null ? [] : Paths(previous, schema, scope);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in newPaths)
        {
            if (!oldPaths.Contains(path))
            {
                changed.Add(path);
            }
            else if (!IsStructural(path) && !JsonNode.DeepEquals(Lookup(previous, path, out _), Lookup(updated, path, out _)))
            {
                changed.Add(path);
            }
        }

        oldPaths.ExceptWith(newPaths);
        ManagedEntry? mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
        foreach (ManagedEntry entry in entries)
        {
            entry.Fields.ExceptWith(oldPaths);
            if (entry != mine)
            {
                entry.Fields.ExceptWith(changed);
            }
        }

        if (changed.Count > 0)
        {
            if (mine is null)
            {
                mine = new ManagedEntry { Manager = manager, Operation = "Update", ApiVersion = apiVersion, Subresource = subresource };
                entries.Add(mine);
            }

            mine.Fields.UnionWith(changed);
            mine.ApiVersion = apiVersion;
            mine.Time = now;
        }

        Write(updated, entries);
    }

    private void MergeApplied(JsonObject target, JsonObject applied, JsonElement? schema, FieldScope scope, bool top)
    {
        foreach (KeyValuePair<string, JsonNode?> entry in applied)
        {
            string key = entry.Key;
            if (top)
            {
                if (key == "status" && scope == FieldScope.MainWithoutStatus)
                {
                    continue;
                }

                if (key != "status" && scope == FieldScope.StatusOnly)
                {
                    continue;
                }

                if (key == "metadata")
                {
                    JsonObject metadata = target["metadata"] as JsonObject ?? new JsonObject();
                    target["metadata"] = metadata;
                    if (entry.Value is JsonObject appliedMeta)
                    {
                        JsonElement? metaSchema = schemas.Property(schema, "metadata");
                        foreach (string field in new[] { "labels", "annotations", "finalizers", "ownerReferences" })
                        {
                            if (appliedMeta.TryGetPropertyValue(field, out JsonNode? value))
                            {
                                MergeValue(metadata, field, value, schemas.Property(metaSchema, field));
                            }
                        }
                    }

                    continue;
                }
            }

            MergeValue(target, key, entry.Value, schemas.Property(schema, key));
        }
    }

    private void MergeValue(JsonObject target, string key, JsonNode? value, JsonElement? schema)
    {
        JsonNode? current = target.TryGetPropertyValue(key, out JsonNode? c) ? c : null;
        switch (value)
        {
            case null:
                target.Remove(key);
                break;
            case JsonObject appliedObject when current is JsonObject currentObject:
                MergeApplied(currentObject, appliedObject, schema, FieldScope.All, top: false);
                break;
            case JsonArray appliedArray when current is JsonArray currentArray:
                ListMergeInfo info = schemas.ListInfo(schema);
                JsonElement? itemSchema = schemas.Items(schema);
                if (info.IsAssociative && appliedArray.All(i => i is JsonObject) && currentArray.All(i => i is JsonObject))
                {
                    foreach (JsonObject item in appliedArray.Cast<JsonObject>())
                    {
                        string element = KeyElement(item, info.Keys);
                        if (TryStep(currentArray, element, out JsonNode? existing, out _) && existing is JsonObject existingObject)
                        {
                            MergeApplied(existingObject, item, itemSchema, FieldScope.All, top: false);
                        }
                        else
                        {
                            currentArray.Add(item.DeepClone());
                        }
                    }
                }
                else if (info.IsSet)
                {
                    foreach (JsonNode? item in appliedArray)
                    {
                        if (!currentArray.Any(e => JsonNode.DeepEquals(e, item)))
                        {
                            currentArray.Add(item?.DeepClone());
                        }
                    }
                }
                else
                {
                    target[key] = appliedArray.DeepClone();
                }

                break;
            default:
                target[key] = value.DeepClone();
                break;
        }
    }

    /// <summary>The kube-apiserver wording for apply conflicts.</summary>
    public static string ConflictMessage(IReadOnlyList<FieldConflict> conflicts)
    {
        var sb = new StringBuilder();
        sb.Append("Apply failed with ").Append(conflicts.Count).Append(conflicts.Count == 1 ? " conflict: " : " conflicts: ");
        if (conflicts.Count == 1)
        {
            FieldConflict c = conflicts[0];
            sb.Append("conflict with \"").Append(c.Manager).Append("\" using ").Append(c.ApiVersion).Append(": ").Append(DisplayPath(c.Path));
            return sb.ToString();
        }

        bool first = true;
        foreach (IGrouping<(string, string), FieldConflict> group in conflicts.GroupBy(c => (c.Manager, c.ApiVersion)))
        {
            if (!first)
            {
                sb.Append('\n');
            }

            first = false;
            sb.Append("conflicts with \"").Append(group.Key.Item1).Append("\" using ").Append(group.Key.Item2).Append(':');
            foreach (FieldConflict c in group)
            {
                sb.Append("\n- ").Append(DisplayPath(c.Path));
            }
        }

        return sb.ToString();
    }

    /// <summary>A path as structured-merge-diff prints it: <c>.spec.containers[name="c"].image</c>.</summary>
    public static string DisplayPath(string path)
    {
        var sb = new StringBuilder();
        foreach (string element in path.Split(Separator))
        {
            if (element.StartsWith("f:", StringComparison.Ordinal))
            {
                sb.Append('.').Append(element[2..]);
            }
            else if (element.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(element[2..]) is JsonObject key)
            {
                sb.Append('[').Append(string.Join(",", key.Select(k => $"{k.Key}={k.Value?.ToJsonString()}"))).Append(']');
            }
            else if (element.StartsWith("v:", StringComparison.Ordinal))
            {
                sb.Append("[=").Append(element[2..]).Append(']');
            }
        }

        return sb.ToString();
    }

    private static void ReadFieldsV1(JsonObject node, string prefix, HashSet<string> fields)
    {
        foreach (KeyValuePair<string, JsonNode?> entry in node)
        {
            if (entry.Key == ".")
            {
                if (prefix.Length > 0)
                {
                    fields.Add(prefix);
                }

                continue;
            }

            string path = prefix.Length == 0 ? entry.Key : prefix + Separator + entry.Key;
            if (entry.Value is JsonObject child && child.Count > 0)
            {
                ReadFieldsV1(child, path, fields);
            }
            else
            {
                fields.Add(path);
            }
        }
    }

    private static JsonObject ToFieldsV1(HashSet<string> fields)
    {
        var root = new Node();
        foreach (string path in fields)
        {
            Node node = root;
            foreach (string element in path.Split(Separator))
            {
                if (!node.Children.TryGetValue(element, out Node? child))
                {
                    child = new Node();
                    node.Children[element] = child;
                }

                node = child;
            }

            node.Owned = true;
        }

        return Emit(root);
    }

    private static JsonObject Emit(Node node)
    {
        var obj = new JsonObject();
        if (node.Owned && node.Children.Count > 0)
        {
            obj["."] = new JsonObject();
        }

        foreach (KeyValuePair<string, Node> child in node.Children)
        {
            obj[child.Key] = Emit(child.Value);
        }

        return obj;
    }

    private sealed class Node
    {
        public SortedDictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public bool Owned { get; set; }
    }
}

/// <summary>Which part of an object a write may touch.</summary>
internal enum FieldScope
{
    /// <summary>Everything (resources without a status subresource).</summary>
    All,

    /// <summary>The main resource of a kind with a status subresource: <c>.status</c> is ignored.</summary>
    MainWithoutStatus,

    /// <summary>The status subresource: only <c>.status</c>.</summary>
    StatusOnly,
}
