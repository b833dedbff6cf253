using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KubeGen.Testing.Streaming;

/// <summary>
/// The server side of a WebSocket handshake (RFC 6455) over Kestrel's HTTP/1.1 upgrade, as kube-apiserver's streaming
/// endpoints do it: the client's subprotocols are tried in the client's order and the first the endpoint speaks wins.
/// </summary>
internal static class WebSocketUpgrade
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Whether the request asks to upgrade to a WebSocket (<c>Connection: Upgrade</c>, <c>Upgrade: websocket</c>).</summary>
    public static bool IsWebSocketRequest(HttpContext context)
        => context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            && string.Equals(context.Request.Headers.Upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>The subprotocols the client offers, in its order.</summary>
    public static List<string> OfferedProtocols(HttpContext context)
        => context.Request.Headers.SecWebSocketProtocol
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();

    /// <summary>The first protocol of the client's that the endpoint supports, or null.</summary>
    public static string? Choose(HttpContext context, IReadOnlyCollection<string> supported)
        => OfferedProtocols(context).FirstOrDefault(supported.Contains);

    /// <summary>Answers 101 Switching Protocols with <paramref name="protocol"/> and returns the server end of the socket.</summary>
    public static async Task<WebSocket> AcceptAsync(HttpContext context, string protocol)
    {
        string key = context.Request.Headers.SecWebSocketKey.ToString();
        if (key.Length == 0 || context.Request.Headers.SecWebSocketVersion.ToString() != "13")
        {
            throw Http.StatusErrors.BadRequest("a WebSocket upgrade needs Sec-WebSocket-Key and Sec-WebSocket-Version: 13");
        }

        IHttpUpgradeFeature upgrade = context.Features.GetRequiredFeature<IHttpUpgradeFeature>();
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        context.Response.Headers.SecWebSocketProtocol = protocol;
        Stream stream = await upgrade.UpgradeAsync();
        // The protocol is not handed to the socket: .NET checks it against RFC 6455's token rules, which kubectl's
        // "SPDY/3.1+portforward.k8s.io" breaks ('/'); callers keep the protocol they chose.
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.FromSeconds(30) });
    }
}
