namespace FilmTrip.Hook.Tests.Support;

/// <summary>Waits on a condition with a deadline: the only way tests wait. Never a bare sleep.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for {what}");
            await Task.Delay(50);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        await UntilAsync<object>(async () => await probe() ? new object() : null, timeout, what);

    public static Task UntilAsync(Func<bool> probe, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(probe()), timeout, what);
}
