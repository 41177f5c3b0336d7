using FilmTrip.Hook.History;
using Prometheus;

namespace FilmTrip.Hook.Metrics;

/// <summary>
/// Every series the daemon exports (issue #13), in one registry of its own: the process-wide default registry would be
/// shared by every host in a test process, and its collect callbacks would outlive the host that added them.
/// </summary>
public sealed class HookMetrics
{
    /// <summary>What a webhook delivery came to; each is exported from the start, at zero.</summary>
    public static readonly string[] DeliveryOutcomes = ["accepted", "duplicate", "ignored", "bad_signature", "bad_payload", "busy"];

    public HookMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Deploys = factory.CreateCounter("filmtrip_hook_deploys_total", "Deploys that reached a final state.",
            "service", "trigger", "state");
        DeployDuration = factory.CreateHistogram("filmtrip_hook_deploy_duration_seconds", "Time from a deploy's start to its final state.",
            new HistogramConfiguration { LabelNames = ["service", "state"], Buckets = Histogram.ExponentialBuckets(1, 2, 10) });
        StepDuration = factory.CreateHistogram("filmtrip_hook_deploy_step_duration_seconds", "Time each deploy step took.",
            new HistogramConfiguration { LabelNames = ["service", "step"], Buckets = Histogram.ExponentialBuckets(0.05, 2, 12) });
        QueueLength = factory.CreateGauge("filmtrip_hook_queue_length", "Deploys waiting to run.", "service");
        Running = factory.CreateGauge("filmtrip_hook_running_deploys", "Deploys running now.", "service");
        LastSuccess = factory.CreateGauge("filmtrip_hook_last_success_timestamp_seconds",
            "Unix time the last successful deploy of the service finished (absent before the first).", "service");
        Deliveries = factory.CreateCounter("filmtrip_hook_webhook_deliveries_total", "GitHub webhook deliveries by outcome.", "outcome");
        HealthGateFailures = factory.CreateCounter("filmtrip_hook_health_gate_failures_total",
            "Health gates (preflight or after the switch) that a deploy's release failed.", "service");
        AutomaticRollbacks = factory.CreateCounter("filmtrip_hook_automatic_rollbacks_total",
            "Deploys that went back to the previous release on their own (final state rolled_back).", "service");
        foreach (var outcome in DeliveryOutcomes) Deliveries.WithLabels(outcome);
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();
    public Counter Deploys { get; }
    public Histogram DeployDuration { get; }
    public Histogram StepDuration { get; }
    public Gauge QueueLength { get; }
    public Gauge Running { get; }
    public Gauge LastSuccess { get; }
    public Counter Deliveries { get; }
    public Counter HealthGateFailures { get; }
    public Counter AutomaticRollbacks { get; }

    /// <summary>
    /// Exports every service's counters at zero from the start: Prometheus' increase() sees nothing in a series whose
    /// first sample is already 1, so the first failed deploy after a restart would never fire an alert.
    /// </summary>
    public void StartAtZero(IEnumerable<string> services)
    {
        foreach (var service in services)
        {
            foreach (var trigger in SnakeCase.Names<DeployTrigger>())
                foreach (var state in Enum.GetValues<DeployState>().Where(s => s is not (DeployState.Queued or DeployState.Running or DeployState.AwaitingApproval)))
                    Deploys.WithLabels(service, trigger, SnakeCase.Name(state));
            HealthGateFailures.WithLabels(service);
            AutomaticRollbacks.WithLabels(service);
        }
    }

    /// <summary>Counts one webhook delivery; <paramref name="outcome"/> is one of <see cref="DeliveryOutcomes"/>.</summary>
    public void Delivery(string outcome) => Deliveries.WithLabels(outcome).Inc();
}
