using FilmTrip.Hook.Deploys.GoLive;
using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// The one place that decides how a service goes back to the release that was live before a deploy (issue #11 §3):
/// the live path calls it when a switched release is unhealthy or anything fails after the switch, a stopping daemon
/// calls it, and crash recovery calls it with what history recorded. It restores exactly the recorded previous
/// release through the service's strategy and deletes only a release the deploy created itself.
/// </summary>
internal sealed class GoingBack(ReleaseStrategies strategies)
{
    /// <summary>
    /// Back to <see cref="DeployPlan.PreviousRelease"/>. Returns the deploy's final state: <paramref name="whenBack"/>
    /// once the previous release is live and healthy again, else <see cref="DeployState.Failed"/>.
    /// </summary>
    public async Task<(DeployState State, string Detail)> RunAsync(DeployRun run, GoLiveContext deploy, string reason, DeployState whenBack,
        CancellationToken cancellationToken)
    {
        run.Log.Write($"going back: {reason}");
        var plan = deploy.Plan;
        var strategy = strategies.For(plan.Service);
        if (plan.PreviousRelease is not { } previous || !Directory.Exists(plan.Layout.PathOf(previous)))
        {
            await run.StepAsync("rollback: stop", async () =>
            {
                await strategy.TakeDownAsync(run, plan, cancellationToken);
                return null;
            });
            DeleteCreated(plan, deploy.Release);
            return (DeployState.Failed, $"{reason}; there was no earlier release to go back to, so nothing is live");
        }

        try
        {
            var back = await strategy.GoLiveAsync(run, deploy, previous, GoLiveReason.GoingBack, cancellationToken);
            if (back.Outcome == GoLiveOutcome.TrafficNotMoved)
                return (DeployState.Failed, $"{reason}; going back to {previous} failed: {back.Reason}");
            DeleteCreated(plan, deploy.Release);
            return back.Outcome == GoLiveOutcome.Live
                ? (whenBack, $"{reason}; back on release {previous}")
                : (DeployState.Failed, $"{reason}; the release before it ({previous}) is unhealthy too: {back.Reason}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (DeployState.Failed, $"{reason}; going back to {previous} failed: {e.Message}");
        }
    }

    /// <summary>
    /// A deploy that never went live (<paramref name="release"/> null when it failed before choosing one): stop what it
    /// started beside the live release and delete what it created.
    /// </summary>
    public async Task AbandonAsync(DeployRun run, DeployPlan plan, BuiltRelease? release, CancellationToken cancellationToken)
    {
        await strategies.For(plan.Service).AbandonAsync(run, plan, release?.Id, cancellationToken);
        DeleteCreated(plan, release);
    }

    /// <summary>Only a release this deploy made, and never the one that is live: a kept rollback target stays on disk.</summary>
    private static void DeleteCreated(DeployPlan plan, BuiltRelease? release)
    {
        if (release is { Created: true, Id: var id } && id != plan.PreviousRelease && plan.Layout.CurrentRelease() != id)
            plan.Layout.Delete(id);
    }
}
