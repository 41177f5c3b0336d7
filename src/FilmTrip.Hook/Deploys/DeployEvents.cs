using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Something that hears about deploys without taking part in them: notifications, GitHub deployment statuses,
/// metrics, the post-switch watch. Register one with <c>services.AddSingleton&lt;IDeployObserver, T&gt;()</c>.
/// Calls come from the deploy's own thread: an observer must return at once and hand slow work (HTTP) to a
/// background task, because an observer never delays or fails a deploy.
/// </summary>
public interface IDeployObserver
{
    /// <summary>A deploy was written to history as queued (or awaiting approval).</summary>
    void Queued(DeployRecord deploy) { }

    /// <summary>A deploy took its service's lock and started running.</summary>
    void Started(DeployRecord deploy) { }

    /// <summary>A deploy reached its final state; <paramref name="deploy"/> is as history now holds it (state, error, times).</summary>
    void Finished(DeployRecord deploy) { }
}

/// <summary>Tells every <see cref="IDeployObserver"/>; an observer that throws is logged and the others still hear.</summary>
public sealed partial class DeployEvents(IEnumerable<IDeployObserver> observers, HistoryStore history, ILogger<DeployEvents> logger)
{
    private readonly IDeployObserver[] _observers = observers.ToArray();

    public void Queued(DeployRecord deploy) => Each(o => o.Queued(deploy));

    public void Started(string deployId)
    {
        if (_observers.Length > 0 && history.Get(deployId) is { } deploy) Each(o => o.Started(deploy));
    }

    public void Finished(string deployId)
    {
        if (_observers.Length > 0 && history.Get(deployId) is { } deploy) Each(o => o.Finished(deploy));
    }

    private void Each(Action<IDeployObserver> tell)
    {
        foreach (var observer in _observers)
        {
            try
            {
                tell(observer);
            }
            catch (Exception e)
            {
                Log.ObserverFailed(logger, e, observer.GetType().Name);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3201, LogLevel.Warning, "Deploy observer {Observer} failed; the deploy is not affected")]
        public static partial void ObserverFailed(ILogger logger, Exception exception, string observer);
    }
}
