using System;
using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// The selected surface of one cluster's model as the spec lock records it: every generated operation
/// (method and HTTP route), options property, type and field with its type, one line each, sorted, so that
/// two surfaces compare line by line and a change reads as "field added: CoreV1.PodSpec.workloadRef".
/// </summary>
internal static class SelectedSurface
{
    public static ImmutableEquatableArray<string> Lines(ClientModel model)
    {
        var names = model.Types.ToDictionary(t => t.FullName, t => t.LocalNamespace + "." + t.Name, StringComparer.Ordinal);
        string Describe(TypeRef type) => SelectedSurface.Describe(type, names);
        var lines = new List<string>();
        foreach (var groupVersion in model.GroupVersions)
        {
            foreach (var resource in groupVersion.Resources)
            {
                foreach (var operation in resource.Operations)
                {
                    lines.Add($"operation {groupVersion.PropertyName}.{resource.PropertyName}.{operation.MethodName} {operation.HttpMethod.ToUpperInvariant()} {operation.Path.Template}");
                }
            }
        }

        foreach (var options in model.Options)
        {
            foreach (var property in options.Properties)
            {
                lines.Add($"option {options.Name}.{property.JsonName} {Describe(property.Type)}");
            }
        }

        foreach (var type in model.Types)
        {
            var name = type.LocalNamespace + "." + type.Name;
            lines.Add($"type {name}");
            foreach (var property in type.Properties)
            {
                lines.Add($"field {name}.{property.JsonName} {Describe(property.Type)}{(property.Required ? " required" : string.Empty)}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines.ToImmutableEquatableArray();
    }

    /// <summary>A type as the lock writes it: "string", "int32", "CoreV1.ObjectMeta", "list(string)", "map(quantity)".</summary>
    private static string Describe(TypeRef type, Dictionary<string, string> names) => type.Kind switch
    {
        ValueKind.Object => names.TryGetValue(type.ObjectName!, out var name) ? name : type.ObjectName!,
        ValueKind.List => "list(" + Describe(type.Element!, names) + ")",
        ValueKind.Map => "map(" + Describe(type.Element!, names) + ")",
        ValueKind.IntOrString => "int-or-string",
        ValueKind.RawJson => "json",
        _ => type.Kind.ToString().ToLowerInvariant(),
    };
}
