using System.Globalization;

namespace FilmTrip.Hook.Watch;

/// <summary>
/// What a watch needs to know about one switch: when traffic moved (Unix seconds), which upstream port the new
/// release answers on (BlueGreen; null under Reload, where every request after the switch reached it), and the rules.
/// </summary>
internal sealed record WatchPlan(double SwitchedAt, int? NewPort, WatchOptions Rules)
{
    public double EndsAt => SwitchedAt + Rules.For.TotalSeconds;
}

/// <summary>A snapshot for status and notes: requests that reached the new release, its 5xx, p95s, the previous release's p95.</summary>
internal sealed record WatchCounts(long Requests, long Errors, double Seconds, int? P95Ms, int? PreviousP95Ms, long PreviousRequests)
{
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;

    /// <summary><c>5xx 31% of 412 requests in 42 s</c>, plus the p95s when both are known.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"5xx {ErrorRate * 100:0.#}% of {Requests} requests in {Seconds:0} s") +
        (P95Ms is { } p && PreviousP95Ms is { } before ? $"; p95 {p} ms (previous release {before} ms)" : "");
}

/// <summary>
/// Counts access-log entries for one watch (pure: no I/O, no clock). An entry from after the switch that reached the
/// new release counts toward its error rate and p95; one from the previous release's last <c>For</c> before the
/// switch counts toward the baseline p95. Everything else (older traffic, the other color) is ignored.
/// </summary>
internal sealed class WatchTally(WatchPlan plan)
{
    private readonly Lock _gate = new();
    private readonly LatencyHistogram _latest = new(), _previous = new();
    private long _requests, _errors;
    private double _lastSeen;

    public void Add(AccessLogEntry e)
    {
        var afterSwitch = e.Msec >= plan.SwitchedAt;
        var reachedNew = plan.NewPort is not { } port || e.UpstreamPort == port;
        lock (_gate)
        {
            if (afterSwitch && reachedNew && e.Msec <= plan.EndsAt)
            {
                _requests++;
                if (e.Status >= 500) _errors++;
                else if (e.Status < 400 && e.RequestTime is { } t) _latest.Add(t);
                _lastSeen = Math.Max(_lastSeen, e.Msec);
            }
            else if (!afterSwitch && (plan.NewPort is null || !reachedNew))
            {
                if (e.Msec >= plan.SwitchedAt - plan.Rules.For.TotalSeconds && e.Status < 400 && e.RequestTime is { } t) _previous.Add(t);
            }
        }
    }

    public WatchCounts Counts()
    {
        lock (_gate)
            return new WatchCounts(_requests, _errors, Math.Max(0, _lastSeen - plan.SwitchedAt),
                _latest.P95Milliseconds(), _previous.P95Milliseconds(), _previous.Count);
    }

    /// <summary>Why the new release should go back, or null while it is within the rules.</summary>
    public string? Trip()
    {
        var c = Counts();
        var rules = plan.Rules;
        if (c.Requests >= rules.MinRequests && c.ErrorRate > rules.MaxErrorRate)
            return c.ToString();
        // p95 is compared only over enough answers on both sides; nginx measures whole milliseconds, so a 0 ms p95 counts as 1.
        if (rules.MaxP95Ratio is { } ratio && c.P95Ms is { } p95 && c.PreviousP95Ms is { } before
            && c.Requests - c.Errors >= rules.MinRequests && c.PreviousRequests >= rules.MinRequests && p95 > ratio * Math.Max(before, 1))
            return string.Create(CultureInfo.InvariantCulture, $"p95 {p95} ms is over {ratio:0.##}× the previous release's {before} ms ({c})");
        return null;
    }
}
