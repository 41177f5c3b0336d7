using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Watch;

/// <summary>
/// One watch from start to verdict (issue 15): every second, read what nginx logged since the last read; every few
/// seconds, ask pm2 whether an instance of the new release restarted. Trips → a rollback to the release live before,
/// queued ahead of waiting pushes with trigger <c>watch</c>; the numbers go into both deploys' notes.
/// </summary>
internal sealed partial class DeployWatcher(
    IOptions<HookOptions> options, WatchPlanner planner, Watches watches, DeployQueue queue, HistoryStore history, Pm2Client pm2,
    TimeProvider time, ILogger<DeployWatcher> logger)
{
    internal static readonly TimeSpan LogPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Pm2Poll = TimeSpan.FromSeconds(5);
    /// <summary>How far before the deploy's start the previous release's traffic is read back for its p95 (bounded, issue 15).</summary>
    internal const long PreviousTrafficBytes = 16L << 20;
    /// <summary>At most this much log is read per poll, so status and a newer deploy never wait behind a large backlog.</summary>
    private const long ReadPerPoll = 32L << 20;

    public async Task RunAsync(WatchStart start, CancellationToken stopping)
    {
        var deploy = start.Deploy;
        var service = options.Value.Services[deploy.Service];
        var (plan, instances) = planner.Plan(deploy, service, start.Rules);
        start.Log.Rewind(PreviousTrafficBytes);
        using var watch = new ActiveWatch(deploy, plan, new WatchTally(plan), start.Log);
        watches.Add(watch);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, watch.Ended);
        Log.Started(logger, deploy.Service, deploy.Id, start.Rules.For);
        string verdict;
        try
        {
            verdict = await WatchAsync(watch, instances, linked.Token) is { } reason ? Trip(watch, service, reason) : Passed(watch);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            verdict = watch.EndedBy is { } by
                ? $"watch ended early by deploy {by}: {watch.Tally.Counts()}"
                : $"watch ended early: the daemon stopped ({watch.Tally.Counts()})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            verdict = $"watch stopped: cannot read {start.Rules.AccessLog}: {e.Message} ({watch.Tally.Counts()})";
            Log.Failed(logger, deploy.Service, deploy.Id, e.Message);
        }
        finally
        {
            watches.Remove(watch);
        }
        history.SetNote(deploy.Id, verdict);
        Log.Verdict(logger, deploy.Service, deploy.Id, verdict);
    }

    /// <summary>The reason to go back, or null once the window passed within the rules.</summary>
    private async Task<string?> WatchAsync(ActiveWatch watch, Pm2Context? instances, CancellationToken cancellationToken)
    {
        // pm2 is asked beside the log reads, never between them: one `pm2 jlist` can take seconds on a busy box.
        using var stopPm2 = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var restarted = instances is null ? Task.FromResult<string?>(null) : WatchRestartsAsync(instances, stopPm2.Token);
        try
        {
            using var timer = new PeriodicTimer(LogPoll, time);
            do
            {
                var ended = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 >= watch.Plan.EndsAt;
                watch.Log.Read(watch.Tally.Add, ReadPerPoll); // after the end too: the window's last second is in the log
                if (watch.Tally.Trip() is { } reason) return reason;
                if (restarted.IsCompletedSuccessfully && await restarted is { } why) return $"{why} ({watch.Tally.Counts()})";
                if (ended) return null;
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
            return null;
        }
        finally
        {
            await stopPm2.CancelAsync();
            try { await restarted; }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Completes with why once an instance of the new release restarted; runs until cancelled otherwise.</summary>
    private async Task<string?> WatchRestartsAsync(Pm2Context app, CancellationToken cancellationToken)
    {
        Dictionary<int, Pm2Instance>? before = null;
        using var timer = new PeriodicTimer(Pm2Poll, time);
        do
        {
            var now = await InstancesAsync(app, cancellationToken);
            if (before is null) before = now; // the new release's instances as the watch starts: any change from here is a restart
            else if (Restarted(before, now, app.App) is { } restarted) return restarted;
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
        return null;
    }

    private async Task<Dictionary<int, Pm2Instance>?> InstancesAsync(Pm2Context app, CancellationToken cancellationToken)
    {
        try
        {
            return (await pm2.ListAsync(app, cancellationToken)).ToDictionary(i => i.PmId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Pm2Unreadable(logger, app.App, e.Message);
            return null; // pm2 could not be asked this time: no verdict on restarts from it
        }
    }

    /// <summary>An instance of the new release that restarted (its count grew, its pid changed, or it is no longer online).</summary>
    internal static string? Restarted(IReadOnlyDictionary<int, Pm2Instance> before, IReadOnlyDictionary<int, Pm2Instance>? now, string app)
    {
        if (now is null) return null;
        foreach (var (id, was) in before)
        {
            if (!now.TryGetValue(id, out var instance))
                return $"pm2 instance {id} of {app} is gone";
            if (instance.Restarts > was.Restarts || instance.Pid != was.Pid || instance.Status != "online")
                return $"pm2 instance {id} of {app} restarted (restarts {was.Restarts} → {instance.Restarts}, {instance.Status})";
        }
        return null;
    }

    private string Trip(ActiveWatch watch, ServiceOptions service, string reason)
    {
        var deploy = watch.Deploy;
        lock (watch.Gate)
        {
            if (watch.EndedBy is { } by) return $"watch ended early by deploy {by}: {reason}";
            if (new ReleaseLayout(service.Root).CurrentRelease() != deploy.ReleaseId)
                return $"watch tripped, but release {deploy.ReleaseId} is no longer live: {reason}";
            if (deploy.PreviousCommit is null)
                return $"watch tripped, but no release was live before it to go back to: {reason}";
            var rollback = queue.Enqueue(deploy.Service, DeployTrigger.Watch, deploy.PreviousCommit, $"the watch of deploy {deploy.Id} tripped: {reason}");
            Log.Tripped(logger, deploy.Service, deploy.Id, rollback.Id, reason);
            return $"rolled back by the watch (deploy {rollback.Id}): {reason}";
        }
    }

    private static string Passed(ActiveWatch watch) => $"watch passed: {watch.Tally.Counts()}";

    private static partial class Log
    {
        [LoggerMessage(3801, LogLevel.Information, "Watching {Service} after deploy {DeployId} for {For}")]
        public static partial void Started(ILogger logger, string service, string deployId, TimeSpan @for);

        [LoggerMessage(3802, LogLevel.Warning, "The watch of {Service} tripped after deploy {DeployId}: rollback {RollbackId} queued: {Reason}")]
        public static partial void Tripped(ILogger logger, string service, string deployId, string rollbackId, string reason);

        [LoggerMessage(3803, LogLevel.Information, "Watch of {Service} after deploy {DeployId}: {Verdict}")]
        public static partial void Verdict(ILogger logger, string service, string deployId, string verdict);

        [LoggerMessage(3804, LogLevel.Warning, "The watch of {Service} after deploy {DeployId} stopped: {Reason}")]
        public static partial void Failed(ILogger logger, string service, string deployId, string reason);

        [LoggerMessage(3806, LogLevel.Warning, "pm2 could not list {App} for the watch: {Reason}")]
        public static partial void Pm2Unreadable(ILogger logger, string app, string reason);
    }
}
