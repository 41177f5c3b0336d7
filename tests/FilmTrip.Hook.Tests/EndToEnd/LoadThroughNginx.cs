using System.Collections.Concurrent;

namespace FilmTrip.Hook.Tests.EndToEnd;

/// <summary>
/// A closed-loop HTTP load (N clients, each sending a GET, then pausing <see cref="Pause"/>) until stopped: the
/// CI-sized cousin of bench/load.js. Counts answers and keeps every failure (exception, non-2xx, or no answer
/// within the per-request timeout) with what it was. Correctness only: no rates are asserted. The pause keeps it
/// at most near 300 requests/s (a request from one client or another every 3-4 ms, far finer than any switch a
/// test watches) instead of all a core can give: the suite is CPU-bound on two cores, and the tests beside it need
/// that CPU; bench/ measures at full rate.
/// </summary>
public sealed class LoadThroughNginx : IAsyncDisposable
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(25);
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
        Assert.True(Failures.IsEmpty,
            $"{Failures.Count} of {Total} requests failed ({RetriedAfterReset} more were sent again after a reset): {string.Join(" | ", Failures.Take(5))}");
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
                var (status, body) = await GetAsync(url, keepAlive);
                if (status is >= 200 and < 300) Bodies.AddOrUpdate(body, 1, (_, n) => n + 1);
                else Failures.Enqueue($"HTTP {status}: {body}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {e.GetType().Name}: {e.Message} ({e.InnerException?.Message})");
            }
            Interlocked.Increment(ref _total);
            try
            {
                await Task.Delay(Pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// Requests whose connection nginx reset and that this client then sent again, as a browser does for an idempotent
    /// request (RFC 9110 §9.2.2). nginx resets a connection it had accepted but not read yet, or an idle keep-alive
    /// one whose next request is in flight, when an old worker shuts down at a reload: a BlueGreen switch is a reload.
    /// Counted, never hidden: an HTTP error or a timeout is a failure at once, and a second reset is a failure too.
    /// </summary>
    public long RetriedAfterReset => Interlocked.Read(ref _retried);
    private long _retried;

    private async Task<(int Status, string Body)> GetAsync(Uri url, bool keepAlive)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (!keepAlive) request.Headers.ConnectionClose = true;
                // Not the stop token: a request once sent must finish, or it would be a failure we caused.
                using var response = await _http.SendAsync(request);
                return ((int)response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
            }
            catch (HttpRequestException e) when (attempt == 1 && IsReset(e))
            {
                Interlocked.Increment(ref _retried);
            }
        }
    }

    private static bool IsReset(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ResponseEnded
        || (e.InnerException is IOException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset } })
        || e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset };

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _http.Dispose();
        _stop.Dispose();
    }
}
