using System.Collections.Generic;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>
/// Writes the controller runtime's interfaces on model classes, as explicit members over the properties the model names:
/// IKubeControllerMetadata on ObjectMeta, IKubeOwnerReference on OwnerReference, IKubeCondition on condition items and
/// IApplyConfiguration on kinds (a kind is its own apply configuration: every property can be absent and absent ones are
/// not written). Each getter and setter is written so that it compiles whether the property is nullable or not, because
/// a client of several clusters may make a property nullable after the contract was decided.
/// </summary>
internal static class ControllerContractEmitter
{
    private const string Runtime = CSharpTypes.Runtime;

    /// <summary>The interfaces the type implements beyond IKubeObject, IKubeObjectMetadata and IKubeList.</summary>
    public static IEnumerable<string> Interfaces(TypeModel type)
    {
        if (type.KubeObject is not null)
        {
            yield return $"{Runtime}IApplyConfiguration<{type.Name}>";
        }

        if (type.ObjectMeta?.Controller is not null)
        {
            yield return Runtime + "IKubeControllerMetadata";
        }

        if (type.OwnerReference is not null)
        {
            yield return Runtime + "IKubeOwnerReference";
        }

        if (type.Condition is not null)
        {
            yield return Runtime + "IKubeCondition";
        }
    }

    public static void WriteMembers(SourceWriter w, TypeModel type)
    {
        if (type.KubeObject is not null)
        {
            var contract = $"{Runtime}IApplyConfiguration<{type.Name}>";
            w.Line();
            w.Line($"string? {contract}.Name => (({Runtime}IKubeObject)this).ObjectMetadata?.Name;");
            w.Line();
            w.Line($"string? {contract}.Namespace => (({Runtime}IKubeObject)this).ObjectMetadata?.Namespace;");
        }

        if (type.ObjectMeta?.Controller is { } controller)
        {
            const string Contract = Runtime + "IKubeControllerMetadata";
            w.Line();
            w.Line($"global::System.Collections.Generic.IList<string>? {Contract}.Finalizers {{ get => {controller.FinalizersProperty}; set => {controller.FinalizersProperty} = value!; }}");
            w.Line();
            w.Line($"global::System.Collections.Generic.IEnumerable<{Runtime}IKubeOwnerReference>? {Contract}.OwnerReferences => {controller.OwnerReferencesProperty};");
            w.Line();
            w.Line($"void {Contract}.ClearManagedFields() => {controller.ManagedFieldsProperty} = null;");
        }

        if (type.OwnerReference is { } owner)
        {
            const string Contract = Runtime + "IKubeOwnerReference";
            Getter(w, "string", Contract, "ApiVersion", owner.ApiVersion + " ?? string.Empty");
            Getter(w, "string", Contract, "Kind", owner.Kind + " ?? string.Empty");
            Getter(w, "string", Contract, "Name", owner.Name + " ?? string.Empty");
            Getter(w, "string", Contract, "Uid", owner.Uid + " ?? string.Empty");
            Getter(w, "bool?", Contract, "Controller", owner.Controller ?? "null");
            Getter(w, "bool?", Contract, "BlockOwnerDeletion", owner.BlockOwnerDeletion ?? "null");
        }

        if (type.Condition is { } condition)
        {
            const string Contract = Runtime + "IKubeCondition";
            Property(w, "string", Contract, "Type", condition.Type, nullable: false);
            Property(w, "string", Contract, "Status", condition.Status, nullable: false);
            Property(w, "string?", Contract, "Reason", condition.Reason, nullable: true);
            Property(w, "string?", Contract, "Message", condition.Message, nullable: true);
            Property(w, "global::System.DateTimeOffset?", Contract, "LastTransitionTime", condition.LastTransitionTime, nullable: true);
            Property(w, "long?", Contract, "ObservedGeneration", condition.ObservedGeneration, nullable: true);
        }
    }

    private static void Getter(SourceWriter w, string type, string contract, string member, string expression)
    {
        w.Line();
        w.Line($"{type} {contract}.{member} => {expression};");
    }

    /// <summary>A get/set member; without a property behind it, it reads null and ignores what is written.</summary>
    private static void Property(SourceWriter w, string type, string contract, string member, string? property, bool nullable)
    {
        w.Line();
        if (property is null)
        {
            w.Line($"{type} {contract}.{member} {{ get => null; set {{ }} }}");
        }
        else if (nullable)
        {
            w.Line($"{type} {contract}.{member} {{ get => {property}; set => {property} = value!; }}");
        }
        else
        {
            w.Line($"{type} {contract}.{member} {{ get => {property} ?? string.Empty; set => {property} = value; }}");
        }
    }
}
