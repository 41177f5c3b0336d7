namespace FilmTrip.Hook.Webhooks;

/// <summary>
/// How many large deliveries are spooled and parsed at once. The rest wait their turn for at most
/// <paramref name="wait"/>, then get 503 with Retry-After: GitHub gives a delivery 10 s to be answered.
/// </summary>
public sealed class DeliverySlots(int count, TimeSpan wait, TimeProvider time)
{
    private readonly SemaphoreSlim _free = new(count, count);

    public int Count => count;
    public TimeSpan Wait => wait;

    /// <summary>A slot to dispose when the delivery is done, or null when none came free in time.</summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken)
    {
        if (!_free.Wait(0))
        {
            using var timeout = new CancellationTokenSource(wait, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await _free.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
        return new Slot(_free);
    }

    private sealed class Slot(SemaphoreSlim free) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) free.Release();
        }
    }
}
