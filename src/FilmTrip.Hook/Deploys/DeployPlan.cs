using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// What a deploy knows before it does anything: its service, the service's directories, what its children get
/// (<see cref="Deploys.ChildEnvironment"/>), how it talks to pm2, and the release and commit that were live.
/// </summary>
internal sealed record DeployPlan(
    string Name, ServiceOptions Service, ReleaseLayout Layout, IReadOnlyDictionary<string, string> ChildEnvironment, Pm2Context? Pm2,
    string? PreviousRelease, string? PreviousCommit)
{
    public static DeployPlan For(string name, ServiceOptions service, string? previousRelease, string? previousCommit)
    {
        var environment = Deploys.ChildEnvironment.Of(service);
        return new(name, service, new ReleaseLayout(service.Root), environment, Pm2ContextOf(service, environment), previousRelease, previousCommit);
    }

    /// <summary>How a service talks to pm2 (its app, PM2_HOME, working directory and environment), or null without pm2.</summary>
    public static Pm2Context? Pm2ContextOf(ServiceOptions service, IReadOnlyDictionary<string, string> environment) =>
        service.Pm2 is { } pm2 ? new Pm2Context(pm2.Executable, Pm2Client.HomeOf(pm2, environment), pm2.App, service.Root, environment) : null;
}

/// <summary>The release a deploy goes live with: one it built (<paramref name="Created"/>, so it may delete it) or a kept one.</summary>
internal sealed record BuiltRelease(string Id, bool Created);

/// <summary>
/// What going live and going back work with: the plan, the release, and whether traffic may have reached it.
/// Made once the release is known, which history records before anything is done with it (crash recovery reads it).
/// </summary>
internal sealed record GoLiveContext(DeployPlan Plan, BuiltRelease Release, TrafficMark Traffic)
{
    public static GoLiveContext Start(DeployPlan plan, BuiltRelease release, HistoryStore history, string deployId)
    {
        history.SetRelease(deployId, release.Id, release.Created);
        return new(plan, release, new TrafficMark(history, deployId, mayHaveMoved: false));
    }
}

/// <summary>
/// Whether live traffic may have reached the deploy's release, kept here and in history's <c>switched</c> column: from
/// the mark on, only <see cref="GoingBack"/> undoes the deploy, and a crash recovers by going back.
/// </summary>
internal sealed class TrafficMark(HistoryStore history, string deployId, bool mayHaveMoved)
{
    public bool MayHaveMoved { get; private set; } = mayHaveMoved;

    /// <summary>Called by a strategy right before live traffic may reach the release.</summary>
    public void BeforeSwitch()
    {
        if (MayHaveMoved) return;
        history.MarkSwitched(deployId);
        MayHaveMoved = true;
    }

    /// <summary>The strategy proved that traffic never moved (nginx refused the change): a failure is then not a rollback.</summary>
    public void NotMoved()
    {
        history.MarkSwitched(deployId, switched: false);
        MayHaveMoved = false;
    }
}
