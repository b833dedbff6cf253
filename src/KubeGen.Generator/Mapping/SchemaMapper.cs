using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using KubeGen.Generator.Diagnostics;
using KubeGen.Generator.Model;
using KubeGen.Generator.Modeling;
using KubeGen.Generator.OpenApi;
using KubeGen.Generator.Naming;

namespace KubeGen.Generator.Mapping;

/// <summary>
/// Maps JSON schemas to <see cref="TypeRef"/>s and collects the model classes they reach: the
/// transitive closure of definitions from the selected operations, and nothing else.
/// </summary>
internal sealed class SchemaMapper
{
    public const string MetaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    /// <summary>
    /// How deeply arrays, maps and $ref aliases may nest before a schema is raw JSON. Real specs nest
    /// two or three levels; a bound keeps a hostile chain of aliases from exhausting the compiler's stack.
    /// </summary>
    public const int MaxNesting = 32;

    /// <summary>Definitions with a fixed runtime representation instead of a generated class.</summary>
    private static readonly Dictionary<string, TypeRef> s_wellKnown = new(StringComparer.Ordinal)
    {
        ["io.k8s.apimachinery.pkg.api.resource.Quantity"] = TypeRef.Quantity,
        ["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = TypeRef.IntOrString,
        [MetaV1 + "Time"] = TypeRef.Time,
        [MetaV1 + "MicroTime"] = TypeRef.MicroTime,
        ["io.k8s.apimachinery.pkg.runtime.RawExtension"] = TypeRef.RawJson,
        [MetaV1 + "FieldsV1"] = TypeRef.RawJson,
        [MetaV1 + "Patch"] = TypeRef.RawJson,
        ["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON"] = TypeRef.RawJson,
    };

    /// <summary>Members of every generated class (and of object): a property may not take their names.</summary>
    private static readonly HashSet<string> s_reservedMembers = new(StringComparer.Ordinal)
    {
        "ExtensionData", "KubeApiVersion", "KubeKind", "JsonTypeInfo",
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>The class every model namespace holds next to its models: the converters live in it.</summary>
    public const string ConverterHolder = "KubeGenJson";

    private readonly string _rootNamespace;
    private readonly IReadOnlyList<SpecCatalog> _catalogs;
    private readonly DefinitionNamer _namer;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly Dictionary<string, TypeRef> _byDefinition = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _typeNamesByNamespace = new(StringComparer.Ordinal);
    private readonly Queue<PendingType> _pending = new();
    private readonly List<TypeModel> _types = new();
    private readonly HashSet<string> _reportedMissing = new(StringComparer.Ordinal);

    /// <summary>How many <see cref="Map"/> calls are on the stack: arrays, maps and $ref aliases recurse, nothing else does.</summary>
    private int _depth;

    /// <summary>Set when a schema was cut at <see cref="MaxNesting"/>; reported once, for the outermost schema.</summary>
    private bool _cut;

    public SchemaMapper(string rootNamespace, IReadOnlyList<SpecCatalog> catalogs, DefinitionNamer namer, List<DiagnosticInfo> diagnostics)
    {
        _rootNamespace = rootNamespace;
        _catalogs = catalogs;
        _namer = namer;
        _diagnostics = diagnostics;
    }

    public IReadOnlyList<TypeModel> Types => _types;

    /// <summary>Type names already used in a namespace (for naming client classes next to models).</summary>
    public HashSet<string> TypeNamesIn(string ns)
    {
        if (!_typeNamesByNamespace.TryGetValue(ns, out var names))
        {
            // Ignoring case: each type is one hint name, and Roslyn (like Windows and macOS file systems) compares those case-insensitively.
            names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ConverterHolder };
            _typeNamesByNamespace.Add(ns, names);
        }

        return names;
    }

    /// <summary>The namespace a definition's class lives in (used to place resource clients next to their kind).</summary>
    public string NamespaceOfDefinition(string definitionName) => _namer.NamespaceOf(definitionName);

    public bool TryFindDefinition(string name, out JsonElement schema, out SpecCatalog? owner)
    {
        foreach (var catalog in _catalogs)
        {
            if (catalog.TryGetDefinition(name, out schema))
            {
                owner = catalog;
                return true;
            }
        }

        schema = default;
        owner = null;
        return false;
    }

    /// <summary>Maps a schema that appears at <paramref name="context"/> (used for naming inline objects and in diagnostics).</summary>
    public TypeRef Map(JsonElement schema, InlineContext context)
    {
        if (_depth == MaxNesting)
        {
            _cut = true;
            return TypeRef.RawJson;
        }

        _depth++;
        try
        {
            return MapNested(schema, context);
        }
        finally
        {
            _depth--;
            if (_depth == 0 && _cut)
            {
                _cut = false;
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.SchemaTooDeep, context.SourcePath, context.DisplayName, MaxNesting.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
    }

    private TypeRef MapNested(JsonElement schema, InlineContext context)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return TypeRef.RawJson;
        }

        if (SpecSchemas.ReferenceOf(schema) is { } reference)
        {
            return MapReference(reference, context.DisplayName, context.SourcePath);
        }

        if (IsTrue(schema, "x-kubernetes-int-or-string"))
        {
            return TypeRef.IntOrString;
        }

        if (schema.TryGetProperty("anyOf", out _) || schema.TryGetProperty("oneOf", out _))
        {
            return Unmappable(context, "anyOf/oneOf other than int-or-string");
        }

        var type = TypeOf(schema, context, out var typeIsValid);
        if (!typeIsValid)
        {
            return TypeRef.RawJson;
        }

        switch (type)
        {
            case "string":
                return StringFormat(schema);
            case "integer":
                return FormatOf(schema) == "int32" ? TypeRef.Int32 : TypeRef.Int64;
            case "number":
                return TypeRef.Double;
            case "boolean":
                return TypeRef.Boolean;
            case "array":
                return schema.TryGetProperty("items", out var items)
                    ? TypeRef.List(Map(items, context.ForItems()))
                    : TypeRef.List(TypeRef.RawJson);
            case null:
            case "object":
                if (HasProperties(schema))
                {
                    return RegisterInline(schema, context);
                }

                if (schema.TryGetProperty("additionalProperties", out var additional))
                {
                    return additional.ValueKind switch
                    {
                        JsonValueKind.Object => TypeRef.Map(Map(additional, context.ForValues())),
                        JsonValueKind.True => TypeRef.Map(TypeRef.RawJson),
                        _ => TypeRef.RawJson,
                    };
                }

                // preserve-unknown-fields, embedded resources without a schema, and free-form objects.
                return TypeRef.RawJson;
            default:
                return Unmappable(context, $"type '{type}'");
        }
    }

    /// <summary>Maps a $ref such as "#/definitions/io.k8s.api.core.v1.Pod" or "#/components/schemas/...".</summary>
    public TypeRef MapReference(string reference, string referencedFrom, string? sourcePath)
    {
        var name = reference.Substring(reference.LastIndexOf('/') + 1);
        if (_byDefinition.TryGetValue(name, out var known))
        {
            return known;
        }

        if (s_wellKnown.TryGetValue(name, out var wellKnown))
        {
            _byDefinition[name] = wellKnown;
            return wellKnown;
        }

        if (!TryFindDefinition(name, out var schema, out var owner))
        {
            if (_reportedMissing.Add(name))
            {
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.MissingDefinition, sourcePath, referencedFrom, name));
            }

            return TypeRef.RawJson;
        }

        TypeRef result;
        if (HasProperties(schema))
        {
            var ns = _namer.NamespaceOf(name);
            var typeName = ReserveTypeName(ns, DefinitionNamer.TypeNameOf(name), name, owner!.Path);
            result = TypeRef.Object($"global::{_rootNamespace}.{ns}.{typeName}");
            _byDefinition[name] = result;
            _pending.Enqueue(new PendingType(ns, typeName, schema, name, ReadSingleKind(schema), owner.Path));
        }
        else
        {
            // Primitive or free-form definitions (e.g. a string alias) map to what they contain.
            _byDefinition[name] = TypeRef.RawJson;
            result = Map(schema, new InlineContext(_namer.NamespaceOf(name), DefinitionNamer.TypeNameOf(name), name, owner!.Path));
            _byDefinition[name] = result;
        }

        return result;
    }

    /// <summary>Converts every reached class to a <see cref="TypeModel"/>, following new references as they appear.</summary>
    public void Complete(System.Threading.CancellationToken cancellationToken)
    {
        while (_pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pending = _pending.Dequeue();
            _types.Add(BuildType(pending));
        }
    }

    private TypeModel BuildType(PendingType pending)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (pending.Schema.TryGetProperty("required", out var requiredArray) && requiredArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in requiredArray.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    required.Add(item.GetString()!);
                }
            }
        }

        // Members every generated class has or inherits, plus the class name itself (C# forbids a member named like its type).
        var memberNames = new HashSet<string>(s_reservedMembers, StringComparer.Ordinal) { pending.Name };
        var properties = new List<PropertyModel>();
        foreach (var property in DeclaredProperties(pending))
        {
            var baseName = CSharpNames.Pascal(property.Name);
            if (baseName == pending.Name || s_reservedMembers.Contains(baseName))
            {
                baseName += "Value";
            }

            var name = CSharpNames.Unique(baseName, memberNames);
            if (name != baseName)
            {
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.NameCollision, pending.SourcePath, "Property", $"{pending.DisplayName}.{property.Name}", name));
            }

            var context = new InlineContext(pending.Namespace, pending.Name + CSharpNames.Pascal(property.Name), $"{pending.DisplayName}.{property.Name}", pending.SourcePath);
            var type = Map(property.Value, context);
            var isRequired = required.Contains(property.Name);
            properties.Add(new PropertyModel(property.Name, name, type, isRequired, IsNullable(isRequired, type), SpecSchemas.DescriptionOf(property.Value)));
        }

        return new TypeModel(
            _rootNamespace + "." + pending.Namespace,
            pending.Namespace,
            pending.Name,
            SpecSchemas.DescriptionOf(pending.Schema),
            properties.ToImmutableEquatableArray(),
            pending.Kind,
            KubeObject: null,
            ObjectMeta: null,
            KubeList: null,
            HintName: $"{_rootNamespace}.{pending.Namespace}.{pending.Name}.g.cs");
    }

    /// <summary>
    /// Whether a property can say "absent": optional ones, and value types even when required, so that
    /// a required number or time the server left out (or sent as null) is not written back as a made-up default.
    /// </summary>
    private static bool IsNullable(bool required, TypeRef type) => !required || type.IsValueType;

    /// <summary>The properties of a schema, each name once: a name declared again replaces the earlier declaration in place (JSON readers keep the last value).</summary>
    private List<JsonProperty> DeclaredProperties(PendingType pending)
    {
        var declared = new List<JsonProperty>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in pending.Schema.GetProperty("properties").EnumerateObject())
        {
            if (positions.TryGetValue(property.Name, out var position))
            {
                declared[position] = property;
                _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.DuplicateProperty, pending.SourcePath, pending.DisplayName, property.Name));
            }
            else
            {
                positions.Add(property.Name, declared.Count);
                declared.Add(property);
            }
        }

        return declared;
    }

    /// <summary>The type a definition maps to, when the selection reached it.</summary>
    public TypeRef? TypeOfDefinition(string name) => _byDefinition.TryGetValue(name, out var value) ? value : null;

    private TypeRef RegisterInline(JsonElement schema, InlineContext context)
    {
        var typeName = ReserveTypeName(context.Namespace, context.TypeName, context.DisplayName, context.SourcePath);
        var result = TypeRef.Object($"global::{_rootNamespace}.{context.Namespace}.{typeName}");
        _pending.Enqueue(new PendingType(context.Namespace, typeName, schema, context.DisplayName, null, context.SourcePath));
        return result;
    }

    private string ReserveTypeName(string ns, string candidate, string displayName, string? sourcePath)
    {
        var names = TypeNamesIn(ns);
        var chosen = CSharpNames.Unique(candidate, names);
        if (chosen != candidate)
        {
            _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.NameCollision, sourcePath, "Type", displayName, $"{ns}.{chosen}"));
        }

        return chosen;
    }

    private TypeRef Unmappable(InlineContext context, string reason)
    {
        _diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.UnmappableSchema, context.SourcePath, context.DisplayName, reason));
        return TypeRef.RawJson;
    }

    private string? TypeOf(JsonElement schema, InlineContext context, out bool valid)
    {
        valid = true;
        if (!schema.TryGetProperty("type", out var type))
        {
            return null;
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return type.GetString();
        }

        if (type.ValueKind == JsonValueKind.Array)
        {
            // ["string", "null"] is a nullable string; any other union has no C# shape.
            var types = type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).Where(t => t != "null").ToList();
            if (types.Count == 1)
            {
                return types[0];
            }
        }

        valid = false;
        Unmappable(context, $"type {type.GetRawText()}");
        return null;
    }

    private static TypeRef StringFormat(JsonElement schema) => FormatOf(schema) switch
    {
        "byte" => TypeRef.Bytes,
        "date-time" => TypeRef.DateTime,
        "int-or-string" => TypeRef.IntOrString,
        _ => TypeRef.String,
    };

    private static string? FormatOf(JsonElement schema)
        => schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String ? format.GetString() : null;

    private static bool HasProperties(JsonElement schema)
        => schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.EnumerateObject().MoveNext();

    private static bool IsTrue(JsonElement schema, string name)
        => schema.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static GroupVersionKind? ReadSingleKind(JsonElement schema)
    {
        if (!schema.TryGetProperty("x-kubernetes-group-version-kind", out var gvks) || gvks.ValueKind != JsonValueKind.Array || gvks.GetArrayLength() != 1)
        {
            return null;
        }

        var gvk = gvks[0];
        string? Read(string name) => gvk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return Read("kind") is { } kind && Read("version") is { } version ? new GroupVersionKind(Read("group") ?? string.Empty, version, kind) : null;
    }

    private sealed record PendingType(string Namespace, string Name, JsonElement Schema, string DisplayName, GroupVersionKind? Kind, string? SourcePath);
}
