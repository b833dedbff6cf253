using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>
/// Emits one model class and its reflection-free JSON converter. The converter matches property
/// names on their UTF-8 bytes (grouped by length), keeps unknown fields in <c>ExtensionData</c>
/// and writes them back, so a read-modify-write against a newer server loses nothing.
/// </summary>
internal static class ModelEmitter
{
    private const string Reader = CSharpTypes.Runtime + "KubeJsonReader";
    private const string TokenType = "global::System.Text.Json.JsonTokenType";

    public static string Emit(TypeModel type)
    {
        var w = new SourceWriter();
        EmitterHeader.Write(w);
        using (w.Block($"namespace {type.Namespace}"))
        {
            EmitClass(w, type);
            w.Line();
            EmitConverter(w, type);
        }

        return w.ToString();
    }

    private static void EmitClass(SourceWriter w, TypeModel type)
    {
        w.Doc("summary", type.Description ?? $"The {type.Name} type of the Kubernetes API.");
        var interfaces = new List<string>();
        if (type.KubeObject is not null)
        {
            interfaces.Add(CSharpTypes.Runtime + "IKubeObject");
        }

        if (type.ObjectMeta is not null)
        {
            interfaces.Add(CSharpTypes.Runtime + "IKubeObjectMetadata");
        }

        if (type.KubeList is { } list)
        {
            interfaces.Add($"{CSharpTypes.Runtime}IKubeList<{list.ItemType}>");
        }

        interfaces.AddRange(ControllerContractEmitter.Interfaces(type));

        var bases = interfaces.Count == 0 ? string.Empty : " : " + string.Join(", ", interfaces);
        using (w.Block($"public sealed partial class {type.Name}{bases}"))
        {
            if (type.Kind is { } gvk)
            {
                w.Doc("summary", $"The apiVersion of {gvk.Kind}: \"{gvk.ApiVersion}\".");
                w.Line($"public const string KubeApiVersion = {SourceWriter.Literal(gvk.ApiVersion)};");
                w.Line();
                w.Doc("summary", $"The kind: \"{gvk.Kind}\".");
                w.Line($"public const string KubeKind = {SourceWriter.Literal(gvk.Kind)};");
                w.Line();
            }

            foreach (var property in type.Properties)
            {
                w.Doc("summary", property.Description);
                if (property.Required)
                {
                    w.Line("/// <remarks>Required by the API.</remarks>");
                }

                AvailabilityEmitter.Write(w, property.Availability);
                var initializer = !property.Nullable && !property.Type.IsValueType ? " = default!;" : string.Empty;
                w.Line($"[global::System.Text.Json.Serialization.JsonPropertyName({SourceWriter.Literal(property.JsonName)})]");
                if (property.Storage == PropertyStorage.UtcTicks)
                {
                    var field = "_" + property.Name;
                    w.Line($"public {CSharpTypes.PropertyType(property)} {property.Name} {{ get => {CSharpTypes.Runtime}KubeTime.FromStored({field}); set => {field} = {CSharpTypes.Runtime}KubeTime.ToStored(value); }}");
                    w.Line();
                    w.Line($"private long {field};");
                }
                else
                {
                    w.Line($"public {CSharpTypes.PropertyType(property)} {property.Name} {{ get; set; }}{initializer}");
                }

                w.Line();
            }

            w.Doc("summary", "Fields the spec does not describe (for example from a newer server), kept so that writing the object back loses nothing.");
            w.Line("[global::System.Text.Json.Serialization.JsonExtensionData]");
            w.Line($"public global::System.Collections.Generic.IDictionary<string, {CSharpTypes.JsonElement}>? ExtensionData {{ get; set; }}");
            w.Line();
            w.Doc("summary", $"Reflection-free JSON metadata for {type.Name}, for use with System.Text.Json.JsonSerializer.");
            w.Line($"public static global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{type.Name}> JsonTypeInfo => s_jsonTypeInfo ??= {CSharpTypes.Runtime}KubeJsonTypeInfo.Create(KubeGenJson.{type.Name}Converter.Instance);");
            w.Line();
            w.Line($"private static global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{type.Name}>? s_jsonTypeInfo;");
            EmitInterfaceMembers(w, type);
            ControllerContractEmitter.WriteMembers(w, type);
        }
    }

    private static void EmitInterfaceMembers(SourceWriter w, TypeModel type)
    {
        if (type.KubeObject is { } kubeObject)
        {
            w.Line();
            w.Line($"string? {CSharpTypes.Runtime}IKubeObject.ApiVersion {{ get => {kubeObject.ApiVersionProperty}; set => {kubeObject.ApiVersionProperty} = value!; }}");
            w.Line();
            w.Line($"string? {CSharpTypes.Runtime}IKubeObject.Kind {{ get => {kubeObject.KindProperty}; set => {kubeObject.KindProperty} = value!; }}");
            w.Line();
            w.Line($"{CSharpTypes.Runtime}IKubeObjectMetadata? {CSharpTypes.Runtime}IKubeObject.ObjectMetadata => {kubeObject.MetadataProperty};");
        }

        if (type.ObjectMeta is { } objectMeta)
        {
            foreach (var member in objectMeta.Members)
            {
                w.Line();
                w.Line($"{MemberType(member.Member)} {CSharpTypes.Runtime}IKubeObjectMetadata.{member.Member} => {member.PropertyName ?? "null"};");
            }
        }

        if (type.KubeList is { } list)
        {
            var contract = $"{CSharpTypes.Runtime}IKubeList<{list.ItemType}>";
            w.Line();
            w.Line($"global::System.Collections.Generic.IList<{list.ItemType}>? {contract}.Items => {list.ItemsProperty};");
            w.Line();
            w.Line($"string? {contract}.Continue => {(list.ContinueProperty is { } c ? $"{list.MetadataProperty}?.{c}" : "null")};");
            w.Line();
            w.Line($"string? {contract}.ResourceVersion => {(list.ResourceVersionProperty is { } v ? $"{list.MetadataProperty}?.{v}" : "null")};");
        }
    }

    /// <summary>The C# type of an IKubeObjectMetadata member, as the runtime declares it.</summary>
    private static string MemberType(ObjectMetaMember member) => member switch
    {
        ObjectMetaMember.Generation => "long?",
        ObjectMetaMember.DeletionTimestamp => "global::System.DateTimeOffset?",
        ObjectMetaMember.Labels or ObjectMetaMember.Annotations => "global::System.Collections.Generic.IDictionary<string, string>?",
        _ => "string?",
    };

    private static void EmitConverter(SourceWriter w, TypeModel type)
    {
        using var _ = w.Block("internal static partial class KubeGenJson");
        w.Doc("summary", $"Reads and writes {type.Name} without reflection.");
        using var __ = w.Block($"internal sealed class {type.Name}Converter : global::System.Text.Json.Serialization.JsonConverter<{type.Name}>");
        w.Line($"public static readonly {type.Name}Converter Instance = new();");
        for (var i = 0; i < type.Properties.Count; i++)
        {
            w.Line($"private static readonly global::System.Text.Json.JsonEncodedText s_name{i} = global::System.Text.Json.JsonEncodedText.Encode({SourceWriter.Literal(type.Properties[i].JsonName)});");
        }

        w.Line();
        w.Line($"public override {type.Name}? Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options)");
        w.Line($"    => {Reader}.IsNull(ref reader) ? null : ReadObject(ref reader);");
        w.Line();
        w.Line($"public override void Write(global::System.Text.Json.Utf8JsonWriter writer, {type.Name} value, global::System.Text.Json.JsonSerializerOptions options)");
        w.Line("    => WriteObject(writer, value);");
        w.Line();
        EmitReadObject(w, type);
        w.Line();
        EmitWriteObject(w, type);
    }

    private static void EmitReadObject(SourceWriter w, TypeModel type)
    {
        using var _ = w.Block($"public static {type.Name} ReadObject(ref global::System.Text.Json.Utf8JsonReader reader)");
        w.Line($"{Reader}.ExpectStartObject(ref reader, {SourceWriter.Literal(type.Name)});");
        w.Line($"var value = new {type.Name}();");
        using (w.Block($"while ({Reader}.ReadNext(ref reader, {TokenType}.EndObject))"))
        {
            w.Line($"var name = {Reader}.PropertyName(ref reader);");
            w.Line($"{Reader}.MoveToValue(ref reader);");
            if (type.Properties.Count > 0)
            {
                using (w.Block("switch (name.Length)"))
                {
                    foreach (var group in type.Properties.GroupBy(p => Encoding.UTF8.GetByteCount(p.JsonName)).OrderBy(g => g.Key))
                    {
                        w.Line($"case {group.Key.ToString(CultureInfo.InvariantCulture)}:");
                        w.OpenBrace();
                        foreach (var property in group)
                        {
                            using (w.Block($"if (global::System.MemoryExtensions.SequenceEqual(name, {SourceWriter.Literal(property.JsonName)}u8))"))
                            {
                                EmitReadInto(w, property.Type, "value." + property.Name, property.Nullable, 0);
                                w.Line("continue;");
                            }
                        }

                        w.Line("break;");
                        w.Close();
                    }
                }
            }

            w.Line($"value.ExtensionData = {Reader}.AddUnknown(value.ExtensionData, name, ref reader);");
        }

        w.Line("return value;");
    }

    /// <summary>Writes statements that read the current JSON value into <paramref name="target"/>.</summary>
    private static void EmitReadInto(SourceWriter w, TypeRef type, string target, bool nullable, int depth)
    {
        if (type.Kind is ValueKind.List or ValueKind.Map)
        {
            var local = (type.Kind == ValueKind.List ? "list" : "map") + depth.ToString(CultureInfo.InvariantCulture);
            var element = type.Element!;
            using (w.Block($"if ({Reader}.IsNull(ref reader))"))
            {
                w.Line($"{target} = null{(nullable ? string.Empty : "!")};");
            }

            using (w.Block("else"))
            {
                w.Line($"var {local} = new {CSharpTypes.ReadingCollection(type)}();");
                if (type.Kind == ValueKind.List)
                {
                    w.Line($"{Reader}.ExpectStartArray(ref reader);");
                    using (w.Block($"while ({Reader}.ReadNext(ref reader, {TokenType}.EndArray))"))
                    {
                        var item = "item" + depth.ToString(CultureInfo.InvariantCulture);
                        w.Line($"{CSharpTypes.Name(element)} {item};");
                        EmitReadInto(w, element, item, nullable: false, depth + 1);
                        w.Line($"{local}.Add({item});");
                    }
                }
                else
                {
                    w.Line($"{Reader}.ExpectStartObject(ref reader, \"map\");");
                    using (w.Block($"while ({Reader}.ReadNext(ref reader, {TokenType}.EndObject))"))
                    {
                        var key = "key" + depth.ToString(CultureInfo.InvariantCulture);
                        var item = "item" + depth.ToString(CultureInfo.InvariantCulture);
                        w.Line($"var {key} = {CSharpTypes.Runtime}KubeJsonReader.PropertyNameString(ref reader);");
                        w.Line($"{Reader}.MoveToValue(ref reader);");
                        w.Line($"{CSharpTypes.Name(element)} {item};");
                        EmitReadInto(w, element, item, nullable: false, depth + 1);
                        w.Line($"{local}[{key}] = {item};");
                    }
                }

                w.Line($"{target} = {local}{(type.Kind == ValueKind.List ? ".ToList()" : string.Empty)};");
            }

            return;
        }

        w.Line($"{target} = {ReadExpression(type, nullable, inCollection: depth > 0 && !nullable)};");
    }

    private static string ReadExpression(TypeRef type, bool nullable, bool inCollection)
    {
        if (type.Kind == ValueKind.RawJson)
        {
            // A null inside an array or map stays a JSON null; a null field means "absent".
            return inCollection ? "global::System.Text.Json.JsonElement.ParseValue(ref reader)" : $"{Reader}.ReadRaw(ref reader)";
        }

        var expression = type.Kind switch
        {
            ValueKind.String => $"{Reader}.ReadString(ref reader)",
            ValueKind.Int32 => $"{Reader}.ReadInt32(ref reader)",
            ValueKind.Int64 => $"{Reader}.ReadInt64(ref reader)",
            ValueKind.Double => $"{Reader}.ReadDouble(ref reader)",
            ValueKind.Boolean => $"{Reader}.ReadBoolean(ref reader)",
            ValueKind.Bytes => $"{Reader}.ReadBytes(ref reader)",
            ValueKind.Time => $"{Reader}.ReadTime(ref reader)",
            ValueKind.MicroTime => $"{Reader}.ReadMicroTime(ref reader)",
            ValueKind.DateTime => $"{Reader}.ReadTime(ref reader)",
            ValueKind.Quantity => $"{Reader}.ReadQuantity(ref reader)",
            ValueKind.IntOrString => $"{Reader}.ReadIntOrString(ref reader)",
            _ => $"({Reader}.IsNull(ref reader) ? null : {CSharpTypes.ConverterOf(type.ObjectName!)}.ReadObject(ref reader))",
        };

        if (nullable)
        {
            return expression;
        }

        return type.IsValueType ? expression + ".GetValueOrDefault()" : expression + "!";
    }

    private static void EmitWriteObject(SourceWriter w, TypeModel type)
    {
        using var _ = w.Block($"public static void WriteObject(global::System.Text.Json.Utf8JsonWriter writer, {type.Name} value)");
        w.Line("writer.WriteStartObject();");
        for (var i = 0; i < type.Properties.Count; i++)
        {
            var property = type.Properties[i];
            var name = "s_name" + i.ToString(CultureInfo.InvariantCulture);
            var local = "p" + i.ToString(CultureInfo.InvariantCulture);
            if (!property.Nullable && property.Type.IsValueType)
            {
                w.Line($"writer.WritePropertyName({name});");
                EmitWriteValue(w, property.Type, "value." + property.Name, 0);
                continue;
            }

            using (w.Block($"if (value.{property.Name} is {{ }} {local})"))
            {
                w.Line($"writer.WritePropertyName({name});");
                EmitWriteValue(w, property.Type, local, 0);
            }
        }

        w.Line(CSharpTypes.Runtime + "KubeJsonWriter.WriteUnknown(writer, value.ExtensionData);");
        w.Line("writer.WriteEndObject();");
    }

    /// <summary>Writes statements that write the non-null <paramref name="expression"/>.</summary>
    private static void EmitWriteValue(SourceWriter w, TypeRef type, string expression, int depth)
    {
        var suffix = depth.ToString(CultureInfo.InvariantCulture);
        switch (type.Kind)
        {
            case ValueKind.String:
                w.Line($"writer.WriteStringValue({expression});");
                break;
            case ValueKind.Int32:
            case ValueKind.Int64:
            case ValueKind.Double:
                w.Line($"writer.WriteNumberValue({expression});");
                break;
            case ValueKind.Boolean:
                w.Line($"writer.WriteBooleanValue({expression});");
                break;
            case ValueKind.Bytes:
                w.Line($"writer.WriteBase64StringValue({expression});");
                break;
            case ValueKind.Time:
                w.Line($"{CSharpTypes.Runtime}KubeTime.WriteTime(writer, {expression});");
                break;
            case ValueKind.MicroTime:
                w.Line($"{CSharpTypes.Runtime}KubeTime.WriteMicroTime(writer, {expression});");
                break;
            case ValueKind.DateTime:
                w.Line($"{CSharpTypes.Runtime}KubeTime.WriteDateTime(writer, {expression});");
                break;
            case ValueKind.Quantity:
                w.Line($"{CSharpTypes.Runtime}ResourceQuantityJsonConverter.WriteValue(writer, {expression});");
                break;
            case ValueKind.IntOrString:
                w.Line($"{CSharpTypes.Runtime}IntOrStringJsonConverter.WriteValue(writer, {expression});");
                break;
            case ValueKind.RawJson:
                w.Line($"{expression}.WriteTo(writer);");
                break;
            case ValueKind.Object:
                w.Line($"{CSharpTypes.ConverterOf(type.ObjectName!)}.WriteObject(writer, {expression});");
                break;
            case ValueKind.List:
                w.Line("writer.WriteStartArray();");
                using (w.Block($"foreach (var item{suffix} in {expression})"))
                {
                    EmitWriteElement(w, type.Element!, "item" + suffix, depth + 1);
                }

                w.Line("writer.WriteEndArray();");
                break;
            default:
                w.Line("writer.WriteStartObject();");
                using (w.Block($"foreach (var pair{suffix} in {expression})"))
                {
                    w.Line($"writer.WritePropertyName(pair{suffix}.Key);");
                    EmitWriteElement(w, type.Element!, $"pair{suffix}.Value", depth + 1);
                }

                w.Line("writer.WriteEndObject();");
                break;
        }
    }

    private static void EmitWriteElement(SourceWriter w, TypeRef element, string expression, int depth)
    {
        if (element.IsValueType)
        {
            EmitWriteValue(w, element, expression, depth);
            return;
        }

        using (w.Block($"if ({expression} is null)"))
        {
            w.Line("writer.WriteNullValue();");
        }

        using (w.Block("else"))
        {
            EmitWriteValue(w, element, expression, depth);
        }
    }
}
