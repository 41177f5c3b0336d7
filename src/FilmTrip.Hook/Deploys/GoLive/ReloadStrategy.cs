using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys.GoLive;

/// <summary>
/// One pm2 app, reloaded in place: switch <c>current</c>, <c>pm2 reload</c>, health-check. Zero downtime holds for
/// apps that follow the shutdown contract (samples/filmtrip/README.md). pm2 replaces a live worker after
/// <c>listen_timeout</c> even when its replacement never became ready, so a release that hangs or crashes on start
/// would take the backend down: before any live worker is touched, the new release runs once as
/// <c>&lt;App&gt;-preflight</c> on a spare port and must pass the same health gate (issue #10 §7).
/// A static service (no pm2) is just the switch and its URL check.
/// </summary>
internal sealed class ReloadStrategy(Pm2Client pm2, HealthGate health) : IReleaseStrategy
{
    public async Task<GoLiveResult> GoLiveAsync(DeployRun run, GoLiveContext deploy, string release, GoLiveReason reason, CancellationToken cancellationToken)
    {
        var prefix = reason == GoLiveReason.GoingBack ? "rollback: " : "";
        var plan = deploy.Plan;
        if (plan.Pm2 is { } live && plan.PreviousRelease is not null)
        {
            if (reason == GoLiveReason.Deploy)
                await run.StepAsync("preflight", () => PreflightAsync(run, plan, live, release, cancellationToken));
            else if (reason == GoLiveReason.WatchRollback)
                run.Log.Write($"no preflight: releases/{release} served until the watched deploy switched away from it");
        }

        await run.StepAsync(prefix + "switch", () =>
        {
            deploy.Traffic.BeforeSwitch();
            plan.Layout.Switch(release);
            run.Log.Write($"current -> releases/{release}");
        });
        if (plan.Pm2 is { } app)
            await run.StepAsync(prefix + "reload", () => StartOrReloadAsync(run, plan, app, cancellationToken));
        var unhealthy = await HealthStep.RunAsync(run, prefix + "health",
            () => health.CheckAsync(plan.Service.HealthCheck, plan.Pm2, run.Log.Write, cancellationToken));
        return unhealthy is null ? GoLiveResult.Live : GoLiveResult.Unhealthy(unhealthy);
    }

    public async Task TakeDownAsync(DeployRun run, DeployPlan plan, CancellationToken cancellationToken)
    {
        plan.Layout.RemoveCurrent();
        if (plan.Pm2 is { } app) await pm2.DeleteAsync(app, run.Log.Write, cancellationToken);
    }

    public async Task AbandonAsync(DeployRun run, DeployPlan plan, string? release, CancellationToken cancellationToken)
    {
        if (plan.Pm2 is { } app) await pm2.DeleteIfPresentAsync(PreflightOf(app), run.Log.Write, cancellationToken);
    }

    public void Resume(string service, Configuration.ServiceOptions settings)
    {
    }

    private async Task<int?> StartOrReloadAsync(DeployRun run, DeployPlan plan, Pm2Context app, CancellationToken cancellationToken)
    {
        if ((await pm2.ListAsync(app, cancellationToken)).Count == 0)
        {
            var started = await pm2.StartAsync(app, plan.Layout.CurrentLink, plan.Service.Pm2!.Ecosystem, run.Log.Write, cancellationToken);
            return started.Succeeded ? started.ExitCode
                : throw new DeployFailedException($"pm2 start {app.App} exited with {started.ExitCode}", started.ExitCode);
        }
        var result = await pm2.ReloadAsync(app, run.Log.Write, cancellationToken);
        return result.Succeeded ? result.ExitCode
            : throw new DeployFailedException($"pm2 reload {app.App} exited with {result.ExitCode}", result.ExitCode);
    }

    /// <summary>The new release, once, beside the live app: it must answer the health check before a live worker is replaced.</summary>
    private async Task<int?> PreflightAsync(DeployRun run, DeployPlan plan, Pm2Context app, string release, CancellationToken cancellationToken)
    {
        var probe = PreflightOf(app);
        var port = SparePorts.Next();
        string? unhealthy;
        try
        {
            await pm2.DeleteIfPresentAsync(probe, run.Log.Write, cancellationToken); // left over by a crash
            var started = await pm2.StartAsAsync(probe, plan.Layout.PathOf(release), plan.Service.Pm2!.Ecosystem, app.App, port,
                instances: 1, run.Log.Write, cancellationToken);
            if (!started.Succeeded)
                throw new DeployFailedException($"preflight: pm2 start {probe.App} exited with {started.ExitCode}", started.ExitCode);
            unhealthy = await health.CheckAsync(HealthStep.OnPort(plan.Service.HealthCheck, port), probe, run.Log.Write, cancellationToken, fresh: true);
        }
        finally
        {
            await pm2.DeleteAsync(probe, run.Log.Write, CancellationToken.None);
        }
        return unhealthy is null ? null
            : throw new DeployFailedException($"preflight: the new release did not become healthy on spare port {port}, so no live worker was touched: {unhealthy}");
    }

    private static Pm2Context PreflightOf(Pm2Context app) => app with { App = app.App + "-preflight" };
}
