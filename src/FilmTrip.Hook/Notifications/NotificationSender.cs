using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace FilmTrip.Hook.Notifications;

/// <summary>
/// Sends what <see cref="NotificationObserver"/> queued, away from any deploy. Each sink gets at most 3 attempts
/// (exponential backoff from 1 s with jitter, timed by the injected TimeProvider; 10 s per attempt) on network errors
/// and 5xx/408/429; a refusal is not retried. A notice that still fails is written into the deploy's log
/// (<see cref="FailureLines"/>) and the daemon's log; the deploy's state never changes.
/// </summary>
internal sealed partial class NotificationSender(
    IOptions<HookOptions> options,
    NotificationObserver observer,
    FailureLines failures,
    IGitSource git,
    IHttpClientFactory http,
    TimeProvider time,
    ILogger<NotificationSender> logger) : BackgroundService
{
    public const string HttpClientName = "notifications";

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RobotBusyException>().Handle<HttpRequestException>()
                .Handle<TaskCanceledException>(e => e.InnerException is TimeoutException),
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
        })
        .Build();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in observer.Reader.ReadAllAsync(stoppingToken))
        {
            if (work.Send) await SendAsync(work.Deploy, stoppingToken);
            failures.Release(work.Deploy);
        }
    }

    private async Task SendAsync(DeployRecord deploy, CancellationToken stoppingToken)
    {
        var notice = DeployNotice.Of(deploy, Describe(deploy));
        var sinks = options.Value.Notifications.Select((sink, index) => (sink, index)).Where(s => s.sink.Wants(notice.Service, notice.State));
        await Task.WhenAll(sinks.Select(s => SendOneAsync(s.sink, s.index, deploy, notice, stoppingToken)));
    }

    private async Task SendOneAsync(NotificationOptions sink, int index, DeployRecord deploy, DeployNotice notice, CancellationToken stoppingToken)
    {
        var where = $"Hook:Notifications:{index} ({sink.Kind} at {HostOf(sink.Url)})";
        try
        {
            await _retry.ExecuteAsync(async token =>
            {
                using var request = RobotPayloads.Build(sink, notice, time.GetUtcNow());
                using var response = await http.CreateClient(HttpClientName).SendAsync(request, token);
                RobotReply.Check(sink.Kind!.Value, response.StatusCode, await response.Content.ReadAsStringAsync(token));
            }, stoppingToken);
            Log.Sent(logger, where, deploy.Id, notice.State);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Robot URLs carry their credential in the path or the query: nothing of the URL past its host is shown.
            var reason = Redact(e.Message, sink.Url);
            Log.Failed(logger, where, deploy.Id, notice.State, reason);
            failures.Record(deploy, "notifications", $"notification {notice.State} to {where} failed after retries: {reason}");
        }
    }

    /// <summary>The commit's subject and author from the git cache (no fetch: a notice never waits on the network).</summary>
    private CommitSummary? Describe(DeployRecord deploy)
    {
        if (!options.Value.Services.TryGetValue(deploy.Service, out var service)) return null;
        try
        {
            return git.Describe(service, deploy.Commit);
        }
        catch (Exception e) when (e is LibGit2Sharp.LibGit2SharpException or IOException)
        {
            return null;
        }
    }

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}" : "?";

    private static string Redact(string message, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.PathAndQuery.Length > 1
            ? message.Replace(uri.PathAndQuery, "/…", StringComparison.Ordinal)
            : message;

    private static partial class Log
    {
        [LoggerMessage(5102, LogLevel.Information, "Notification sent to {Sink} for deploy {DeployId} ({State})")]
        public static partial void Sent(ILogger logger, string sink, string deployId, string state);

        [LoggerMessage(5103, LogLevel.Warning, "Notification to {Sink} for deploy {DeployId} ({State}) failed after retries: {Reason}")]
        public static partial void Failed(ILogger logger, string sink, string deployId, string state, string reason);
    }
}
