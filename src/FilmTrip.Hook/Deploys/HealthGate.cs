using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Processes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Decides whether a switched release is healthy. <c>pm2 reload</c> exits 0 even when the new code crashes,
/// so this is the step that decides: every pm2 instance must be online, the health URL must answer 2xx, and
/// for a pm2 app both must hold for <see cref="HealthCheckOptions.StableFor"/> with the same pids and restart
/// counts at both ends of that window (pm2 is asked twice, the URL every poll: <c>pm2 jlist</c> costs a process).
/// A static service is healthy once its URL answers: files do not crash.
/// </summary>
public sealed class HealthGate(IHttpClientFactory httpClients, Pm2Client pm2, TimeProvider time)
{
    public const string HttpClientName = "health";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Null when healthy, else why not. <paramref name="fresh"/>: the app was just started under its own name (a color,
    /// the preflight), so any restart is a crash on start and ends the check at once.
    /// </summary>
    public async Task<string?> CheckAsync(HealthCheckOptions? health, Pm2Context? app, Action<string> log, CancellationToken cancellationToken, bool fresh = false)
    {
        if (health is null && app is null) return null;
        var timeout = health?.Timeout ?? TimeSpan.FromSeconds(30);
        var stableFor = app is null ? TimeSpan.Zero : health?.StableFor ?? TimeSpan.FromSeconds(2);
        string? lastProblem = "not checked yet";
        IReadOnlyList<Pm2Instance>? window = null;
        DateTimeOffset windowStart = default;

        var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = timeout })
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = new PredicateBuilder<bool>().HandleResult(done => !done),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = PollInterval,
            })
            .Build();

        try
        {
            await pipeline.ExecuteAsync(async token =>
            {
                if (window is null)
                {
                    (lastProblem, var instances) = await InstancesAsync(app, fresh, token);
                    lastProblem ??= await ProbeAsync(health, token);
                    if (lastProblem is not null) return false;
                    (window, windowStart) = (instances, time.GetUtcNow());
                }
                else if ((lastProblem = await ProbeAsync(health, token)) is not null)
                {
                    window = null;
                    return false;
                }

                if (time.GetUtcNow() - windowStart < stableFor) return false;
                if (app is null) return true;
                (lastProblem, var after) = await InstancesAsync(app, fresh, token);
                if (lastProblem is null && SameProcesses(window, after)) return true;
                lastProblem ??= $"pm2 restarted an instance of '{app.App}' while it was being checked";
                window = null;
                return false;
            }, cancellationToken);
            log(stableFor > TimeSpan.Zero
                ? $"healthy: {Describe(health, app)} answered and stayed up for {stableFor.TotalSeconds:0.#}s"
                : $"healthy: {Describe(health, app)} answered");
            return null;
        }
        catch (TimeoutRejectedException)
        {
            return $"unhealthy after {timeout.TotalSeconds:0.#}s: {lastProblem}";
        }
        catch (GaveUpException e)
        {
            // A terminal state: waiting out the timeout would only delay the rollback.
            return $"unhealthy: {e.Message}";
        }
    }

    /// <summary>The app's instances, and a problem unless every one is online.</summary>
    private async Task<(string? Problem, IReadOnlyList<Pm2Instance> Instances)> InstancesAsync(Pm2Context? app, bool fresh, CancellationToken cancellationToken)
    {
        if (app is null) return (null, []);
        var instances = await pm2.ListAsync(app, cancellationToken);
        if (instances.Count == 0) return ($"pm2 has no app named '{app.App}'", instances);
        if (instances.FirstOrDefault(i => i.Status is "errored" or "stopped") is { } dead)
            throw new GaveUpException($"pm2 instance {dead.PmId} of '{app.App}' is {dead.Status} (pm2 stopped restarting it)");
        if (fresh && instances.FirstOrDefault(i => i.Restarts > 0 || i.UnstableRestarts > 0) is { } crashed)
            throw new GaveUpException($"pm2 instance {crashed.PmId} of '{app.App}' crashed on start (restarted {Math.Max(crashed.Restarts, crashed.UnstableRestarts)} times)");
        return instances.FirstOrDefault(i => i.Status != "online") is { } down
            ? ($"pm2 instance {down.PmId} of '{app.App}' is {down.Status}", instances)
            : (null, instances);
    }

    /// <summary>One probe of the health URL: null when it answers 2xx within 5 s, else why not.</summary>
    public async Task<string?> ProbeAsync(HealthCheckOptions? health, CancellationToken cancellationToken)
    {
        if (health is null) return null;
        try
        {
            using var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probeTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(health.Url, probeTimeout.Token);
            return response.IsSuccessStatusCode ? null : $"{health.Url} answered {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return $"{health.Url}: {e.Message}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{health.Url} did not answer within 5s";
        }
    }

    private static bool SameProcesses(IReadOnlyList<Pm2Instance> before, IReadOnlyList<Pm2Instance> now) =>
        before.Count == now.Count && before.All(b => now.Any(n => n.PmId == b.PmId && n.Pid == b.Pid && n.Restarts == b.Restarts));

    private static string Describe(HealthCheckOptions? health, Pm2Context? app) =>
        string.Join(" and ", new[] { health?.Url, app is null ? null : $"pm2 app '{app.App}'" }.OfType<string>());

    private sealed class GaveUpException(string message) : Exception(message);
}
