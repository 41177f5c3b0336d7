using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Metrics;

/// <summary>
/// Turns each finished deploy into counts and durations (hears it through the <see cref="IDeployObserver"/> seam, so the
/// deploy engine knows nothing of metrics). Steps are read from history once, at the end: two quick SQLite reads.
/// </summary>
internal sealed class DeployMetrics(HookMetrics metrics, HistoryStore history) : IDeployObserver
{
    public void Finished(DeployRecord deploy)
    {
        var state = SnakeCase.Name(deploy.State);
        metrics.Deploys.WithLabels(deploy.Service, SnakeCase.Name(deploy.Trigger), state).Inc();
        if (deploy.Duration is { } duration)
            metrics.DeployDuration.WithLabels(deploy.Service, state).Observe(duration.TotalSeconds);
        foreach (var step in history.Steps(deploy.Id))
        {
            metrics.StepDuration.WithLabels(deploy.Service, StepLabel(step.Name)).Observe(step.Duration.TotalSeconds);
            if (!step.Succeeded && IsHealthGate(step.Name))
                metrics.HealthGateFailures.WithLabels(deploy.Service).Inc();
        }
        // Went back by itself: a deploy whose health gate failed after the switch, or the post-switch watch's rollback.
        if (deploy.State == DeployState.RolledBack || deploy is { Trigger: DeployTrigger.Watch, State: DeployState.Succeeded })
            metrics.AutomaticRollbacks.WithLabels(deploy.Service).Inc();
    }

    /// <summary>
    /// A bounded label: build and verify steps are named after their command line (any text the config holds), so they
    /// count as "build" and "verify"; every other step name is one of a fixed few ("fetch", "health", "rollback: health"...).
    /// </summary>
    internal static string StepLabel(string name) =>
        name.StartsWith("build: ", StringComparison.Ordinal) ? "build"
        : name.StartsWith("verify: ", StringComparison.Ordinal) ? "verify"
        : name;

    /// <summary>The health gate runs as "preflight" (Reload, before the switch) and as "[rollback: ]health" after it.</summary>
    private static bool IsHealthGate(string name) => name == "preflight" || name.EndsWith("health", StringComparison.Ordinal);
}
