namespace KubeGen.Runtime;

/// <summary>
/// A kubeconfig cannot be used: it is not valid YAML, a context, cluster or user it names is missing, a
/// field has a value KubeGen cannot use, a file it points at cannot be read, or its exec credential plugin
/// failed. The message names the file and the field; it never holds a token, a key or a plugin's output.
/// </summary>
public sealed class KubeconfigException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public KubeconfigException(string message, string? file, string? field, Exception? innerException = null)
        : base(message, innerException)
    {
        File = file;
        Field = field;
    }

    /// <summary>The kubeconfig file the problem is in, when one is.</summary>
    public string? File { get; }

    /// <summary>The field, as a path such as <c>users[alice].user.client-key</c>, when one is.</summary>
    public string? Field { get; }

    /// <summary>Builds the exception with the file and field at the start of the message.</summary>
    internal static KubeconfigException At(string? file, string? field, string problem, Exception? inner = null)
    {
        string where = (file, field) switch
        {
            (not null, not null) => $"kubeconfig '{file}', field {field}: ",
            (not null, null) => $"kubeconfig '{file}': ",
            (null, not null) => $"kubeconfig field {field}: ",
            _ => "kubeconfig: ",
        };
        return new KubeconfigException(where + problem, file, field, inner);
    }
}
