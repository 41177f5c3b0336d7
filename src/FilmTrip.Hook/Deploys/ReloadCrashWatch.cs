using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Watches a pm2 app while <c>pm2 reload</c> moves it to a new release, for a crash on start.
/// pm2 replaces an old worker once <c>listen_timeout</c> passes even if its replacement never sent
/// <c>ready</c>, so a release that crashes on start takes every worker down before the health gate can act
/// (bench/run.sh measured 34 s of 502s through nginx). Seen early, the deploy switches <c>current</c> back:
/// pm2 restarts the crashed worker from the <c>current</c> path, so the restart runs the previous release,
/// and the old workers are only ever replaced by working ones. See issue #5.
/// </summary>
internal static class ReloadCrashWatch
{
    // Each poll spawns the pm2 CLI (~0.4 s of a core here), which slows the reload it watches. A crash on start only
    // hurts once listen_timeout (10 s in the seed's ecosystem) passes, so a poll a second is early enough.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Returns what crashed, polling until it sees a crash or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<string> UntilCrashAsync(
        Pm2Client pm2, Pm2Context app, IReadOnlyList<Pm2Instance> before, TimeProvider time, Action<string> log, CancellationToken cancellationToken)
    {
        var was = before.ToDictionary(i => i.PmId);
        while (true)
        {
            await Task.Delay(PollInterval, time, cancellationToken);
            IReadOnlyList<Pm2Instance> now;
            try
            {
                now = await pm2.ListAsync(app, cancellationToken);
            }
            catch (Exception e) when (e is Pm2Exception or System.Text.Json.JsonException or IOException)
            {
                // A jlist that failed says nothing about the app; the reload itself reports pm2 trouble.
                log($"crash watch: pm2 jlist failed: {e.Message}");
                continue;
            }
            // The reload itself restarts each instance once; more restarts than that are crashes.
            if (now.FirstOrDefault(i => i.Status == "errored"
                    || (was.TryGetValue(i.PmId, out var old) && (i.Restarts > old.Restarts + 1 || i.UnstableRestarts > old.UnstableRestarts))) is { } crashed)
                return $"pm2 instance {crashed.PmId} of '{app.App}' crashed on start during the reload ({crashed.Status}, restarted {crashed.Restarts} times)";
        }
    }
}
