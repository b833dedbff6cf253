using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KubeGen.Generator.Pipeline;

/// <summary>What an additional file is to the generator, as its item metadata says.</summary>
internal enum InputFileKind
{
    /// <summary>Not ours.</summary>
    Other,

    /// <summary>A <c>KubernetesApi</c> item: a spec to generate a client from.</summary>
    Api,

    /// <summary>The committed spec lock (<c>KubeGenLock</c>).</summary>
    Lock,

    /// <summary>A server-version sidecar beside a fetched spec (<c>KubeGenServerVersion</c>).</summary>
    ServerVersion,
}

/// <summary>
/// An additional file, classified once from its metadata. Every later step starts from this one value,
/// so the compiler's file list is combined with the options and filtered once, not once per kind of file.
/// </summary>
internal sealed class InputFile : IEquatable<InputFile>
{
    private const string MetadataPrefix = "build_metadata.AdditionalFiles.";

    /// <summary>Every file that is not ours: one value, so edits to them leave the pipeline unchanged.</summary>
    private static readonly InputFile s_other = new(InputFileKind.Other, null, null);

    private InputFile(InputFileKind kind, AdditionalText? text, ClientSettings? settings)
    {
        Kind = kind;
        Text = text;
        Settings = settings;
    }

    public InputFileKind Kind { get; }

    /// <summary>The file (null for <see cref="InputFileKind.Other"/>). Compared by reference: the compiler keeps the instance while the file is unchanged.</summary>
    public AdditionalText? Text { get; }

    /// <summary>The item's settings, for <see cref="InputFileKind.Api"/>.</summary>
    public ClientSettings? Settings { get; }

    public static InputFile Classify(AdditionalText text, AnalyzerConfigOptionsProvider provider)
    {
        var options = provider.GetOptions(text);
        if (IsSet(options, "KubeGenApi"))
        {
            return new InputFile(InputFileKind.Api, text, ReadSettings(text, options, provider.GlobalOptions));
        }

        if (IsSet(options, "KubeGenLock"))
        {
            return new InputFile(InputFileKind.Lock, text, null);
        }

        return IsSet(options, "KubeGenServerVersion") ? new InputFile(InputFileKind.ServerVersion, text, null) : s_other;
    }

    public bool Equals(InputFile? other)
        => other is not null && Kind == other.Kind && ReferenceEquals(Text, other.Text) && Equals(Settings, other.Settings);

    public override bool Equals(object? obj) => obj is InputFile other && Equals(other);

    public override int GetHashCode() => unchecked(((int)Kind * 31) + (Settings?.GetHashCode() ?? 0));

    private static bool IsSet(AnalyzerConfigOptions options, string name)
        => options.TryGetValue(MetadataPrefix + name, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static ClientSettings ReadSettings(AdditionalText text, AnalyzerConfigOptions options, AnalyzerConfigOptions global)
    {
        string? Read(string name) => options.TryGetValue(MetadataPrefix + name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        global.TryGetValue("build_property.RootNamespace", out var rootNamespace);
        var ns = Read("Namespace") ?? (string.IsNullOrWhiteSpace(rootNamespace) ? "Kubernetes" : rootNamespace!.Trim() + ".Kubernetes");
        return new ClientSettings(text.Path, ns, Read("ClientName") ?? "KubeClient", Read("KubeGenResources"), Read("Cluster"), Read("KubeGenOptional"));
    }
}
