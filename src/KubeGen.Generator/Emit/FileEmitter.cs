using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>Writes one generated file with the writer its kind names.</summary>
internal static class FileEmitter
{
    public static string Emit(GeneratedFileModel file) => file.Kind switch
    {
        GeneratedFileKind.ClientRoot => ClientEmitter.EmitRoot(file.Root!),
        GeneratedFileKind.Options => OptionsEmitter.Emit(file.Options!),
        GeneratedFileKind.GroupVersion => ClientEmitter.EmitGroupVersion(file.GroupVersion!),
        GeneratedFileKind.ResourceClient => ResourceClientEmitter.Emit(file.Resource!),
        _ => ModelEmitter.Emit(file.Type!),
    };
}
