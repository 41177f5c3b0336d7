using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Runs the queue: one lane per service, so different services deploy in parallel and one service never
/// runs two deploys at once. On start it first repairs what a crash left behind.
/// </summary>
public sealed partial class DeployWorker(
    IOptions<HookOptions> options,
    DeployQueue queue,
    DeployRunner runner,
    HistoryStore history,
    TimeProvider time,
    ILogger<DeployWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RecoverInterrupted();
        await Task.WhenAll(options.Value.Services.Keys.Select(service => RunLaneAsync(service, stoppingToken)));
    }

    private async Task RunLaneAsync(string service, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var signal = queue.SignalOf(service);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (queue.Next(service) is { } deploy)
                {
                    try
                    {
                        await runner.RunAsync(deploy, stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Never let one deploy's unexpected failure stop the lane; record it and go on.
                        Log.LaneError(logger, e, service, deploy.Id);
                        history.Finish(deploy.Id, DeployState.Failed, time.GetUtcNow(), $"unexpected error: {e.Message}");
                    }
                }
                await signal.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A deploy left running by a crash becomes interrupted; its half-built release is removed, and if it had
    /// already switched <c>current</c>, <c>current</c> goes back to the release before it.
    /// </summary>
    internal void RecoverInterrupted()
    {
        foreach (var deploy in history.InterruptRunning(time.GetUtcNow(), "the daemon stopped during the deploy"))
        {
            if (!options.Value.Services.TryGetValue(deploy.Service, out var service) || deploy.ReleaseId is not { } release)
                continue;
            var layout = new ReleaseLayout(service.Root);
            if (layout.CurrentRelease() == release)
            {
                var releases = layout.Releases();
                var before = releases.ElementAtOrDefault(releases.ToList().IndexOf(release) + 1);
                if (before is null) continue;
                layout.Switch(before);
                Log.SwitchedBack(logger, deploy.Service, deploy.Id, before);
                // pm2 may already run the unchecked release: a rollback to the restored release reloads and
                // health-checks it before anything else this service does.
                if (service.Pm2 is not null && deploy.PreviousCommit is { } previous)
                    queue.Enqueue(deploy.Service, DeployTrigger.Rollback, previous);
            }
            layout.Delete(release);
            layout.EmptyTrash();
            Log.Recovered(logger, deploy.Service, deploy.Id, release);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3101, LogLevel.Error, "Deploy lane {Service} failed on deploy {DeployId}")]
        public static partial void LaneError(ILogger logger, Exception exception, string service, string deployId);

        [LoggerMessage(3102, LogLevel.Warning, "Deploy {DeployId} of {Service} was interrupted by a crash; removed its release {Release}")]
        public static partial void Recovered(ILogger logger, string service, string deployId, string release);

        [LoggerMessage(3103, LogLevel.Warning, "Deploy {DeployId} of {Service} had switched current before a crash; switched back to {Release}")]
        public static partial void SwitchedBack(ILogger logger, string service, string deployId, string release);
    }
}
