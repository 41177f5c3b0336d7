using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Processes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FilmTrip.Hook.Deploys;

/// <summary>
/// Decides whether a switched release is healthy. <c>pm2 reload</c> exits 0 even when the new code crashes,
/// so this is the step that decides: the health URL must answer 2xx, every pm2 instance must be online,
/// and both must hold, with the same pids and no restarts, for <see cref="HealthCheckOptions.StableFor"/>.
/// </summary>
public sealed class HealthGate(IHttpClientFactory httpClients, Pm2Client pm2, TimeProvider time)
{
    public const string HttpClientName = "health";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Null when healthy, else why not.</summary>
    public async Task<string?> CheckAsync(HealthCheckOptions? health, Pm2Context? app, Action<string> log, CancellationToken cancellationToken)
    {
        if (health is null && app is null) return null;
        var timeout = health?.Timeout ?? TimeSpan.FromSeconds(30);
        var stableFor = health?.StableFor ?? TimeSpan.FromSeconds(2);
        string? lastProblem = "not checked yet";
        IReadOnlyList<Pm2Instance>? stableSince = null;
        DateTimeOffset stableStart = default;

        var pipeline = new ResiliencePipelineBuilder<bool>
        {
            TimeProvider = time,
        }
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
                (lastProblem, var instances) = await ProbeAsync(health, app, token);
                if (lastProblem is not null)
                {
                    stableSince = null;
                    return false;
                }
                if (stableSince is null || !SameProcesses(stableSince, instances))
                {
                    stableSince = instances;
                    stableStart = time.GetUtcNow();
                    lastProblem = "not yet stable";
                    return false;
                }
                return time.GetUtcNow() - stableStart >= stableFor;
            }, cancellationToken);
            log($"healthy: {Describe(health, app)} answered and stayed up for {stableFor.TotalSeconds:0.#}s");
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

    private sealed class GaveUpException(string message) : Exception(message);

    /// <summary>One probe: no problem when the URL answers 2xx and every pm2 instance is online.</summary>
    private async Task<(string? Problem, IReadOnlyList<Pm2Instance> Instances)> ProbeAsync(
        HealthCheckOptions? health, Pm2Context? app, CancellationToken cancellationToken)
    {
        IReadOnlyList<Pm2Instance> instances = app is null ? [] : await pm2.ListAsync(app, cancellationToken);
        if (app is not null && instances.Count == 0) return ($"pm2 has no app named '{app.App}'", instances);
        if (instances.FirstOrDefault(i => i.Status is "errored" or "stopped") is { } dead)
            throw new GaveUpException($"pm2 instance {dead.PmId} of '{app!.App}' is {dead.Status} (pm2 stopped restarting it)");
        if (instances.FirstOrDefault(i => i.Status != "online") is { } down)
            return ($"pm2 instance {down.PmId} of '{app!.App}' is {down.Status}", instances);
        return (await ProbeUrlAsync(health, cancellationToken), instances);
    }

    private async Task<string?> ProbeUrlAsync(HealthCheckOptions? health, CancellationToken cancellationToken)
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
}
