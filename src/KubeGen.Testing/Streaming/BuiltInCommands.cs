using System.Globalization;
using System.Text;

namespace KubeGen.Testing.Streaming;

/// <summary>
/// What exec runs when a test sets no <see cref="PodExecHandler"/>: a few commands every container image has, enough for
/// kubectl and samples (<c>echo</c>, <c>cat</c>, <c>true</c>, <c>false</c>, <c>hostname</c>, <c>env</c>, <c>sleep</c>), and
/// <c>sh -c</c> with a script of those joined by <c>;</c>, plus <c>exit N</c> and <c>echo … &gt;&amp;2</c>. Anything else
/// fails the way a container runtime reports a missing executable. Attach, by default, echoes standard input.
/// </summary>
internal static class BuiltInCommands
{
    public static async Task<int> ExecAsync(PodExecRequest request, CancellationToken cancellationToken)
    {
        if (request.Command is ["sh" or "/bin/sh" or "bash" or "/bin/bash", "-c", string script])
        {
            int code = 0;
            foreach (string statement in script.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                List<string> words = Words(statement);
                if (words is ["exit", .. var rest])
                {
                    return rest is [string n] && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int exit) ? exit : code;
                }

                code = await RunAsync(request, words, cancellationToken);
            }

            return code;
        }

        return await RunAsync(request, request.Command, cancellationToken);
    }

    public static async Task<int> AttachAsync(PodExecRequest request, CancellationToken cancellationToken)
    {
        await request.Stdin.CopyToAsync(request.Stdout, cancellationToken);
        return 0;
    }

    private static async Task<int> RunAsync(PodExecRequest request, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        Stream output = request.Stdout;
        string[] words = [.. command];
        if (words is [.. var rest, ">&2" or "1>&2"])
        {
            output = request.Stderr;
            words = rest;
        }

        switch (words)
        {
            case ["echo", .. var text]:
                await WriteAsync(output, string.Join(' ', text) + "\n", cancellationToken);
                return 0;
            case ["cat"]:
                await request.Stdin.CopyToAsync(output, cancellationToken);
                return 0;
            case ["true"]:
                return 0;
            case ["false"]:
                return 1;
            case ["hostname"]:
                await WriteAsync(output, request.Pod + "\n", cancellationToken);
                return 0;
            case ["env"]:
                await WriteAsync(output, $"HOSTNAME={request.Pod}\nKUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\n", cancellationToken);
                return 0;
            case ["sleep", string seconds] when double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double wait):
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
                return 0;
            default:
                string name = words.Length > 0 ? words[0] : "";
                throw new PodExecFailedException(
                    $"OCI runtime exec failed: exec failed: unable to start container process: exec: \"{name}\": executable file not found in $PATH: unknown");
        }
    }

    private static Task WriteAsync(Stream output, string text, CancellationToken cancellationToken)
        => output.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).AsTask();

    /// <summary>Splits a shell statement into words: blanks separate, single and double quotes group.</summary>
    private static List<string> Words(string statement)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool any = false;
        char quote = '\0';
        foreach (char c in statement)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                any = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (any || word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    any = false;
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (any || word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
