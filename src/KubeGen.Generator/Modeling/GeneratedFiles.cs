using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Modeling;

/// <summary>Splits a client's model into its generated files, each with only the part it is written from.</summary>
internal static class GeneratedFiles
{
    public static ImmutableEquatableArray<GeneratedFileModel> Of(ClientModel model)
    {
        var files = new List<GeneratedFileModel>();
        var selection = string.Join(", ", model.GroupVersions.SelectMany(g => g.Resources.Select(r => r.Plural + (r.Group.Length == 0 ? string.Empty : "." + r.Group))));
        var root = new ClientRootModel(
            model.RootNamespace,
            model.ClientName,
            selection,
            model.GroupVersions.Select(g => new GroupVersionRefModel(g.Namespace, g.PropertyName, g.ClassName, g.DisplayName)).ToImmutableEquatableArray(),
            model.Rbac.Rules,
            model.LeaderElection,
            model.EventSink);
        files.Add(new GeneratedFileModel(model.HintPrefix + ".g.cs", GeneratedFileKind.ClientRoot, Root: root));
        files.AddRange(model.Options.Select(o => new GeneratedFileModel(o.HintName, GeneratedFileKind.Options, Options: new OptionsFileModel(model.RootNamespace, model.ClientName, o))));
        foreach (var groupVersion in model.GroupVersions)
        {
            var resources = groupVersion.Resources.Select(r => new ResourceRefModel(r.PropertyName, r.ClientClassName, r.Kind, r.Plural, r.Availability)).ToImmutableEquatableArray();
            files.Add(new GeneratedFileModel(groupVersion.HintName, GeneratedFileKind.GroupVersion, GroupVersion: new GroupVersionFileModel(groupVersion.Namespace, groupVersion.ClassName, groupVersion.DisplayName, resources)));
            files.AddRange(groupVersion.Resources.Select(r => new GeneratedFileModel(r.HintName, GeneratedFileKind.ResourceClient, Resource: new ResourceFileModel(groupVersion.Namespace, r))));
        }

        files.AddRange(model.Types.Select(t => new GeneratedFileModel(t.HintName, GeneratedFileKind.Model, Type: t)));
        return files.ToImmutableEquatableArray();
    }
}
