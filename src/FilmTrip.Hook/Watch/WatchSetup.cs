using System.Threading.Channels;
using FilmTrip.Hook.Deploys;

namespace FilmTrip.Hook.Watch;

/// <summary>The post-switch watch (issue 15): <c>services.AddDeployWatch()</c> in Program.cs.</summary>
public static class WatchSetup
{
    public static IServiceCollection AddDeployWatch(this IServiceCollection services)
    {
        // Unbounded on purpose: at most one start per finished deploy, and an observer must never block a deploy.
        services.AddSingleton(_ => Channel.CreateUnbounded<WatchStart>(new UnboundedChannelOptions { SingleReader = true }));
        services.AddSingleton<Watches>();
        services.AddSingleton<WatchPlanner>();
        services.AddSingleton<DeployWatcher>();
        services.AddSingleton<IDeployObserver, WatchObserver>();
        services.AddHostedService<WatchHost>();
        return services;
    }
}

/// <summary>Runs each watch as its own background loop; a stopping daemon ends them all.</summary>
internal sealed class WatchHost(Channel<WatchStart> starts, DeployWatcher watcher) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        try
        {
            await foreach (var start in starts.Reader.ReadAllAsync(stoppingToken))
            {
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(() => watcher.RunAsync(start, stoppingToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(running);
    }
}
