namespace KubeGen.Runtime;

/// <summary>
/// A response body handed to the caller as a plain stream: disposing it disposes the response, which ends the request
/// (an HTTP/1.1 connection is closed, an HTTP/2 stream reset), so a followed log stops at once on the server too.
/// </summary>
internal sealed class ResponseBodyStream(HttpResponseMessage response, Stream body) : ReadOnlyPassThroughStream(body)
{
    protected override void OnRead(ReadOnlySpan<byte> data)
    {
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            response.Dispose();
        }
    }
}
