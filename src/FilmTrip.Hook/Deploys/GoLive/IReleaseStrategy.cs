using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.Deploys.GoLive;

internal enum GoLiveOutcome { Live, Unhealthy, TrafficNotMoved }

/// <summary>Why a release goes live, which decides what is checked before live traffic reaches it.</summary>
internal enum GoLiveReason
{
    /// <summary>A push, a manual deploy or an operator's rollback: the preflight (Reload) and Verify (BlueGreen) run first.</summary>
    Deploy,

    /// <summary>
    /// The watch's rollback (issue #15) to the release that served until the watched deploy switched away from it
    /// seconds or minutes ago: no preflight and no Verify, because every second of it is served by a failing release.
    /// The health gate after the switch still runs.
    /// </summary>
    WatchRollback,

    /// <summary>Going back inside a deploy that failed after its switch (steps named "rollback: …"): no preflight, no Verify.</summary>
    GoingBack,
}

/// <summary>
/// How going live ended: live and healthy; unhealthy (<see cref="GoLiveContext.Traffic"/> says whether traffic may have
/// reached it); or traffic provably never moved (nginx refused the change, so the live release serves as before).
/// </summary>
internal sealed record GoLiveResult(GoLiveOutcome Outcome, string? Reason = null)
{
    public static readonly GoLiveResult Live = new(GoLiveOutcome.Live);

    public static GoLiveResult Unhealthy(string reason) => new(GoLiveOutcome.Unhealthy, reason);

    public static GoLiveResult TrafficNotMoved(string reason) => new(GoLiveOutcome.TrafficNotMoved, reason);
}

/// <summary>
/// How a built release starts taking a service's traffic, chosen per service (<c>Strategy</c>, issue #10):
/// <see cref="ReloadStrategy"/> (pm2 reload of one app, after a preflight) or <see cref="BlueGreenStrategy"/>
/// (two pm2 apps behind an nginx upstream). The deploy flow only ever calls this seam; going back is
/// <see cref="GoingBack"/>'s, which calls <see cref="GoLiveAsync"/> with the release that was live.
/// </summary>
internal interface IReleaseStrategy
{
    /// <summary>
    /// Makes <paramref name="release"/> live and says how that ended. Calls <see cref="TrafficMark.BeforeSwitch"/> right
    /// before live traffic may reach the release: a failure before that point leaves the live release exactly as it was
    /// (whatever this started is stopped again).
    /// <paramref name="reason"/> decides the checks before the switch (<see cref="GoLiveReason"/>).
    /// </summary>
    Task<GoLiveResult> GoLiveAsync(DeployRun run, GoLiveContext deploy, string release, GoLiveReason reason, CancellationToken cancellationToken);

    /// <summary>Nothing was live before this deploy and its release failed: stop what it started, so nothing serves.</summary>
    Task TakeDownAsync(DeployRun run, DeployPlan plan, CancellationToken cancellationToken);

    /// <summary>A deploy that never switched (or crashed before): stop what it may have started beside the live release.</summary>
    Task AbandonAsync(DeployRun run, DeployPlan plan, string? release, CancellationToken cancellationToken);

    /// <summary>At start, after recovery: pick up timers a restart forgot.</summary>
    void Resume(string service, ServiceOptions settings);
}

/// <summary>Picks a service's strategy from its configuration.</summary>
internal sealed class ReleaseStrategies(ReloadStrategy reload, BlueGreenStrategy blueGreen)
{
    public IReleaseStrategy For(ServiceOptions service) => service.Strategy == DeployStrategy.BlueGreen ? blueGreen : reload;
}
