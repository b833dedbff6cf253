using System.Globalization;

namespace KubeGen.Samples;

/// <summary>
/// The operator's output: one line per action on stdout, in a fixed format that scripts and tests
/// can match (<c>created default/app-config-summary</c>, <c>leader: acquired operator-0</c>), and one
/// line per problem on stderr. Lines from the elector's, the caches' and the worker's tasks never interleave.
/// </summary>
internal static class OperatorLog
{
    private static readonly Lock Gate = new();

    public static void Action(string line) => Write(Console.Out, line);

    public static void Error(string line) => Write(Console.Error, line);

    /// <summary>A failed API call as <c>error VERB ns/name: CODE Reason: message</c>.</summary>
    public static void ApiError(string verb, string key, KubeGen.Runtime.KubeApiException ex)
    {
        int code = ex.Status.Code != 0 ? ex.Status.Code : (int)ex.StatusCode;
        Error($"error {verb} {key}: {code.ToString(CultureInfo.InvariantCulture)} {ex.Status.Reason}: {ex.Status.Message}");
    }

    private static void Write(TextWriter writer, string line)
    {
        lock (Gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
