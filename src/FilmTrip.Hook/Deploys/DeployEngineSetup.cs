using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys.Dependencies;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Deploys;

public static class DeployEngineSetup
{
    public static IServiceCollection AddDeployEngine(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new HistoryStore(sp.GetRequiredService<IOptions<HookOptions>>().Value.DataDirectory));
        services.AddSingleton<IGitSource>(sp =>
        {
            var hook = sp.GetRequiredService<IOptions<HookOptions>>().Value;
            return new LibGit2Source(hook.DataDirectory, hook.FetchStallTimeout);
        });
        services.AddSingleton<ICommandRunner, CliWrapCommandRunner>();
        services.AddSingleton<Pm2Bridge>();
        services.AddSingleton<Pm2Client>();
        services.AddHttpClient(HealthGate.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero });
        services.AddSingleton<HealthGate>();
        services.AddSingleton<DeployEvents>();
        services.AddSingleton<DeployQueue>();
        services.AddSingleton<ModulesIsolation>();
        services.AddSingleton<ReleaseBuilder>();
        services.AddSingleton<GoLive.NginxUpstream>();
        services.AddSingleton<GoLive.WarmColors>();
        services.AddSingleton<GoLive.ReloadStrategy>();
        services.AddSingleton<GoLive.BlueGreenStrategy>();
        services.AddSingleton<GoLive.ReleaseStrategies>();
        services.AddSingleton<GoingBack>();
        services.AddSingleton<DeployRunner>();
        services.AddHostedService<DeployWorker>();
        // Room for a deploy stopped after its switch to go back to the previous release: pm2 reload and start (2 min
        // each at most) and the health check, 280 s (computed in systemd/filmtrip-hook.service, TimeoutStopSec=300).
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(285));
        return services;
    }
}
