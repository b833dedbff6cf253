using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// The methods of the streaming subresources of a pod. One spec operation becomes the calls people make with it:
/// <c>pods/log</c> is <c>GetLogAsync</c> (the text), <c>StreamLogAsync</c> (a stream) and <c>StreamLogLinesAsync</c> (lines);
/// <c>pods/exec</c> is <c>ExecAsync</c> (a session) and <c>RunAsync</c> (run to the end); <c>pods/attach</c> is
/// <c>AttachAsync</c>; <c>pods/portforward</c> is <c>PortForwardAsync</c> (a local listener) and <c>ConnectPortAsync</c>
/// (one connection). What each call always sends is decided here, the defaults kubectl uses: output and error streams
/// unless asked otherwise, no error stream with a terminal (it goes to the output).
/// </summary>
internal static class StreamingOperations
{
    private static readonly ArgumentModel Command = new(
        "command", "global::System.Collections.Generic.IEnumerable<string>", "command", "The command and its arguments (argv, not run in a shell: use \"sh\", \"-c\", \"...\" for one).", IsReference: true);

    private static readonly ArgumentModel Port = new("port", "int", "ports", "The pod's port.", IsReference: false);

    public static IEnumerable<OperationModel> For(OperationDraft draft, OptionsBuilder options)
    {
        var use = OptionsBuilder.TakesOptions(draft) ? options.UseFor(draft) : null;
        OperationModel Call(string name, OperationResult result, ImmutableEquatableArray<ArgumentModel>? arguments = null, ImmutableEquatableArray<FixedQueryModel>? fixedQuery = null, OptionsUseModel? sent = null)
            => new(name, draft.Kind, draft.Subresource, draft.HttpMethod, draft.Path, null, null, sent ?? use, result, draft.Description, draft.Verb, null, arguments, fixedQuery);

        switch (draft.Subresource)
        {
            case SubresourceKind.Log:
                yield return Call("GetLogAsync", OperationResult.Text);
                yield return Call("StreamLogAsync", OperationResult.TextStream);
                yield return Call("StreamLogLinesAsync", OperationResult.TextLines);
                break;
            case SubresourceKind.Exec:
                yield return Call("ExecAsync", OperationResult.ExecSession, Arguments(Command), OutputDefaults(use), Without(use, "stdout", "stderr"));
                yield return Call("RunAsync", OperationResult.ExecRun, Arguments(Command), RunQuery(use), Without(use, "stdin", "stdout", "stderr"));
                break;
            case SubresourceKind.Attach:
                yield return Call("AttachAsync", OperationResult.ExecSession, fixedQuery: OutputDefaults(use), sent: Without(use, "stdout", "stderr"));
                break;
            case SubresourceKind.PortForward:
                yield return Call("PortForwardAsync", OperationResult.PortForwarder, Arguments(Port));
                yield return Call("ConnectPortAsync", OperationResult.PortStream, Arguments(Port));
                break;
        }
    }

    private static ImmutableEquatableArray<ArgumentModel> Arguments(params ArgumentModel[] arguments) => arguments.ToImmutableEquatableArray();

    /// <summary>A session gets standard output and standard error unless its options say otherwise; with a terminal, no error stream (kubectl's rule).</summary>
    private static ImmutableEquatableArray<FixedQueryModel> OutputDefaults(OptionsUseModel? use)
    {
        var tty = Property(use, "tty");
        return new[]
        {
            new FixedQueryModel("stdout", Property(use, "stdout") is { } stdout ? $"options?.{stdout} ?? true" : "true"),
            new FixedQueryModel("stderr", Property(use, "stderr") is { } stderr ? $"options?.{stderr} ?? {NoTerminal(tty)}" : NoTerminal(tty)),
        }.ToImmutableEquatableArray();
    }

    /// <summary>A run reads both outputs to the end, and has standard input exactly when it is given some.</summary>
    private static ImmutableEquatableArray<FixedQueryModel> RunQuery(OptionsUseModel? use)
        => new[]
        {
            new FixedQueryModel("stdin", "stdin is not null"),
            new FixedQueryModel("stdout", "true"),
            new FixedQueryModel("stderr", NoTerminal(Property(use, "tty"))),
        }.ToImmutableEquatableArray();

    private static string NoTerminal(string? ttyProperty) => ttyProperty is null ? "true" : $"options?.{ttyProperty} != true";

    private static string? Property(OptionsUseModel? use, string jsonName) => use?.PropertyFor(jsonName);

    /// <summary>The options' parameters but those the call sends itself.</summary>
    private static OptionsUseModel? Without(OptionsUseModel? use, params string[] jsonNames)
        => use is null ? null : use with { Sent = use.Sent.Where(p => !jsonNames.Contains(p.JsonName)).ToImmutableEquatableArray() };
}
