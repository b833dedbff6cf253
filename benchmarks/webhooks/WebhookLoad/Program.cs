using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

// Sends AdmissionReviews to a running webhook at a fixed rate (open loop: each request is due at
// start + i / rate and its latency is measured from that moment, so a slow answer cannot hide the
// requests queued behind it) and prints latency percentiles per path, and the webhook's RSS.
//   WebhookLoad --url https://127.0.0.1:PORT --ca ca.crt [--rate 200] [--seconds 30] [--warmup 5] [--pid PID]
//               --path /validate/NAME [--path /mutate/NAME]...
var options = Options.Parse(args);
using var client = CreateClient(options);
string podJson = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}""";

Console.WriteLine(Invariant($"webhook RSS before any request: {Rss(options.Pid)}"));
foreach (string path in options.Paths)
{
    await RunAsync(path, options.Warmup, record: false);
    (List<double> latencies, int errors, double achieved) = await RunAsync(path, options.Seconds, record: true);
    latencies.Sort();
    Console.WriteLine(Invariant(
        $"{path}: {latencies.Count} requests at {achieved:0.0}/s, {errors} errors; latency ms p50 {P(latencies, 50):0.00}, p90 {P(latencies, 90):0.00}, p99 {P(latencies, 99):0.00}, p99.9 {P(latencies, 99.9):0.00}, max {latencies[^1]:0.00}"));
}

Console.WriteLine(Invariant($"webhook RSS after the load: {Rss(options.Pid)}"));
return 0;

async Task<(List<double> Latencies, int Errors, double Achieved)> RunAsync(string path, int seconds, bool record)
{
    int total = options.Rate * seconds;
    var latencies = new List<double>(total);
    int errors = 0;
    var pending = new List<Task>(total);
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < total; i++)
    {
        TimeSpan due = TimeSpan.FromSeconds((double)i / options.Rate);
        TimeSpan wait = due - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait);
        }

        pending.Add(Task.Run(async () =>
        {
            string review = $$$"""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"{{{Guid.NewGuid()}}}","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"name":"web","namespace":"default","operation":"CREATE","userInfo":{"username":"bench"},"object":{{{podJson}}},"dryRun":false}}""";
            using var content = new StringContent(review, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            bool ok;
            try
            {
                using HttpResponseMessage response = await client.PostAsync(path + "?timeout=10s", content);
                string body = await response.Content.ReadAsStringAsync();
                ok = response.StatusCode == HttpStatusCode.OK && body.Contains("\"allowed\":true", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                ok = false;
            }

            double milliseconds = (clock.Elapsed - due).TotalMilliseconds;
            lock (latencies)
            {
                if (ok)
                {
                    latencies.Add(milliseconds);
                }
                else
                {
                    errors++;
                }
            }
        }));
    }

    await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(60));
    double achieved = total / clock.Elapsed.TotalSeconds;
    return (record ? latencies : [], errors, achieved);
}

static HttpClient CreateClient(Options options)
{
    X509Certificate2Collection authorities = [];
    authorities.ImportFromPemFile(options.Ca);
    var handler = new SocketsHttpHandler
    {
        EnableMultipleHttp2Connections = true,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            },
        },
    };
    return new HttpClient(handler)
    {
        BaseAddress = options.Url,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };
}

static double P(List<double> sorted, double percentile)
    => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1)];

static string Rss(int? pid)
{
    if (pid is null || !File.Exists($"/proc/{pid}/status"))
    {
        return "n/a";
    }

    string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return line is null ? "n/a" : line["VmRSS:".Length..].Trim();
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

internal sealed record Options(Uri Url, string Ca, int Rate, int Seconds, int Warmup, int? Pid, List<string> Paths)
{
    public static Options Parse(string[] args)
    {
        Uri? url = null;
        string? ca = null;
        int rate = 200, seconds = 30, warmup = 5;
        int? pid = null;
        var paths = new List<string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            switch (args[i])
            {
                case "--url": url = new Uri(value); break;
                case "--ca": ca = value; break;
                case "--rate": rate = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--pid": pid = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--path": paths.Add(value); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        return new Options(url ?? throw new ArgumentException("--url is required"), ca ?? throw new ArgumentException("--ca is required"), rate, seconds, warmup, pid, paths);
    }
}
