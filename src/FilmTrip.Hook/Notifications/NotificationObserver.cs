using System.Threading.Channels;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Notifications;

/// <summary>A deploy to tell the sinks about (<paramref name="Send"/>), or only to write held failure lines for.</summary>
internal sealed record NoticeWork(DeployRecord Deploy, bool Send);

/// <summary>
/// Hears deploys and hands what a sink wants to <see cref="NotificationSender"/> through a bounded channel; it never
/// waits. A full channel (1,000 notices behind) drops the new notice with a warning rather than grow without bound.
/// </summary>
internal sealed partial class NotificationObserver(IOptions<HookOptions> options, FailureLines failures, ILogger<NotificationObserver> logger)
    : IDeployObserver
{
    private readonly Channel<NoticeWork> _channel = Channel.CreateBounded<NoticeWork>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public ChannelReader<NoticeWork> Reader => _channel.Reader;

    public void Queued(DeployRecord deploy)
    {
        if (deploy.State == DeployState.AwaitingApproval) Offer(deploy);
    }

    public void Finished(DeployRecord deploy) => Offer(deploy);

    private void Offer(DeployRecord deploy)
    {
        var state = DeployNotice.EventOf(deploy);
        var send = options.Value.Notifications.Any(s => s.Wants(deploy.Service, state));
        // A deploy with failure lines held while it ran gets them written now that it has finished (FailureLines).
        if (!send && !(deploy.State != DeployState.AwaitingApproval && failures.HasHeld(deploy.Id))) return;
        if (!_channel.Writer.TryWrite(new NoticeWork(deploy, send))) Log.Dropped(logger, deploy.Id, state);
    }

    private static partial class Log
    {
        [LoggerMessage(5101, LogLevel.Warning, "Notification for deploy {DeployId} ({State}) dropped: 1,000 notices are waiting to be sent")]
        public static partial void Dropped(ILogger logger, string deployId, string state);
    }
}
