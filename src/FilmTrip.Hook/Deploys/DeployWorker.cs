using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Runs the queue: one lane per service, so different services deploy in parallel and one service never
/// runs two deploys at once. Each lane first repairs, under the service lock, what a crash left behind.
/// </summary>
internal sealed partial class DeployWorker(
    IOptions<HookOptions> options,
    DeployQueue queue,
    DeployRunner runner,
    GoingBack goingBack,
    GoLive.ReleaseStrategies strategies,
    HistoryStore history,
    DeployEvents events,
    TimeProvider time,
    ILogger<DeployWorker> logger) : BackgroundService
{
    private const string Stopped = "the daemon stopped during the deploy";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.Services.Keys.Select(service => RunLaneAsync(service, stoppingToken)));

    private async Task RunLaneAsync(string service, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var signal = queue.SignalOf(service);
        try
        {
            await RecoverAsync(service, stoppingToken);
            strategies.For(options.Value.Services[service]).Resume(service, options.Value.Services[service]);
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
                        // Never let one deploy's unexpected failure stop the lane; record it and go on. A deploy that
                        // already finished keeps its state (Finish only moves a running one).
                        Log.LaneError(logger, e, service, deploy.Id);
                        history.FinishIfRunning(deploy.Id, DeployState.Failed, time.GetUtcNow(), $"unexpected error: {e.Message}");
                        events.Finished(deploy.Id);
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
    /// A deploy left running by a crash (issue #11 §3): under the service lock, a deploy that had switched goes back to
    /// exactly the release history recorded as live before it, through the same <see cref="GoingBack"/> as the live
    /// path; one that had not switched has whatever it started beside the live release stopped. Only a release the
    /// deploy created is deleted, never a kept one. Each ends <c>interrupted</c> with what recovery did.
    /// </summary>
    internal async Task RecoverAsync(string service, CancellationToken cancellationToken)
    {
        var interrupted = history.Running(service);
        if (interrupted.Count == 0) return;
        var settings = options.Value.Services[service];
        var layout = new ReleaseLayout(settings.Root);
        foreach (var deploy in interrupted)
        {
            using var log = new DeployLog(deploy.LogPath, time, options.Value.MaxDeployLogBytes);
            string detail;
            using (await ServiceLock.AcquireAsync(options.Value.DataDirectory, service, log.Write, cancellationToken))
            {
                log.Write($"recovery: the daemon stopped during deploy {deploy.Id}");
                // What history recorded at the moments the live path did: the plan as it started, the release, the switch.
                var run = new DeployRun(deploy, log, history, time);
                var plan = DeployPlan.For(service, settings, deploy.PreviousRelease, deploy.PreviousCommit);
                var release = deploy.ReleaseId is { } id ? new BuiltRelease(id, deploy.CreatedRelease) : null;
                try
                {
                    if (deploy.Switched && release is not null)
                        (_, detail) = await goingBack.RunAsync(run, new GoLiveContext(plan, release, new TrafficMark(history, deploy.Id, mayHaveMoved: true)),
                            Stopped, DeployState.Interrupted, cancellationToken);
                    else
                    {
                        await goingBack.AbandonAsync(run, plan, release, cancellationToken);
                        detail = Stopped;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    detail = $"{Stopped}; recovery failed: {e.Message}";
                }
                log.Write($"deploy {deploy.Id} finished: interrupted: {detail}");
                log.Flush(); // complete before the state is final, as in DeployRunner
                history.Finish(deploy.Id, DeployState.Interrupted, time.GetUtcNow(), detail);
                Log.Recovered(logger, service, deploy.Id, detail);
                events.Finished(deploy.Id);
            }
            runner.EmptyTrash(layout);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3101, LogLevel.Error, "Deploy lane {Service} failed on deploy {DeployId}")]
        public static partial void LaneError(ILogger logger, Exception exception, string service, string deployId);

        [LoggerMessage(3102, LogLevel.Warning, "Deploy {DeployId} of {Service} was interrupted by a crash: {Detail}")]
        public static partial void Recovered(ILogger logger, string service, string deployId, string detail);
    }
}
