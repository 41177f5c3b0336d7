using System.Collections.Concurrent;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Processes;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Deploys.GoLive;

/// <summary>
/// Retires the color that stopped taking traffic once its time is up (never before <c>Drain</c>, after
/// <c>KeepWarm</c>), under the service lock and only if it still takes no traffic. Starting a color again cancels
/// its retirement. A daemon restart forgets the timers; <see cref="BlueGreenStrategy.Resume"/> sets them again.
/// </summary>
internal sealed partial class WarmColors(Pm2Client pm2, HistoryStore history, IOptions<HookOptions> options, TimeProvider time,
    ILogger<WarmColors> logger, IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSwitch = new(StringComparer.Ordinal);

    /// <summary>Traffic of <paramref name="service"/> moved just now.</summary>
    public void Switched(string service) => _lastSwitch[service] = time.GetUtcNow();

    /// <summary>How long the color that lost traffic at the last switch still drains (null when none switched since start).</summary>
    public TimeSpan? DrainLeft(string service, TimeSpan drain) =>
        _lastSwitch.TryGetValue(service, out var at) ? at + drain - time.GetUtcNow() : null;

    public void Retire(string service, ServiceOptions settings, Color color, TimeSpan after) =>
        Schedule(service, color.App, after, settings, stillIdle: () => NginxUpstream.LivePort(settings.BlueGreen!) != color.Port,
            retired: () => history.SetColor(service, color.Name, null, time.GetUtcNow()));

    /// <summary>The single pm2 app of a service that ran under Reload, once traffic has moved to a color.</summary>
    public void RetireLegacy(string service, ServiceOptions settings, Pm2Context app, TimeSpan after) =>
        Schedule(service, app, after, settings, stillIdle: () => true, retired: () => { });

    public void Cancel(string service, Color color)
    {
        if (_pending.TryRemove(Key(service, color.App.App), out var pending)) pending.Cancel();
    }

    private void Schedule(string service, Pm2Context app, TimeSpan after, ServiceOptions settings, Func<bool> stillIdle, Action retired)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        if (_pending.TryGetValue(Key(service, app.App), out var old)) old.Cancel();
        _pending[Key(service, app.App)] = cancel;
        Log.Scheduled(logger, service, app.App, after);
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(after, time, cancel.Token);
                using var held = await ServiceLock.AcquireAsync(options.Value.DataDirectory, service, _ => { }, cancel.Token);
                if (cancel.IsCancellationRequested || !stillIdle()) return;
                await pm2.DeleteIfPresentAsync(app, line => Log.Pm2Output(logger, app.App, line), cancel.Token);
                retired();
                Log.Retired(logger, service, app.App);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                Log.Failed(logger, e, service, app.App);
            }
            finally
            {
                _pending.TryRemove(new KeyValuePair<string, CancellationTokenSource>(Key(service, app.App), cancel));
                cancel.Dispose();
            }
        }, CancellationToken.None);
    }

    private static string Key(string service, string app) => service + "\n" + app;

    private static partial class Log
    {
        [LoggerMessage(3201, LogLevel.Information, "{Service}: {App} takes no traffic; it stops in {After}")]
        public static partial void Scheduled(ILogger logger, string service, string app, TimeSpan after);

        [LoggerMessage(3202, LogLevel.Information, "{Service}: stopped the idle {App}")]
        public static partial void Retired(ILogger logger, string service, string app);

        [LoggerMessage(3203, LogLevel.Warning, "{Service}: stopping the idle {App} failed")]
        public static partial void Failed(ILogger logger, Exception exception, string service, string app);

        [LoggerMessage(3204, LogLevel.Debug, "{App}: {Line}")]
        public static partial void Pm2Output(ILogger logger, string app, string line);
    }
}
