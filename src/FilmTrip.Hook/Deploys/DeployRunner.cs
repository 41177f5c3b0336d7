using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// One deploy from start to end: lock, fetch, materialize, build, switch, reload, health-check, prune —
/// or, for a rollback to a kept release, just switch, reload and health-check.
/// An unhealthy result switches back to the release that was live before. See issue #3.
/// </summary>
public sealed partial class DeployRunner(
    IOptions<HookOptions> options,
    HistoryStore history,
    ReleaseBuilder builder,
    ReleaseActivator activator,
    Pm2Client pm2,
    TimeProvider time,
    ILogger<DeployRunner> logger)
{
    private readonly HookOptions _options = options.Value;

    public async Task RunAsync(DeployRecord deploy, CancellationToken cancellationToken)
    {
        var service = _options.Services[deploy.Service];
        var layout = new ReleaseLayout(service.Root);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["Service"] = deploy.Service, ["DeployId"] = deploy.Id });
        using var log = new DeployLog(deploy.LogPath, time);
        log.Write($"deploy {deploy.Id}: {deploy.Trigger} of {deploy.Service} at {deploy.Commit}");

        using (await ServiceLock.AcquireAsync(_options.DataDirectory, deploy.Service, log.Write, cancellationToken))
            await RunLockedAsync(deploy, service, layout, log, cancellationToken);
        // Deleting pruned or failed releases (whole node_modules trees) takes seconds: never while holding the lock.
        layout.EmptyTrash();
    }

    private async Task RunLockedAsync(DeployRecord deploy, ServiceOptions service, ReleaseLayout layout, DeployLog log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.ReleasesDirectory);
        var previous = layout.CurrentRelease();
        var previousCommit = previous is null ? null : history.CommitOfRelease(deploy.Service, previous);
        if (!history.TryMarkRunning(deploy.Id, time.GetUtcNow(), previousCommit))
        {
            log.Write("superseded by a newer deploy before it started");
            return;
        }
        Log.Started(logger, deploy.Trigger, deploy.Commit);

        var run = new DeployRun(deploy, service, layout, log, history, time) { PreviousRelease = previous, PreviousCommit = previousCommit };
        var (state, error) = await RunStepsAsync(run, cancellationToken);
        history.Finish(deploy.Id, state, time.GetUtcNow(), error);
        log.Write($"deploy {deploy.Id} finished: {HistoryStore.StateName(state)}{(error is null ? "" : ": " + error)}");
        Log.Finished(logger, state, error);
    }

    private async Task<(DeployState, string?)> RunStepsAsync(DeployRun run, CancellationToken cancellationToken)
    {
        try
        {
            var kept = run.Record.Trigger == DeployTrigger.Rollback ? KeptReleaseOf(run) : null;
            if (kept is not null)
            {
                run.Release = kept;
                history.SetRelease(run.Record.Id, kept);
                run.Log.Write($"release {kept} is still on disk: switching to it without fetching or building");
            }
            else if (await builder.BuildAsync(run, cancellationToken) is { } skipped)
            {
                return (DeployState.Skipped, skipped);
            }

            var unhealthy = await activator.GoLiveAsync(run, run.Release!, cancellationToken);
            if (unhealthy is null)
            {
                await run.StepAsync("prune", () => Prune(run));
                return (DeployState.Succeeded, null);
            }
            return await RollBackAsync(run, unhealthy, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (run.Switched && run.PreviousRelease is not null)
            {
                // Stopping after the switch: never leave an unchecked release live. Going back takes seconds;
                // systemd's TimeoutStopSec and HostOptions.ShutdownTimeout leave room for it.
                var (_, detail) = await RollBackAsync(run, "the daemon stopped during the deploy", CancellationToken.None);
                return (DeployState.Interrupted, detail);
            }
            CleanUpUnswitched(run);
            return (DeployState.Interrupted, "the daemon stopped during the deploy");
        }
        catch (Exception e) when (e is DeployFailedException or GitPermanentException or GitTransientException or Pm2Exception or IOException or UnauthorizedAccessException)
        {
            if (run.Switched)
                return await RollBackAsync(run, e.Message, cancellationToken);
            CleanUpUnswitched(run);
            return (DeployState.Failed, e.Message);
        }
    }

    /// <summary>Back to the release that was live before this deploy; the deploy ends rolled_back (or failed when there was none).</summary>
    private async Task<(DeployState, string?)> RollBackAsync(DeployRun run, string reason, CancellationToken cancellationToken)
    {
        run.Log.Write($"rolling back: {reason}");
        if (run.PreviousRelease is not { } previous)
        {
            await run.StepAsync("rollback: stop", async () =>
            {
                run.Layout.RemoveCurrent();
                if (run.Pm2Context is { } app) await pm2.DeleteAsync(app, run.Log.Write, cancellationToken);
                return null;
            });
            if (run.CreatedRelease) run.Layout.Delete(run.Release!);
            return (DeployState.Failed, $"{reason}; there was no earlier release to go back to, so nothing is live");
        }

        try
        {
            var unhealthy = await activator.GoLiveAsync(run, previous, CancellationToken.None, stepPrefix: "rollback: ");
            if (run.CreatedRelease) run.Layout.Delete(run.Release!);
            return unhealthy is null
                ? (run.Record.Trigger == DeployTrigger.Rollback ? DeployState.Failed : DeployState.RolledBack,
                    $"{reason}; back on release {previous}")
                : (DeployState.Failed, $"{reason}; the release before it ({previous}) is unhealthy too: {unhealthy}");
        }
        catch (Exception e) when (e is DeployFailedException or Pm2Exception or IOException)
        {
            return (DeployState.Failed, $"{reason}; going back to {previous} failed: {e.Message}");
        }
    }

    private IReadOnlyList<string> Prune(DeployRun run)
    {
        var removed = run.Layout.Prune(run.Service.KeepReleases, run.Release, run.PreviousRelease);
        foreach (var release in removed) run.Log.Write($"pruned release {release}");
        return removed;
    }

    /// <summary>A kept release built from the rollback's commit, if one is on disk.</summary>
    private string? KeptReleaseOf(DeployRun run) =>
        history.KeptReleases(run.Record.Service, run.Layout.Releases())
            .FirstOrDefault(k => k.Commit == run.Record.Commit || ReleaseLayout.ShortShaOf(k.Release) == run.Record.Commit[..12]).Release;

    private static void CleanUpUnswitched(DeployRun run)
    {
        if (run.CreatedRelease && !run.Switched && run.Release is { } release)
            run.Layout.Delete(release);
    }

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Information, "Deploy started: {Trigger} of {Commit}")]
        public static partial void Started(ILogger logger, DeployTrigger trigger, string commit);

        [LoggerMessage(3002, LogLevel.Information, "Deploy finished: {State} {Error}")]
        public static partial void Finished(ILogger logger, DeployState state, string? error);
    }
}
