using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys.GoLive;

/// <summary>
/// Two pm2 apps, <c>&lt;App&gt;-blue</c> and <c>&lt;App&gt;-green</c>, each running one release from its own
/// directory on its own port, behind an nginx upstream (the seed's strategy 3, 蓝绿部署; issue #10). A new release
/// starts in the idle color, is health-checked there (StableFor included) and verified, and only then does nginx
/// send it traffic; the old color stays warm for an instant rollback. A release that crashes, hangs or fails Verify
/// never receives a request. Works for any app: nothing is asked of its shutdown.
/// </summary>
internal sealed class BlueGreenStrategy(Pm2Client pm2, HealthGate health, NginxUpstream nginx, WarmColors warm,
    ICommandRunner commands, HistoryStore history, TimeProvider time) : IReleaseStrategy
{
    public async Task<GoLiveResult> GoLiveAsync(DeployRun run, GoLiveContext deploy, string release, GoLiveReason reason, CancellationToken cancellationToken)
    {
        var prefix = reason == GoLiveReason.GoingBack ? "rollback: " : "";
        var plan = deploy.Plan;
        var colors = Colors.Of(plan, history.Colors(plan.Name));
        var live = colors.Live();

        if (live is not null && colors.ReleaseOf(live) == release)
        {
            // Already serving (going back before traffic moved, or a rollback to what is live): only `current` follows.
            await run.StepAsync(prefix + "switch", () => SwitchCurrent(run, plan, release));
            return GoLiveResult.Live;
        }

        var target = colors.All.FirstOrDefault(c => c != live && colors.ReleaseOf(c) == release);
        if (target is not null && await health.ProbeAsync(HealthStep.OnPort(plan.Service.HealthCheck, target.Port), cancellationToken) is { } cold)
        {
            run.Log.Write($"the warm {target.Name} color does not answer ({cold}): starting {release} again");
            target = null;
        }
        if (target is null)
        {
            target = colors.Idle(live);
            if (await StartAsync(run, plan, target, release, prefix, cancellationToken) is { } unhealthy)
                return GoLiveResult.Unhealthy(unhealthy);
            if (reason == GoLiveReason.Deploy)
                foreach (var step in plan.Service.Verify)
                    await run.StepAsync($"verify: {string.Join(' ', step)}", () => VerifyAsync(run, plan, target, release, step, cancellationToken));
        }
        else
        {
            run.Log.Write($"the {target.Name} color still runs {release} (warm): switching traffic only");
        }

        try
        {
            await run.StepAsync(prefix + "traffic", () => SwitchTrafficAsync(run, deploy, colors, target, live, release, cancellationToken));
        }
        catch (TrafficNotMovedException e)
        {
            return GoLiveResult.TrafficNotMoved(e.Message);
        }
        return GoLiveResult.Live;
    }

    public async Task TakeDownAsync(DeployRun run, DeployPlan plan, CancellationToken cancellationToken)
    {
        plan.Layout.RemoveCurrent();
        var colors = Colors.Of(plan, history.Colors(plan.Name));
        foreach (var color in colors.All.Where(c => c != colors.Live()))
            await StopAsync(run, plan, color, cancellationToken);
    }

    /// <summary>Stops a color that runs this deploy's release but takes no traffic.</summary>
    public async Task AbandonAsync(DeployRun run, DeployPlan plan, string? release, CancellationToken cancellationToken)
    {
        var colors = Colors.Of(plan, history.Colors(plan.Name));
        foreach (var color in colors.All.Where(c => c != colors.Live() && release is not null && colors.ReleaseOf(c) == release))
            await StopAsync(run, plan, color, cancellationToken);
    }

    /// <summary>After a restart: the idle color's retirement timer starts again (from now: its switch time is not kept).</summary>
    public void Resume(string service, ServiceOptions settings)
    {
        var colors = Colors.Of(settings, history.Colors(service));
        foreach (var color in colors.All.Where(c => c != colors.Live() && colors.ReleaseOf(c) is not null))
            warm.Retire(service, settings, color, settings.BlueGreen!.KeepWarm);
    }

    private async Task<string?> StartAsync(DeployRun run, DeployPlan plan, Color color, string release, string prefix, CancellationToken cancellationToken)
    {
        warm.Cancel(plan.Name, color);
        await run.StepAsync($"{prefix}start {color.Name}", async () =>
        {
            // The idle color may still finish requests from before the last switch: never stop it before Drain.
            if (warm.DrainLeft(plan.Name, plan.Service.BlueGreen!.Drain) is { } left && left > TimeSpan.Zero)
            {
                run.Log.Write($"the {color.Name} color took traffic {left.TotalSeconds:0.#}s too recently: waiting for it to drain");
                await Task.Delay(left, time, cancellationToken);
            }
            // One pm2 call whether or not it runs: `pm2 delete` of an unknown name only exits 1.
            await pm2.DeleteAsync(color.App, run.Log.Write, cancellationToken);
            history.SetColor(plan.Name, color.Name, release, time.GetUtcNow());
            var started = await pm2.StartAsAsync(color.App, plan.Layout.PathOf(release), plan.Service.Pm2!.Ecosystem, plan.Service.Pm2.App,
                color.Port, instances: null, run.Log.Write, cancellationToken);
            return started.Succeeded ? started.ExitCode
                : throw new DeployFailedException($"pm2 start {color.App.App} exited with {started.ExitCode}", started.ExitCode);
        });
        var unhealthy = await HealthStep.RunAsync(run, $"{prefix}health {color.Name}",
            () => health.CheckAsync(HealthStep.OnPort(plan.Service.HealthCheck, color.Port), color.App, run.Log.Write, cancellationToken, fresh: true));
        if (unhealthy is not null)
            await StopAsync(run, plan, color, CancellationToken.None);
        return unhealthy is null ? null : $"the new release never took traffic: {unhealthy}";
    }

    private async Task<int?> VerifyAsync(DeployRun run, DeployPlan plan, Color color, string release, string[] step, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(plan.ChildEnvironment) { ["PORT"] = color.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var result = await commands.RunAsync(new CommandSpec(step[0], step[1..], plan.Layout.PathOf(release), environment, plan.Service.StepTimeout),
            run.Log.Write, cancellationToken);
        return result.Succeeded ? result.ExitCode
            : throw new DeployFailedException($"verify '{string.Join(' ', step)}' {(result.TimedOut ? "timed out" : $"exited with {result.ExitCode}")}; the new release never took traffic", result.ExitCode);
    }

    private async Task<int?> SwitchTrafficAsync(DeployRun run, GoLiveContext deploy, Colors colors, Color target, Color? live, string release,
        CancellationToken cancellationToken)
    {
        var plan = deploy.Plan;
        var bg = plan.Service.BlueGreen!;
        deploy.Traffic.BeforeSwitch();
        try
        {
            await nginx.SwitchAsync(bg, target.Port, plan.ChildEnvironment, run.Log.Write, cancellationToken);
        }
        catch (TrafficNotMovedException)
        {
            deploy.Traffic.NotMoved(); // nginx serves exactly what it served before
            throw;
        }
        SwitchCurrent(run, plan, release);
        warm.Switched(plan.Name);
        if (live is not null)
            warm.Retire(plan.Name, plan.Service, live, bg.KeepWarm > bg.Drain ? bg.KeepWarm : bg.Drain);
        // A service migrating from Reload: the single app served on one of the ports; it goes once the switch has drained.
        if (live is null && colors.LivePort is not null)
            warm.RetireLegacy(plan.Name, plan.Service, plan.Pm2!, bg.Drain);
        return null;
    }

    private static void SwitchCurrent(DeployRun run, DeployPlan plan, string release)
    {
        plan.Layout.Switch(release);
        run.Log.Write($"current -> releases/{release}");
    }

    private async Task StopAsync(DeployRun run, DeployPlan plan, Color color, CancellationToken cancellationToken)
    {
        warm.Cancel(plan.Name, color);
        await pm2.DeleteIfPresentAsync(color.App, run.Log.Write, cancellationToken);
        history.SetColor(plan.Name, color.Name, null, time.GetUtcNow());
    }
}
