using FilmTrip.Hook.Watch;

namespace FilmTrip.Hook.Tests.Watch;

/// <summary>Issue 15 §2: which requests count, and when the watch trips.</summary>
public sealed class WatchTallyTests
{
    private const double Switch = 1_000_000;

    private static WatchTally Tally(int? newPort = 3011, double maxErrorRate = 0.05, int minRequests = 50, double? maxP95Ratio = null) =>
        new(new WatchPlan(Switch, newPort, new WatchOptions
        {
            For = TimeSpan.FromMinutes(1), AccessLog = "/x", MaxErrorRate = maxErrorRate, MinRequests = minRequests, MaxP95Ratio = maxP95Ratio,
        }));

    private static void Add(WatchTally tally, int count, int status, double at = Switch + 1, int port = 3011, double seconds = 0.005)
    {
        for (var i = 0; i < count; i++) tally.Add(new AccessLogEntry(at, status, port, seconds));
    }

    [Fact]
    public void Trips_when_5xx_exceed_the_rate_over_at_least_MinRequests_and_says_so_with_the_numbers()
    {
        var tally = Tally();
        Add(tally, 284, 200);
        Add(tally, 128, 500, at: Switch + 42);

        Assert.Equal("5xx 31.1% of 412 requests in 42 s", tally.Trip());
    }

    [Fact]
    public void Does_not_trip_below_MinRequests_however_bad()
    {
        var tally = Tally();
        Add(tally, 49, 500);

        Assert.Null(tally.Trip());
    }

    [Fact]
    public void Does_not_trip_at_the_rate_itself()
    {
        var tally = Tally(maxErrorRate: 0.05);
        Add(tally, 95, 200);
        Add(tally, 5, 503);

        Assert.Null(tally.Trip());
    }

    [Fact]
    public void BlueGreen_counts_only_the_new_colors_port_after_the_switch()
    {
        var tally = Tally(newPort: 3011);
        Add(tally, 100, 500, port: 3001);                 // the old color, draining after the switch
        Add(tally, 100, 500, at: Switch - 1, port: 3011); // this port's release before the one before: long gone
        Add(tally, 60, 200, port: 3011);

        Assert.Equal((60, 0), (tally.Counts().Requests, tally.Counts().Errors));
        Assert.Null(tally.Trip());
    }

    [Fact]
    public void Reload_counts_every_request_after_the_switch()
    {
        var tally = Tally(newPort: null);
        Add(tally, 100, 500, at: Switch - 0.5, port: 3001);
        Add(tally, 60, 500, port: 3001);

        Assert.Equal(60, tally.Counts().Requests);
        Assert.NotNull(tally.Trip());
    }

    [Fact]
    public void The_p95_is_compared_with_the_previous_releases_and_trips_only_when_MaxP95Ratio_is_set()
    {
        var reported = Tally(newPort: null);
        var limited = Tally(newPort: null, maxP95Ratio: 2);
        foreach (var tally in new[] { reported, limited })
        {
            Add(tally, 100, 200, at: Switch - 10, seconds: 0.010);
            Add(tally, 100, 200, seconds: 0.050);
        }

        Assert.Equal((50, 10), (reported.Counts().P95Ms, reported.Counts().PreviousP95Ms));
        Assert.Null(reported.Trip());
        Assert.StartsWith("p95 50 ms is over 2× the previous release's 10 ms", limited.Trip());
    }
}
