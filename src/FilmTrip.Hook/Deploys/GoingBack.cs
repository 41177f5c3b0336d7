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
    /// Back to <see cref="DeployRun.PreviousRelease"/>. Returns the deploy's final state: <paramref name="whenBack"/>
    /// once the previous release is live and healthy again, else <see cref="DeployState.Failed"/>.
    /// </summary>
    public async Task<(DeployState State, string Detail)> RunAsync(DeployRun run, string reason, DeployState whenBack, CancellationToken cancellationToken)
    {
        run.Log.Write($"going back: {reason}");
        var strategy = strategies.For(run.Service);
        if (run.PreviousRelease is not { } previous || !Directory.Exists(run.Layout.PathOf(previous)))
        {
            await run.StepAsync("rollback: stop", async () =>
            {
                await strategy.TakeDownAsync(run, cancellationToken);
                return null;
            });
            DeleteCreated(run);
            return (DeployState.Failed, $"{reason}; there was no earlier release to go back to, so nothing is live");
        }

        try
        {
            var unhealthy = await strategy.GoLiveAsync(run, previous, goingBack: true, cancellationToken);
            DeleteCreated(run);
            return unhealthy is null
                ? (whenBack, $"{reason}; back on release {previous}")
                : (DeployState.Failed, $"{reason}; the release before it ({previous}) is unhealthy too: {unhealthy}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (DeployState.Failed, $"{reason}; going back to {previous} failed: {e.Message}");
        }
    }

    /// <summary>A deploy that never went live: stop what it started beside the live release and delete what it created.</summary>
    public async Task AbandonAsync(DeployRun run, CancellationToken cancellationToken)
    {
        await strategies.For(run.Service).AbandonAsync(run, cancellationToken);
        DeleteCreated(run);
    }

    /// <summary>Only a release this deploy made, and never the one that is live: a kept rollback target stays on disk.</summary>
    private static void DeleteCreated(DeployRun run)
    {
        if (run.CreatedRelease && run.Release is { } release && release != run.PreviousRelease && run.Layout.CurrentRelease() != release)
            run.Layout.Delete(release);
    }
}
