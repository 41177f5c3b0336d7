namespace FilmTrip.Hook.Watch;

/// <summary>
/// request_time in milliseconds (nginx's own resolution), one counter per millisecond up to 10 s and one above:
/// a p95 in fixed memory, however many requests a window holds.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Buckets = 10_001;
    private readonly long[] _counts = new long[Buckets];

    public long Count { get; private set; }

    public void Add(double seconds)
    {
        var ms = seconds <= 0 ? 0 : seconds >= Buckets / 1000.0 ? Buckets - 1 : (int)Math.Round(seconds * 1000);
        _counts[Math.Min(ms, Buckets - 1)]++;
        Count++;
    }

    /// <summary>The 95th percentile in milliseconds (10000 means "10 s or more"), null when empty.</summary>
    public int? P95Milliseconds()
    {
        if (Count == 0) return null;
        var rank = (long)Math.Ceiling(Count * 0.95);
        var seen = 0L;
        for (var ms = 0; ms < Buckets; ms++)
            if ((seen += _counts[ms]) >= rank) return ms;
        return Buckets - 1;
    }
}
