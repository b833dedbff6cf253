using System.Text.Json.Nodes;
using static KubeGen.Testing.Conversion.Defaulting;

namespace KubeGen.Testing.CustomResources;

/// <summary>apiextensions v1 <c>SetDefaults_CustomResourceDefinitionSpec</c>: the singular name and list kind from the kind, conversion <c>None</c>.</summary>
internal static class CrdDefaults
{
    public static void Apply(JsonObject crd)
    {
        JsonObject spec = Child(crd, "spec");
        JsonObject names = Child(spec, "names");
        string kind = Text(names["kind"]);
        String(names, "singular", kind.ToLowerInvariant());
        if (kind.Length > 0)
        {
            String(names, "listKind", kind + "List");
        }

        Pointer(spec, "conversion", new JsonObject { ["strategy"] = "None" });
    }
}
