using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.Deploys.GoLive;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Watch;

/// <summary>
/// When traffic reached a succeeded deploy's release and how to tell its requests and instances apart, from what
/// history recorded of the deploy's steps and the service's colors.
/// </summary>
internal sealed class WatchPlanner(HistoryStore history)
{
    public (WatchPlan Plan, Pm2Context? Instances) Plan(DeployRecord deploy, ServiceOptions service, WatchOptions rules)
    {
        var steps = history.Steps(deploy.Id);
        if (service.Strategy == DeployStrategy.BlueGreen && service.Pm2 is not null && service.BlueGreen is not null)
        {
            // nginx sends the new color traffic from the "traffic" step on; upstream_addr names its port.
            var colors = Colors.Of(service, history.Colors(deploy.Service));
            var color = colors.All.FirstOrDefault(c => colors.ReleaseOf(c) == deploy.ReleaseId) ?? colors.Live();
            var at = steps.LastOrDefault(s => s.Name == "traffic")?.StartedAt ?? steps.LastOrDefault(s => s.Name == "switch")?.StartedAt;
            return (new WatchPlan(Seconds(at ?? deploy.FinishedAt!.Value), color?.Port, rules), color?.App);
        }
        // Reload: every worker runs the new release once `pm2 reload` has returned; a static service, once `current` switched.
        var reload = steps.LastOrDefault(s => s.Name == "reload");
        var switched = reload is not null ? reload.StartedAt + reload.Duration : steps.LastOrDefault(s => s.Name == "switch")?.StartedAt;
        var app = DeployPlan.Pm2ContextOf(service, ChildEnvironment.Of(service));
        return (new WatchPlan(Seconds(switched ?? deploy.FinishedAt!.Value), null, rules), app);
    }

    private static double Seconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;
}
