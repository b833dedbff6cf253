using System.Text.Json.Nodes;

namespace KubeGen.Testing.Tests.Infrastructure;

/// <summary>Reads a watch response line by line.</summary>
public sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public System.Net.HttpStatusCode StatusCode => _response.StatusCode;

    public string? ContentType => _response.Content.Headers.ContentType?.ToString();

    public static async Task<WatchStream> OpenAsync(HttpClient client, string pathAndQuery)
    {
        HttpResponseMessage response = await client.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, Emulator.Ct);
        Stream stream = await response.Content.ReadAsStreamAsync(Emulator.Ct);
        return new WatchStream(response, new StreamReader(stream));
    }

    /// <summary>The next event, or null at the end of the stream; throws on timeout.</summary>
    public async Task<JsonNode?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Emulator.Ct);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        string? line = await _reader.ReadLineAsync(cts.Token);
        return line is null ? null : JsonNode.Parse(line);
    }

    /// <summary>Events until one matches, skipping bookmarks unless asked for.</summary>
    public async Task<JsonNode> NextOfTypeAsync(string type, TimeSpan? timeout = null)
    {
        while (true)
        {
            JsonNode e = await NextAsync(timeout) ?? throw new InvalidOperationException("watch ended");
            if (e.Str("type") == type)
            {
                return e;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
