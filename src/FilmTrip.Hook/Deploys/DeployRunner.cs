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
    IGitSource git,
    ICommandRunner commands,
    Pm2Client pm2,
    HealthGate health,
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

        using var serviceLock = await ServiceLock.AcquireAsync(_options.DataDirectory, deploy.Service, log.Write, cancellationToken);
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
            else if (await BuildReleaseAsync(run, cancellationToken) is { } skipped)
            {
                return (DeployState.Skipped, skipped);
            }

            var unhealthy = await GoLiveAsync(run, run.Release!, cancellationToken);
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

    /// <summary>
    /// Fetch, check the commit, materialize the release, link shared paths, reuse or install dependencies, run the
    /// build steps. Returns why the push needs no deploy of this service, or null once the release is built.
    /// </summary>
    private async Task<string?> BuildReleaseAsync(DeployRun run, CancellationToken cancellationToken)
    {
        var sha = run.Record.Commit;
        await run.StepAsync("fetch", async () =>
        {
            var tip = await Resilience.GitFetch.ExecuteAsync(
                token =>
                {
                    try
                    {
                        return ValueTask.FromResult(git.Fetch(run.Service, token));
                    }
                    catch (GitTransientException e)
                    {
                        run.Log.Write($"fetch attempt failed: {e.Message}");
                        throw;
                    }
                }, cancellationToken);
            run.Log.Write($"{run.Service.Branch} is at {tip}");
            if (git.Resolve(run.Service, sha).Result != CommitLookupResult.Found)
                throw new DeployFailedException($"commit {sha} does not exist in {run.Service.Repository}");
            if (!git.IsReachableFromBranch(run.Service, sha))
                throw new DeployFailedException($"commit {sha} is not reachable from branch {run.Service.Branch}");
            return null;
        });

        string? skip = null;
        if (run.Record.Trigger == DeployTrigger.Push && run.PreviousCommit is { } live)
            await run.StepAsync("changes", () => { skip = WhySkip(run, live, sha); });
        if (skip is not null) return skip;

        var release = ReleaseLayout.NewReleaseId(time.GetUtcNow(), sha);
        if (release == run.PreviousRelease)
            throw new DeployFailedException($"release {release} is live already; push again in a second");
        run.Layout.Delete(release);
        run.Release = release;
        run.CreatedRelease = true;
        history.SetRelease(run.Record.Id, release);

        await run.StepAsync("materialize", () =>
        {
            git.Materialize(run.Service, sha, run.Layout.PathOf(release));
            SharedLinks.Link(run.Service, run.Layout, release, run.Log.Write);
        });

        var dependenciesReused = false;
        if (run.Service.Build.Any(b => b.SkipWhenDependenciesUnchanged))
            await run.StepAsync("dependencies", () => { dependenciesReused = ReuseDependencies(run, release); });

        foreach (var step in run.Service.Build)
        {
            if (dependenciesReused && step.SkipWhenDependenciesUnchanged)
            {
                run.Log.Write($"skipping '{step}': dependencies unchanged");
                continue;
            }
            await run.StepAsync($"build: {step}", async () =>
            {
                var spec = new CommandSpec(step.Run[0], step.Run[1..], run.Layout.PathOf(release), run.ChildEnvironment(), run.Service.StepTimeout);
                var result = await commands.RunAsync(spec, run.Log.Write, cancellationToken);
                if (result.TimedOut)
                    throw new DeployFailedException($"build step '{step}' timed out after {run.Service.StepTimeout}", result.ExitCode);
                if (!result.Succeeded)
                    throw new DeployFailedException($"build step '{step}' exited with {result.ExitCode}", result.ExitCode);
                return result.ExitCode;
            });
        }
        return null;
    }

    /// <summary>
    /// Why a push needs no deploy of this service: its commit is live already, or nothing under its Paths changed
    /// since the live commit (decided from the git diff: a payload's file lists are truncated on large pushes).
    /// A live commit that is not an ancestor (a forced push) always deploys.
    /// </summary>
    private string? WhySkip(DeployRun run, string live, string sha)
    {
        if (live == sha) return $"commit {sha[..12]} is live already";
        if (run.Service.Paths.Length == 0) return null;
        if (!git.IsAncestor(run.Service, live, sha))
        {
            run.Log.Write($"the live commit {live[..12]} is not an ancestor of {sha[..12]} (a forced push): deploying");
            return null;
        }
        var changed = git.ChangedPaths(run.Service, live, sha);
        var relevant = PathFilter.Matching(run.Service, changed);
        run.Log.Write($"{changed.Count} paths changed since {live[..12]}, {relevant.Count} under {string.Join(", ", run.Service.Paths)}");
        return relevant.Count == 0
            ? $"no change under {string.Join(", ", run.Service.Paths)} between {live[..12]} and {sha[..12]}"
            : null;
    }

    private static bool ReuseDependencies(DeployRun run, string release)
    {
        var live = run.PreviousRelease is { } previous ? run.Layout.PathOf(previous) : null;
        if (DependencyReuse.WhyNot(run.Service, live, run.Layout.PathOf(release)) is { } why)
        {
            run.Log.Write($"installing dependencies: {why}");
            return false;
        }
        var files = DependencyReuse.LinkModules(live!, run.Layout.PathOf(release));
        run.Log.Write($"dependency files unchanged: hard-linked {files} files of {DependencyReuse.ModulesDirectory} from {run.PreviousRelease}");
        return true;
    }

    /// <summary>Switch, reload, health-check. Returns null when healthy, else why not.</summary>
    private async Task<string?> GoLiveAsync(DeployRun run, string release, CancellationToken cancellationToken, string stepPrefix = "")
    {
        await run.StepAsync(stepPrefix + "switch", () =>
        {
            run.Layout.Switch(release);
            run.Switched = true;
            run.Log.Write($"current -> releases/{release}");
        });
        if (run.Pm2Context() is { } app)
            await run.StepAsync(stepPrefix + "reload", () => ReloadAsync(run, app, release == run.PreviousRelease ? null : run.PreviousRelease, cancellationToken));

        try
        {
            await run.StepAsync(stepPrefix + "health", async () =>
            {
                if (await health.CheckAsync(run.Service.HealthCheck, run.Pm2Context(), run.Log.Write, cancellationToken) is { } unhealthy)
                    throw new UnhealthyException(unhealthy);
                return null;
            });
            return null;
        }
        catch (UnhealthyException e)
        {
            return e.Message;
        }
    }

    private sealed class UnhealthyException(string reason) : Exception(reason);

    /// <summary>
    /// Starts or reloads the app. With a <paramref name="fallback"/> release, a crash on start during the reload
    /// switches <c>current</c> back to it at once (see <see cref="ReloadCrashWatch"/>) and fails the step.
    /// </summary>
    private async Task<int?> ReloadAsync(DeployRun run, Pm2Context app, string? fallback, CancellationToken cancellationToken)
    {
        var known = await pm2.ListAsync(app, cancellationToken);
        if (known.Count == 0)
        {
            var started = await pm2.StartAsync(app, run.Layout.CurrentLink, run.Service.Pm2!.Ecosystem, run.Log.Write, cancellationToken);
            return started.Succeeded ? started.ExitCode
                : throw new DeployFailedException($"pm2 start {app.App} exited with {started.ExitCode}", started.ExitCode);
        }

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reload = pm2.ReloadAsync(app, run.Log.Write, cancellationToken);
        var crash = fallback is null ? null : ReloadCrashWatch.UntilCrashAsync(pm2, app, known, time, run.Log.Write, watching.Token);
        string? crashed = null;
        if (crash is not null && await Task.WhenAny(reload, crash) == crash && crash.IsFaulted)
            run.Log.Write($"crash watch failed: {crash.Exception!.InnerException!.Message}");
        if (crash is not null && crash.IsCompletedSuccessfully)
        {
            crashed = crash.Result;
            run.Layout.Switch(fallback!);
            run.Log.Write($"{crashed}: current -> releases/{fallback} while pm2 still has the old workers");
        }
        await watching.CancelAsync();
        if (crash is not null) await crash.ContinueWith(_ => { }, TaskScheduler.Default); // ends with the cancellation
        var result = await reload;
        if (crashed is not null)
            throw new DeployFailedException(crashed, result.ExitCode);
        if (!result.Succeeded)
            throw new DeployFailedException($"pm2 reload {app.App} exited with {result.ExitCode}", result.ExitCode);
        return result.ExitCode;
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
                if (run.Pm2Context() is { } app) await pm2.DeleteAsync(app, run.Log.Write, cancellationToken);
                return null;
            });
            if (run.CreatedRelease) run.Layout.Delete(run.Release!);
            return (DeployState.Failed, $"{reason}; there was no earlier release to go back to, so nothing is live");
        }

        try
        {
            var unhealthy = await GoLiveAsync(run, previous, CancellationToken.None, stepPrefix: "rollback: ");
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
        run.Layout.Releases().FirstOrDefault(r =>
            (history.CommitOfRelease(run.Record.Service, r) ?? "").Equals(run.Record.Commit, StringComparison.Ordinal)
            || ReleaseLayout.ShortShaOf(r) == run.Record.Commit[..12]);

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
