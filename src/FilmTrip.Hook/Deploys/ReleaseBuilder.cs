using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys.Dependencies;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys;

/// <summary>Why a deploy ends without building: <c>skipped</c> (nothing to do) or <c>superseded</c> (not the branch head any more).</summary>
internal sealed record NoDeploy(DeployState State, string Reason);

/// <summary>The first half of a deploy: from a commit to a built release directory that nothing serves yet.</summary>
internal sealed class ReleaseBuilder(IGitSource git, ICommandRunner commands, ModulesIsolation isolation, TimeProvider time)
{
    /// <summary>
    /// Fetch, check the commit, materialize the release, link shared paths, reuse or install dependencies, run the
    /// build steps. Returns why the deploy ends here, or null once the release is built.
    /// </summary>
    internal async Task<NoDeploy?> BuildAsync(DeployRun run, CancellationToken cancellationToken)
    {
        var sha = run.Record.Commit;
        string? tip = null;
        await run.StepAsync("fetch", async () =>
        {
            tip = await Resilience.GitFetch(time).ExecuteAsync(
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

        // GitHub signs the body, not the delivery id: an old push resent under a fresh id is validly signed. A push only
        // deploys while its commit is still the head of the branch; going back on purpose is POST /rollback (issue #11 §2).
        if (run.Record.Trigger == DeployTrigger.Push && tip != sha)
            return new NoDeploy(DeployState.Superseded,
                $"commit {sha[..12]} is no longer the head of {run.Service.Branch} (the head is {tip?[..Math.Min(12, tip.Length)]}): " +
                "an older or replayed push never moves a service backwards; use POST /rollback to go back on purpose");

        string? skip = null;
        if (run.Record.Trigger == DeployTrigger.Push && run.PreviousCommit is { } live)
            await run.StepAsync("changes", () => { skip = WhySkip(run, live, sha); });
        if (skip is not null) return new NoDeploy(DeployState.Skipped, skip);

        var release = ReleaseLayout.NewReleaseId(time.GetUtcNow(), sha);
        if (release == run.PreviousRelease)
            throw new DeployFailedException($"release {release} is live already; push again in a second");
        run.Layout.Delete(release);
        run.UseRelease(release, created: true);

        await run.StepAsync("materialize", () =>
        {
            git.Materialize(run.Service, sha, run.Layout.PathOf(release));
            SharedLinks.Link(run.Service, run.Layout, release, run.Log.Write);
        });

        ReusedModules? reused = null;
        try
        {
            if (run.Service.Build.Any(b => b.SkipWhenDependenciesUnchanged))
                await run.StepAsync("dependencies", async () =>
                {
                    reused = await DependencyReuse.ReuseAsync(run, release, isolation, cancellationToken);
                    return null;
                });
            foreach (var step in run.Service.Build)
            {
                if (reused is not null && step.SkipWhenDependenciesUnchanged)
                {
                    run.Log.Write($"skipping '{step}': dependencies unchanged");
                    continue;
                }
                await run.StepAsync($"build: {step}", () => RunStepAsync(run, release, step, reused, cancellationToken));
            }
            if (reused is { HasPendingWrites: true } modules)
                await run.StepAsync("dependencies: keep build writes", () =>
                    run.Log.Write($"moved {modules.KeepBuildWrites()} entries the build wrote into {DependencyReuse.ModulesDirectory}"));
        }
        finally
        {
            reused?.Dispose();
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

    private async Task<int?> RunStepAsync(DeployRun run, string release, BuildStep step, ReusedModules? reused, CancellationToken cancellationToken)
    {
        var spec = new CommandSpec(step.Run[0], step.Run[1..], run.Layout.PathOf(release), run.ChildEnvironment, run.Service.StepTimeout)
            { MaxLineBytes = OutputLines.MaxLineBytes };
        var result = await commands.RunAsync(reused?.Isolate(spec) ?? spec, run.Log.Write, cancellationToken);
        if (result.TimedOut)
            throw new DeployFailedException($"build step '{step}' timed out after {run.Service.StepTimeout}", result.ExitCode);
        if (!result.Succeeded)
            throw new DeployFailedException($"build step '{step}' exited with {result.ExitCode}", result.ExitCode);
        return result.ExitCode;
    }
}
