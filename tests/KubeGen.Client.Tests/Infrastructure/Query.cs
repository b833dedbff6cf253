using KubeGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace KubeGen.Client.Tests.Infrastructure;

internal static class Query
{
    /// <summary>The decoded query parameters of a recorded request, in order, with repeats.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parameters(this RecordedRequest request)
    {
        int question = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return [];
        }

        var parameters = new List<KeyValuePair<string, string>>();
        var reader = new QueryStringEnumerable(request.PathAndQuery[question..]);
        foreach (QueryStringEnumerable.EncodedNameValuePair pair in reader)
        {
            parameters.Add(new(pair.DecodeName().ToString(), pair.DecodeValue().ToString()));
        }

        return parameters;
    }

    /// <summary>The path of a recorded request, without the query.</summary>
    public static string Path(this RecordedRequest request)
    {
        int question = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? request.PathAndQuery : request.PathAndQuery[..question];
    }
}
