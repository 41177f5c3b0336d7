using System.Collections.Concurrent;

namespace FilmTrip.Hook.Tests.EndToEnd;

/// <summary>
/// A closed-loop HTTP load (N clients, each sending GETs back to back) until stopped: the CI-sized
/// cousin of bench/load.js. Counts answers and keeps every failure (exception, non-2xx, or no answer
/// within the per-request timeout) with what it was. Correctness only: no rates are asserted.
/// </summary>
public sealed class LoadThroughNginx : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly Task[] _clients;
    private long _total;

    private LoadThroughNginx(Uri url, int clients, bool keepAlive)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(url, keepAlive))).ToArray();
    }

    public long Total => Interlocked.Read(ref _total);

    public ConcurrentQueue<string> Failures { get; } = new();

    public ConcurrentDictionary<string, long> Bodies { get; } = new();

    public static LoadThroughNginx Start(Uri url, int clients = 8, bool keepAlive = true) => new(url, clients, keepAlive);

    /// <summary>After <see cref="StopAsync"/>: requests were sent, none failed, and the answers were exactly <paramref name="bodies"/>.</summary>
    public void AssertNoFailureAndOnly(params string[] bodies)
    {
        Assert.True(Total > 0, "the load sent requests");
        Assert.True(Failures.IsEmpty, $"{Failures.Count} of {Total} requests failed: {string.Join(" | ", Failures.Take(5))}");
        Assert.Equal(bodies.Order(StringComparer.Ordinal), Bodies.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>Stops sending; requests in flight finish (each is bounded by the 5 s timeout).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    private async Task ClientAsync(Uri url, bool keepAlive)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (!keepAlive) request.Headers.ConnectionClose = true;
                // Not the stop token: a request once sent must finish, or it would be a failure we caused.
                using var response = await _http.SendAsync(request);
                var body = (await response.Content.ReadAsStringAsync()).Trim();
                if (response.IsSuccessStatusCode) Bodies.AddOrUpdate(body, 1, (_, n) => n + 1);
                else Failures.Enqueue($"HTTP {(int)response.StatusCode}: {body}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {e.GetType().Name}: {e.Message} ({e.InnerException?.Message})");
            }
            Interlocked.Increment(ref _total);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _http.Dispose();
        _stop.Dispose();
    }
}
