using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Processes;

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

    /// <summary>What one poll saw: healthy for the whole window, not yet (why), or a terminal pm2 state that ends the check.</summary>
    private sealed record Poll(bool Healthy, string? Problem = null, bool Terminal = false);

    /// <summary>What pm2 said of the app: its instances, and a problem unless every one is online.</summary>
    private sealed record Pm2Look(IReadOnlyList<Pm2Instance> Instances, string? Problem = null, bool Terminal = false);

    /// <summary>
    /// Null when healthy, else why not. <paramref name="fresh"/>: the app was just started under its own name (a color,
    /// the preflight), so any restart is a crash on start and ends the check at once.
    /// </summary>
    public async Task<string?> CheckAsync(HealthCheckOptions? health, Pm2Context? app, Action<string> log, CancellationToken cancellationToken, bool fresh = false)
    {
        if (health is null && app is null) return null;
        var timeout = health?.Timeout ?? TimeSpan.FromSeconds(30);
        var stableFor = app is null ? TimeSpan.Zero : health?.StableFor ?? TimeSpan.FromSeconds(2);
        // The deadline also cuts a probe, a pm2 jlist or the pause between polls that is under way when it passes.
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var window = new Window(this, time, health, app, stableFor, fresh);
        string? lastProblem = null;
        try
        {
            for (var poll = await window.PollAsync(linked.Token); !poll.Healthy; poll = await window.PollAsync(linked.Token))
            {
                // A terminal state: waiting out the timeout would only delay the rollback.
                if (poll.Terminal) return $"unhealthy: {poll.Problem}";
                lastProblem = poll.Problem;
                await Task.Delay(PollInterval, time, linked.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"unhealthy after {timeout.TotalSeconds:0.#}s: {lastProblem ?? $"no answer yet from {window.Waiting}"}";
        }
        log(stableFor > TimeSpan.Zero
            ? $"healthy: {Describe(health, app)} answered and stayed up for {stableFor.TotalSeconds:0.#}s"
            : $"healthy: {Describe(health, app)} answered");
        return null;
    }

    /// <summary>The window in which pm2's instances must stay the same while the URL keeps answering.</summary>
    private sealed class Window(HealthGate gate, TimeProvider time, HealthCheckOptions? health, Pm2Context? app, TimeSpan stableFor, bool fresh)
    {
        private IReadOnlyList<Pm2Instance>? _opened;
        private DateTimeOffset _openedAt;

        /// <summary>What the first poll is waiting for, for a deadline that passes before any poll has ended.</summary>
        public string Waiting { get; private set; } = "";

        public async Task<Poll> PollAsync(CancellationToken cancellationToken)
        {
            if (_opened is not { } opened)
            {
                Waiting = app is null ? "" : $"pm2 (the list of '{app.App}')";
                var start = await gate.InstancesAsync(app, fresh, cancellationToken);
                if (start.Problem is not null) return new Poll(false, start.Problem, start.Terminal);
                Waiting = health?.Url ?? "";
                if (await gate.ProbeAsync(health, cancellationToken) is { } down) return new Poll(false, down);
                (_opened, _openedAt) = (opened = start.Instances, time.GetUtcNow());
            }
            else if (await gate.ProbeAsync(health, cancellationToken) is { } down)
            {
                _opened = null;
                return new Poll(false, down);
            }

            var stable = time.GetUtcNow() - _openedAt;
            if (stable < stableFor)
                return new Poll(false, $"up for {stable.TotalSeconds:0.#}s of the {stableFor.TotalSeconds:0.#}s it must stay up (StableFor)");
            if (app is null) return new Poll(true);
            var end = await gate.InstancesAsync(app, fresh, cancellationToken);
            if (end.Problem is null && SameProcesses(opened, end.Instances)) return new Poll(true);
            _opened = null;
            return new Poll(false, end.Problem ?? $"pm2 restarted an instance of '{app.App}' while it was being checked", end.Terminal);
        }
    }

    private async Task<Pm2Look> InstancesAsync(Pm2Context? app, bool fresh, CancellationToken cancellationToken)
    {
        if (app is null) return new Pm2Look([]);
        var instances = await pm2.ListAsync(app, cancellationToken);
        if (instances.Count == 0) return new Pm2Look(instances, $"pm2 has no app named '{app.App}'");
        // A fresh app pm2 restarted crashed on start, even when pm2 has given up on it by the first look (a slow
        // machine, an app that dies at once: pm2 marks it errored after its max_restarts).
        if (fresh && instances.FirstOrDefault(i => i.Restarts > 0 || i.UnstableRestarts > 0) is { } crashed)
            return new Pm2Look(instances, $"pm2 instance {crashed.PmId} of '{app.App}' crashed on start " +
                $"(restarted {Math.Max(crashed.Restarts, crashed.UnstableRestarts)} times" +
                (GaveUp(crashed) ? $", now {crashed.Status}: pm2 stopped restarting it)" : ")"), Terminal: true);
        if (instances.FirstOrDefault(GaveUp) is { } dead)
            return new Pm2Look(instances, $"pm2 instance {dead.PmId} of '{app.App}' is {dead.Status} (pm2 stopped restarting it)", Terminal: true);
        return instances.FirstOrDefault(i => i.Status != "online") is { } down
            ? new Pm2Look(instances, $"pm2 instance {down.PmId} of '{app.App}' is {down.Status}")
            : new Pm2Look(instances);
    }

    /// <summary>pm2 stopped restarting the instance (it reached max_restarts, or it was stopped).</summary>
    private static bool GaveUp(Pm2Instance instance) => instance.Status is "errored" or "stopped";

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
}
