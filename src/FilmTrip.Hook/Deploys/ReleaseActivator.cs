using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Deploys;

/// <summary>The second half of a deploy: make a release live (switch, reload) and decide whether it is healthy.</summary>
public sealed class ReleaseActivator(Pm2Client pm2, HealthGate health, TimeProvider time)
{
    /// <summary>Switch, reload, health-check. Returns null when healthy, else why not.</summary>
    internal async Task<string?> GoLiveAsync(DeployRun run, string release, CancellationToken cancellationToken, string stepPrefix = "")
    {
        await run.StepAsync(stepPrefix + "switch", () =>
        {
            run.Layout.Switch(release);
            run.Switched = true;
            run.Log.Write($"current -> releases/{release}");
        });
        if (run.Pm2Context is { } app)
            await run.StepAsync(stepPrefix + "reload", () => ReloadAsync(run, app, release == run.PreviousRelease ? null : run.PreviousRelease, cancellationToken));

        try
        {
            await run.StepAsync(stepPrefix + "health", async () =>
            {
                if (await health.CheckAsync(run.Service.HealthCheck, run.Pm2Context, run.Log.Write, cancellationToken) is { } unhealthy)
                    throw new UnhealthyException(unhealthy);
                return null;
            });
            return null;
        }
        catch (UnhealthyException e)
        {
            return e.Message;
        }
    }

    private sealed class UnhealthyException(string reason) : Exception(reason);

    /// <summary>
    /// Starts or reloads the app. With a <paramref name="fallback"/> release, a crash on start during the reload
    /// switches <c>current</c> back to it at once (see <see cref="ReloadCrashWatch"/>) and fails the step.
    /// </summary>
    private async Task<int?> ReloadAsync(DeployRun run, Pm2Context app, string? fallback, CancellationToken cancellationToken)
    {
        // With a release live, the app almost always runs: ask pm2 for the crash watch's baseline while the reload
        // starts (each pm2 CLI call costs ~0.4 s here, and the reload replaces no worker before a new one is ready).
        var baseline = pm2.ListAsync(app, cancellationToken);
        var reload = run.PreviousRelease is null ? null : pm2.ReloadAsync(app, run.Log.Write, cancellationToken);
        var known = await baseline;
        if (known.Count == 0)
        {
            if (reload is not null) await reload; // "not found": nothing was touched
            var started = await pm2.StartAsync(app, run.Layout.CurrentLink, run.Service.Pm2!.Ecosystem, run.Log.Write, cancellationToken);
            return started.Succeeded ? started.ExitCode
                : throw new DeployFailedException($"pm2 start {app.App} exited with {started.ExitCode}", started.ExitCode);
        }

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        reload ??= pm2.ReloadAsync(app, run.Log.Write, cancellationToken);
        var crash = fallback is null ? null : ReloadCrashWatch.UntilCrashAsync(pm2, app, known, time, run.Log.Write, watching.Token);
        string? crashed = null;
        if (crash is not null && await Task.WhenAny(reload, crash) == crash && crash.IsFaulted)
            run.Log.Write($"crash watch failed: {crash.Exception!.InnerException!.Message}");
        if (crash is not null && crash.IsCompletedSuccessfully)
        {
            crashed = crash.Result;
            run.Layout.Switch(fallback!);
            run.Log.Write($"{crashed}: current -> releases/{fallback} while pm2 still has the old workers");
        }
        await watching.CancelAsync();
        if (crash is not null) await crash.ContinueWith(_ => { }, TaskScheduler.Default); // ends with the cancellation
        var result = await reload;
        if (crashed is not null)
            throw new DeployFailedException(crashed, result.ExitCode);
        if (!result.Succeeded)
            throw new DeployFailedException($"pm2 reload {app.App} exited with {result.ExitCode}", result.ExitCode);
        return result.ExitCode;
    }
}
