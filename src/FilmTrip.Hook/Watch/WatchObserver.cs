using System.Collections.Concurrent;
using System.Threading.Channels;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Watch;

/// <summary>A succeeded deploy to watch, with the access log opened where it stood when the deploy started.</summary>
internal sealed record WatchStart(DeployRecord Deploy, AccessLogTailer Log, WatchOptions Rules);

/// <summary>
/// Hears deploys (the <see cref="IDeployObserver"/> seam) for services with a <c>Watch</c>. Started: the service's
/// running watch ends, and a push or manual deploy notes the access log's end (its switch comes later: what is
/// written from here on is the previous release's last traffic, then the new one's). Finished as succeeded: the
/// watch starts, on <see cref="WatchHost"/>'s loop. Rollbacks are never watched: they put back a release that
/// served before, and watching them could bounce between two bad releases.
/// </summary>
internal sealed partial class WatchObserver(
    IOptions<HookOptions> options, Watches watches, Channel<WatchStart> starts, HistoryStore history, TimeProvider time,
    ILogger<WatchObserver> logger) : IDeployObserver
{
    private readonly ConcurrentDictionary<string, AccessLogTailer> _marks = new(StringComparer.Ordinal);

    public void Started(DeployRecord deploy)
    {
        if (RulesOf(deploy.Service) is not { } rules) return;
        watches.End(deploy.Service, deploy.Id);
        if (!deploy.Trigger.IsRollback()) DropStaleWatchRollbacks(deploy);
        if (deploy.Trigger is not (DeployTrigger.Push or DeployTrigger.Manual)) return;
        try
        {
            _marks[deploy.Id] = AccessLogTailer.AtEnd(rules.AccessLog);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CannotOpen(logger, deploy.Service, rules.AccessLog, e.Message);
        }
    }

    public void Finished(DeployRecord deploy)
    {
        if (!_marks.TryRemove(deploy.Id, out var log)) return;
        if (deploy is { State: DeployState.Succeeded, Switched: true, ReleaseId: not null } && RulesOf(deploy.Service) is { } rules
            && starts.Writer.TryWrite(new WatchStart(deploy, log, rules)))
            return;
        log.Dispose();
    }

    /// <summary>
    /// A watch that tripped just as this deploy was taken off the queue left its rollback behind it: run after this
    /// deploy, it would undo it. This deploy's own watch judges it instead.
    /// </summary>
    private void DropStaleWatchRollbacks(DeployRecord deploy)
    {
        foreach (var stale in history.Queued().Where(d => d.Service == deploy.Service && d.Trigger == DeployTrigger.Watch))
            history.Finish(stale.Id, DeployState.Superseded, time.GetUtcNow(),
                $"deploy {deploy.Id} started before this watch rollback; its own watch decides");
    }

    private WatchOptions? RulesOf(string service) => options.Value.Services.GetValueOrDefault(service)?.Watch;

    private static partial class Log
    {
        [LoggerMessage(3805, LogLevel.Warning, "Cannot open the access log of {Service} ({Path}) for the watch: {Reason}; this deploy is not watched")]
        public static partial void CannotOpen(ILogger logger, string service, string path, string reason);
    }
}
