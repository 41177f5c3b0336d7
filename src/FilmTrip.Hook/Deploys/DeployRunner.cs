using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys.GoLive;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// One deploy from start to end, each stage handing the next what it returned: lock, plan (<see cref="DeployPlan"/>),
/// build a release (<see cref="ReleaseBuilder"/>) or pick a kept one for a rollback, make it live through the service's
/// strategy (<see cref="IReleaseStrategy"/>, which returns a <see cref="GoLiveResult"/>), prune. Once live traffic may
/// reach the new release, any failure, an unhealthy check or a stop goes back through <see cref="GoingBack"/>.
/// See issues #3, #10, #11.
/// </summary>
internal sealed partial class DeployRunner(
    IOptions<HookOptions> options,
    HistoryStore history,
    ReleaseBuilder builder,
    ReleaseStrategies strategies,
    GoingBack goingBack,
    DeployEvents events,
    TimeProvider time,
    ILogger<DeployRunner> logger)
{
    private readonly HookOptions _options = options.Value;

    public async Task RunAsync(DeployRecord deploy, CancellationToken cancellationToken)
    {
        var service = _options.Services[deploy.Service];
        var layout = new ReleaseLayout(service.Root);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["Service"] = deploy.Service, ["DeployId"] = deploy.Id });
        using var log = new DeployLog(deploy.LogPath, time, _options.MaxDeployLogBytes);
        log.Write($"deploy {deploy.Id}: {deploy.Trigger} of {deploy.Service} at {deploy.Commit}");

        using (await ServiceLock.AcquireAsync(_options.DataDirectory, deploy.Service, log.Write, cancellationToken))
            await RunLockedAsync(deploy, service, layout, log, cancellationToken);
        // Deleting pruned or failed releases (whole node_modules trees) takes seconds: never while holding the lock.
        EmptyTrash(layout);
    }

    /// <summary>
    /// Deletes what prunes and failed deploys set aside. Runs after a deploy has finished, so it never throws: what
    /// cannot be deleted is logged and left for the next run, and the deploy keeps its state (issue #11).
    /// </summary>
    internal void EmptyTrash(ReleaseLayout layout)
    {
        foreach (var failure in layout.EmptyTrash())
            Log.TrashKept(logger, failure);
    }

    private async Task RunLockedAsync(DeployRecord deploy, ServiceOptions service, ReleaseLayout layout, DeployLog log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.ReleasesDirectory);
        var previous = layout.CurrentRelease();
        var previousCommit = previous is null ? null : history.CommitOfRelease(deploy.Service, previous);
        if (!history.TryMarkRunning(deploy.Id, time.GetUtcNow(), previousCommit, previous))
        {
            log.Write("superseded by a newer deploy before it started");
            return;
        }
        Log.Started(logger, deploy.Trigger, deploy.Commit);
        events.Started(deploy.Id);

        var run = new DeployRun(deploy, log, history, time);
        var (state, error) = await RunStepsAsync(run, DeployPlan.For(deploy.Service, service, previous, previousCommit), cancellationToken);
        // The log is complete before the state is final: a reader that sees the end state reads the whole log.
        log.Write($"deploy {deploy.Id} finished: {SnakeCase.Name(state)}{(error is null ? "" : ": " + error)}");
        log.Flush();
        history.Finish(deploy.Id, state, time.GetUtcNow(), error);
        Log.Finished(logger, state, error);
        events.Finished(deploy.Id);
    }

    /// <summary>Plan → release (kept, or checked and built) → go live → prune; or, once traffic may have moved, the way back.</summary>
    private async Task<(DeployState, string?)> RunStepsAsync(DeployRun run, DeployPlan plan, CancellationToken cancellationToken)
    {
        GoLiveContext? deploy = null;
        try
        {
            var kept = run.Record.Trigger.IsRollback() ? KeptReleaseOf(run, plan) : null;
            if (kept is null && await builder.CheckAsync(run, plan, cancellationToken) is { } noDeploy)
                return (noDeploy.State, noDeploy.Reason);
            deploy = GoLiveContext.Start(plan, kept ?? builder.NewRelease(run, plan), history, run.Record.Id);
            if (deploy.Release.Created)
                await builder.BuildAsync(run, plan, deploy.Release.Id, cancellationToken);
            else
                run.Log.Write($"release {kept!.Id} is still on disk: switching to it without fetching or building");

            var reason = run.Record.Trigger == DeployTrigger.Watch && !deploy.Release.Created ? GoLiveReason.WatchRollback : GoLiveReason.Deploy;
            var result = await strategies.For(plan.Service).GoLiveAsync(run, deploy, deploy.Release.Id, reason, cancellationToken);
            if (result.Outcome == GoLiveOutcome.Live)
            {
                await run.StepAsync("prune", () => Prune(run, deploy));
                return (DeployState.Succeeded, null);
            }
            return await UndoAsync(run, plan, deploy, result.Reason!, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            const string stopped = "the daemon stopped during the deploy";
            // Never leave an unchecked release live. Going back takes seconds; systemd's TimeoutStopSec and
            // HostOptions.ShutdownTimeout leave room for it.
            var (_, detail) = await UndoAsync(run, plan, deploy, stopped, CancellationToken.None);
            return (DeployState.Interrupted, detail);
        }
        catch (Exception e)
        {
            // Any failure, expected or not: after the switch the way back is the only safe answer (issue #11 §4).
            var reason = e is DeployFailedException or Git.GitPermanentException or Git.GitTransientException or Processes.Pm2Exception or IOException
                ? e.Message : $"unexpected {e.GetType().Name}: {e.Message}";
            return await UndoAsync(run, plan, deploy, reason, cancellationToken);
        }
    }

    /// <summary>
    /// A deploy that did not go live: back through <see cref="GoingBack"/> once traffic may have reached its release,
    /// else stop what it started and delete what it created (the live release never changed).
    /// </summary>
    private async Task<(DeployState, string)> UndoAsync(DeployRun run, DeployPlan plan, GoLiveContext? deploy, string reason, CancellationToken cancellationToken)
    {
        if (deploy is { Traffic.MayHaveMoved: true })
            return await goingBack.RunAsync(run, deploy, reason, WhenBack(run), cancellationToken);
        await goingBack.AbandonAsync(run, plan, deploy?.Release, CancellationToken.None);
        return (DeployState.Failed, reason);
    }

    /// <summary>A failed rollback that went back is still a failed rollback; a failed push that went back is rolled_back.</summary>
    private static DeployState WhenBack(DeployRun run) =>
        run.Record.Trigger.IsRollback() ? DeployState.Failed : DeployState.RolledBack;

    private static IReadOnlyList<string> Prune(DeployRun run, GoLiveContext deploy)
    {
        var plan = deploy.Plan;
        var removed = plan.Layout.Prune(plan.Service.KeepReleases, deploy.Release.Id, plan.PreviousRelease);
        foreach (var release in removed) run.Log.Write($"pruned release {release}");
        return removed;
    }

    /// <summary>A kept release built from the rollback's commit, if one is on disk.</summary>
    private BuiltRelease? KeptReleaseOf(DeployRun run, DeployPlan plan) =>
        history.KeptReleases(plan.Name, plan.Layout.Releases())
            .FirstOrDefault(k => k.Commit == run.Record.Commit || ReleaseLayout.ShortShaOf(k.Release) == run.Record.Commit[..12]).Release is { } kept
            ? new BuiltRelease(kept, Created: false)
            : null;

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Information, "Deploy started: {Trigger} of {Commit}")]
        public static partial void Started(ILogger logger, DeployTrigger trigger, string commit);

        [LoggerMessage(3002, LogLevel.Information, "Deploy finished: {State} {Error}")]
        public static partial void Finished(ILogger logger, DeployState state, string? error);

        [LoggerMessage(3003, LogLevel.Warning, "Could not empty the trash, left for the next deploy: {Failure}")]
        public static partial void TrashKept(ILogger logger, string failure);
    }
}
