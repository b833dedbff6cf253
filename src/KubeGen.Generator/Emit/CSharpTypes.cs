using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>C# spellings of <see cref="TypeRef"/>s.</summary>
internal static class CSharpTypes
{
    public const string Runtime = "global::KubeGen.Runtime.";
    public const string JsonElement = "global::System.Text.Json.JsonElement";

    public static string Name(TypeRef type) => type.Kind switch
    {
        ValueKind.String => "string",
        ValueKind.Int32 => "int",
        ValueKind.Int64 => "long",
        ValueKind.Double => "double",
        ValueKind.Boolean => "bool",
        ValueKind.Bytes => "byte[]",
        ValueKind.Time or ValueKind.MicroTime or ValueKind.DateTime => "global::System.DateTimeOffset",
        ValueKind.Quantity => Runtime + "ResourceQuantity",
        ValueKind.IntOrString => Runtime + "IntOrString",
        ValueKind.RawJson => JsonElement,
        ValueKind.Object => type.ObjectName!,
        ValueKind.List => $"global::System.Collections.Generic.IList<{Name(type.Element!)}>",
        _ => $"global::System.Collections.Generic.IDictionary<string, {Name(type.Element!)}>",
    };

    /// <summary>
    /// What reading a collection creates: a list builder (a list of exactly the items' number) or a compact map.
    /// Both are runtime types, sized for the short collections Kubernetes objects hold by the thousand in a cache.
    /// </summary>
    public static string ReadingCollection(TypeRef type) => type.Kind switch
    {
        ValueKind.List => $"{Runtime}KubeListBuilder<{Name(type.Element!)}>",
        ValueKind.Map => $"{Runtime}KubeMap<{Name(type.Element!)}>",
        _ => Name(type),
    };

    /// <summary>The property type: nullable where the model says the property can be absent.</summary>
    public static string PropertyType(PropertyModel property)
        => Name(property.Type) + (property.Nullable ? "?" : string.Empty);

    public const string CancellationToken = "global::System.Threading.CancellationToken";

    /// <summary>The generated converter that reads and writes an object type.</summary>
    public static string ConverterOf(string objectFullName)
    {
        var lastDot = objectFullName.LastIndexOf('.');
        return objectFullName.Substring(0, lastDot) + ".KubeGenJson." + objectFullName.Substring(lastDot + 1) + "Converter";
    }
}
