using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Status;

public sealed record LiveRelease(string? Commit, string ReleaseId, DateTimeOffset? DeployedAt);

public sealed record RunningDeploy(string Id, string Trigger, string Commit, string? Step, double? StepElapsedSeconds, double ElapsedSeconds);

public sealed record KeptRelease(string? Commit, string ReleaseId, DateTimeOffset Time);

public sealed record DeploySummary(
    string Id, string Service, string Trigger, string? DeliveryId, string Commit, string? PreviousCommit, string State,
    DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? DurationSeconds,
    string? Error, string? ReleaseId, string? CurrentStep, string? Note = null)
{
    public static DeploySummary Of(DeployRecord d) => new(
        d.Id, d.Service, HistoryStore.TriggerName(d.Trigger), d.DeliveryId, d.Commit, d.PreviousCommit, HistoryStore.StateName(d.State),
        d.QueuedAt, d.StartedAt, d.FinishedAt, d.Duration?.TotalSeconds, d.Error, d.ReleaseId, d.CurrentStep, d.Note);
}

/// <summary>A BlueGreen color: <c>live</c> (nginx routes to it), <c>warm</c> (running, idle) or <c>stopped</c>.</summary>
public sealed record ColorStatus(string Color, string App, int Port, string? Release, string? Commit, string State);

public sealed record ServiceStatus(
    string Name, LiveRelease? Current, RunningDeploy? Running, int Queued, DeploySummary? LastDeploy, IReadOnlyList<KeptRelease> Releases,
    string Strategy, IReadOnlyList<ColorStatus>? Colors, Watch.WatchView? Watch = null);

public sealed record StatusResponse(IReadOnlyList<ServiceStatus> Services);

public sealed record StepView(string Name, DateTimeOffset StartedAt, double DurationSeconds, int? ExitCode, bool Succeeded, string? Detail);

public sealed record DeployDetail(DeploySummary Deploy, IReadOnlyList<StepView> Steps, IReadOnlyList<string> LogTail);

public sealed record DeployList(IReadOnlyList<DeploySummary> Deploys);

public sealed record RollbackRequest(string? Commit, string? Service);

public sealed record RollbackDeploy(string Service, string DeployId, string Commit);

public sealed record RollbackAccepted(IReadOnlyList<RollbackDeploy> Deploys);

public sealed record ManualDeployRequest(string? Service, string? Commit);

public sealed record ManualDeployAccepted(IReadOnlyList<RollbackDeploy> Deploys);
