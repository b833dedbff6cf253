using KubeGen.FetchSpec;
using KubeGen.Runtime;

// kubegen-fetch-spec: see FetchOptions.Usage. Exit codes: 0 fetched, 1 failed (the message says why), 2 bad arguments.
return await FetchCommand.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);

namespace KubeGen.FetchSpec
{
    /// <summary>The command, callable in-process (tests) as well as from <c>Main</c>.</summary>
    internal static class FetchCommand
    {
        public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
        {
            if (args.Any(a => a is "--help" or "-h"))
            {
                output.WriteLine(FetchOptions.Usage);
                return 0;
            }

            FetchOptions options;
            try
            {
                options = FetchOptions.Parse(args);
            }
            catch (ArgumentException ex)
            {
                error.WriteLine($"error: {ex.Message}");
                error.WriteLine(FetchOptions.Usage);
                return 2;
            }

            try
            {
                var connect = new KubeConnectOptions { Context = options.Context, OnWarning = message => error.WriteLine($"warning: {message}") };
                foreach (string kubeconfig in options.Kubeconfigs)
                {
                    connect.KubeconfigFiles.Add(kubeconfig);
                }

                await using KubeConnection connection = KubeConnection.Connect(connect);
                await new SpecFetcher(connection, output).RunAsync(options, cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or KubeApiException or HttpRequestException or TimeoutException or IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                // Every message here is the runtime's: it names files and fields, never a token or a key.
                error.WriteLine($"error: {ex.Message}");
                return 1;
            }
        }
    }
}
