using System.Collections.Concurrent;
using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Watch;

/// <summary>A watch as <c>GET /status</c> shows it: which deploy, how long it has left, what it has seen so far.</summary>
public sealed record WatchView(
    string DeployId, string Commit, double SecondsLeft, long Requests, long Errors, double ErrorRate, int? P95Ms, int? PreviousP95Ms,
    long MalformedLines);

/// <summary>The watches running now, one per service at most: a newer deploy of the service ends the one before (issue 15 §4).</summary>
public sealed class Watches
{
    private readonly ConcurrentDictionary<string, ActiveWatch> _active = new(StringComparer.Ordinal);

    public WatchView? Of(string service, DateTimeOffset now) => _active.TryGetValue(service, out var watch) ? watch.View(now) : null;

    internal void Add(ActiveWatch watch)
    {
        _active.AddOrUpdate(watch.Deploy.Service, watch, (_, older) => { older.End(watch.Deploy.Id); return watch; });
    }

    /// <summary>Ends the service's watch, if any, because deploy <paramref name="by"/> started.</summary>
    internal void End(string service, string by)
    {
        if (_active.TryRemove(service, out var watch)) watch.End(by);
    }

    /// <summary>Forgets a watch that finished by itself (and only that one: a newer one may have taken its place).</summary>
    internal void Remove(ActiveWatch watch) => _active.TryRemove(new KeyValuePair<string, ActiveWatch>(watch.Deploy.Service, watch));
}

/// <summary>One running watch: its deploy, plan, tally and the token a newer deploy cancels.</summary>
internal sealed class ActiveWatch(DeployRecord deploy, WatchPlan plan, WatchTally tally, AccessLogTailer log) : IDisposable
{
    private readonly CancellationTokenSource _ended = new();

    public DeployRecord Deploy { get; } = deploy;
    public WatchPlan Plan { get; } = plan;
    public WatchTally Tally { get; } = tally;
    public AccessLogTailer Log { get; } = log;
    public CancellationToken Ended => _ended.Token;
    /// <summary>Held while the watch decides to go back, and by a newer deploy ending it: never both at once.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The deploy that ended this watch early, once one has.</summary>
    public string? EndedBy { get; private set; }

    public void End(string by)
    {
        lock (Gate)
        {
            EndedBy ??= by;
            _ended.Cancel();
        }
    }

    public WatchView View(DateTimeOffset now)
    {
        var counts = Tally.Counts();
        var left = Math.Max(0, Plan.EndsAt - now.ToUnixTimeMilliseconds() / 1000.0);
        return new WatchView(Deploy.Id, Deploy.Commit, Math.Round(left, 1), counts.Requests, counts.Errors, Math.Round(counts.ErrorRate, 4),
            counts.P95Ms, counts.PreviousP95Ms, Log.Malformed);
    }

    public void Dispose()
    {
        _ended.Dispose();
        Log.Dispose();
    }
}
