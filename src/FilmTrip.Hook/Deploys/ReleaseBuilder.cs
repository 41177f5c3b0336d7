using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys.Dependencies;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys;

/// <summary>Why a deploy ends without building: <c>skipped</c> (nothing to do) or <c>superseded</c> (not the branch head any more).</summary>
internal sealed record NoDeploy(DeployState State, string Reason);

/// <summary>
/// The first half of a deploy: from a commit to a built release directory that nothing serves yet. Three stages, each
/// taking what the one before returned: <see cref="CheckAsync"/> (deploy at all?), <see cref="NewRelease"/> (which
/// directory), <see cref="BuildAsync"/> (fill it). The runner records the release in history between the last two.
/// </summary>
internal sealed class ReleaseBuilder(IGitSource git, ICommandRunner commands, ModulesIsolation isolation, TimeProvider time)
{
    /// <summary>Fetch and check the commit. Returns why the deploy ends here (superseded, skipped), or null to build it.</summary>
    internal async Task<NoDeploy?> CheckAsync(DeployRun run, DeployPlan plan, CancellationToken cancellationToken)
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
                        return ValueTask.FromResult(git.Fetch(plan.Service, token));
                    }
                    catch (GitTransientException e)
                    {
                        run.Log.Write($"fetch attempt failed: {e.Message}");
                        throw;
                    }
                }, cancellationToken);
            run.Log.Write($"{plan.Service.Branch} is at {tip}");
            if (git.Resolve(plan.Service, sha).Result != CommitLookupResult.Found)
                throw new DeployFailedException($"commit {sha} does not exist in {plan.Service.Repository}");
            if (!git.IsReachableFromBranch(plan.Service, sha))
                throw new DeployFailedException($"commit {sha} is not reachable from branch {plan.Service.Branch}");
            return null;
        });

        // GitHub signs the body, not the delivery id: an old push resent under a fresh id is validly signed. A push only
        // deploys while its commit is still the head of the branch; going back on purpose is POST /rollback (issue #11 §2).
        if (run.Record.Trigger == DeployTrigger.Push && tip != sha)
            return new NoDeploy(DeployState.Superseded,
                $"commit {sha[..12]} is no longer the head of {plan.Service.Branch} (the head is {tip?[..Math.Min(12, tip.Length)]}): " +
                "an older or replayed push never moves a service backwards; use POST /rollback to go back on purpose");

        string? skip = null;
        if (run.Record.Trigger == DeployTrigger.Push && plan.PreviousCommit is { } live)
            await run.StepAsync("changes", () => { skip = WhySkip(run, plan, live, sha); });
        return skip is null ? null : new NoDeploy(DeployState.Skipped, skip);
    }

    /// <summary>The directory the commit is built into: new, and emptied of what a crash may have left there.</summary>
    internal BuiltRelease NewRelease(DeployRun run, DeployPlan plan)
    {
        // A second deploy of the same commit within the same second (a manual redeploy right after a push) would get
        // the name of the live, a kept or a warm color's release: the next free second keeps names unique and in order.
        var at = time.GetUtcNow();
        var release = ReleaseLayout.NewReleaseId(at, run.Record.Commit);
        while (release == plan.PreviousRelease || Directory.Exists(plan.Layout.PathOf(release)))
            release = ReleaseLayout.NewReleaseId(at = at.AddSeconds(1), run.Record.Commit);
        return new BuiltRelease(release, Created: true);
    }

    /// <summary>Materialize the release, link shared paths, reuse or install dependencies, run the build steps.</summary>
    internal async Task BuildAsync(DeployRun run, DeployPlan plan, string release, CancellationToken cancellationToken)
    {
        var sha = run.Record.Commit;
        await run.StepAsync("materialize", () =>
        {
            git.Materialize(plan.Service, sha, plan.Layout.PathOf(release));
            SharedLinks.Link(plan.Service, plan.Layout, release, run.Log.Write);
        });

        ReusedModules? reused = null;
        try
        {
            if (plan.Service.Build.Any(b => b.SkipWhenDependenciesUnchanged))
                await run.StepAsync("dependencies", async () =>
                {
                    reused = await DependencyReuse.ReuseAsync(run, plan, release, isolation, cancellationToken);
                    return null;
                });
            foreach (var step in plan.Service.Build)
            {
                if (reused is not null && step.SkipWhenDependenciesUnchanged)
                {
                    run.Log.Write($"skipping '{step}': dependencies unchanged");
                    continue;
                }
                await run.StepAsync($"build: {step}", () => RunStepAsync(run, plan, release, step, reused, cancellationToken));
            }
            if (reused is { HasPendingWrites: true } modules)
                await run.StepAsync("dependencies: keep build writes", () =>
                    run.Log.Write($"moved {modules.KeepBuildWrites()} entries the build wrote into {DependencyReuse.ModulesDirectory}"));
        }
        finally
        {
            reused?.Dispose();
        }
    }

    /// <summary>
    /// Why a push needs no deploy of this service: its commit is live already, or nothing under its Paths changed
    /// since the live commit (decided from the git diff: a payload's file lists are truncated on large pushes).
    /// A live commit that is not an ancestor (a forced push) always deploys.
    /// </summary>
    private string? WhySkip(DeployRun run, DeployPlan plan, string live, string sha)
    {
        if (live == sha) return $"commit {sha[..12]} is live already";
        if (plan.Service.Paths.Length == 0) return null;
        if (!git.IsAncestor(plan.Service, live, sha))
        {
            run.Log.Write($"the live commit {live[..12]} is not an ancestor of {sha[..12]} (a forced push): deploying");
            return null;
        }
        var changed = git.ChangedPaths(plan.Service, live, sha);
        var relevant = PathFilter.Matching(plan.Service, changed);
        run.Log.Write($"{changed.Count} paths changed since {live[..12]}, {relevant.Count} under {string.Join(", ", plan.Service.Paths)}");
        return relevant.Count == 0
            ? $"no change under {string.Join(", ", plan.Service.Paths)} between {live[..12]} and {sha[..12]}"
            : null;
    }

    private async Task<int?> RunStepAsync(DeployRun run, DeployPlan plan, string release, BuildStep step, ReusedModules? reused, CancellationToken cancellationToken)
    {
        var spec = new CommandSpec(step.Run[0], step.Run[1..], plan.Layout.PathOf(release), plan.ChildEnvironment, plan.Service.StepTimeout)
            { MaxLineBytes = OutputLines.MaxLineBytes };
        var result = await commands.RunAsync(reused?.Isolate(spec) ?? spec, run.Log.Write, cancellationToken);
        if (result.TimedOut)
            throw new DeployFailedException($"build step '{step}' timed out after {plan.Service.StepTimeout}", result.ExitCode);
        if (!result.Succeeded)
            throw new DeployFailedException($"build step '{step}' exited with {result.ExitCode}", result.ExitCode);
        return result.ExitCode;
    }
}
