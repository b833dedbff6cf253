using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>Writes a per-verb options class: one nullable property per query parameter; null sends nothing.</summary>
internal static class OptionsEmitter
{
    public static string Emit(OptionsFileModel file)
    {
        var options = file.Options;
        var w = new SourceWriter();
        EmitterHeader.Write(w);
        using (w.Block($"namespace {file.RootNamespace}"))
        {
            w.Doc("summary", $"The query parameters of {Calls(options)} calls of {file.ClientName}, as the cluster's spec declares them. A parameter a newer cluster adds becomes another property; none moves. Null sends nothing.");
            using (w.Block($"public sealed partial class {options.Name}"))
            {
                var first = true;
                foreach (var property in options.Properties)
                {
                    if (!first)
                    {
                        w.Line();
                    }

                    first = false;
                    w.Doc("summary", property.Description ?? property.JsonName);
                    AvailabilityEmitter.Write(w, property.Availability);
                    w.Line($"public {CSharpTypes.Name(property.Type)}? {property.Name} {{ get; set; }}");
                }
            }
        }

        return w.ToString();
    }

    private static string Calls(OptionsTypeModel options) => options.Subresource switch
    {
        SubresourceKind.Log => "log",
        SubresourceKind.Exec => "exec",
        SubresourceKind.Attach => "attach",
        _ => Verb(options.Verb),
    };

    private static string Verb(OperationKind verb) => verb switch
    {
        OperationKind.Get => "get",
        OperationKind.List => "list",
        OperationKind.Watch => "single-connection watch",
        OperationKind.Create => "create",
        OperationKind.Replace => "replace (update)",
        OperationKind.Patch => "patch",
        OperationKind.Delete => "delete",
        _ => "delete-collection",
    };
}
