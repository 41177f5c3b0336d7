using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Status;

public sealed record LiveRelease(string? Commit, string ReleaseId, DateTimeOffset? DeployedAt)
{
    /// <summary>The live commit's subject line, author and time, from the git cache (issue #13: the dashboard shows them).</summary>
    public string? Message { get; init; }
    public string? Author { get; init; }
    public DateTimeOffset? AuthoredAt { get; init; }
}

public sealed record RunningDeploy(string Id, DeployTrigger Trigger, string Commit, string? Step, double? StepElapsedSeconds, double ElapsedSeconds);

public sealed record KeptRelease(string? Commit, string ReleaseId, DateTimeOffset Time);

public sealed record DeploySummary(
    string Id, string Service, DeployTrigger Trigger, string? DeliveryId, string Commit, string? PreviousCommit, DeployState State,
    DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? DurationSeconds,
    string? Error, string? ReleaseId, string? CurrentStep, string? Note = null)
{
    public static DeploySummary Of(DeployRecord d) => new(
        d.Id, d.Service, d.Trigger, d.DeliveryId, d.Commit, d.PreviousCommit, d.State,
        d.QueuedAt, d.StartedAt, d.FinishedAt, d.Duration?.TotalSeconds, d.Error, d.ReleaseId, d.CurrentStep, d.Note);
}

/// <summary>A BlueGreen color: <c>live</c> (nginx routes to it), <c>warm</c> (running, idle) or <c>stopped</c>.</summary>
public sealed record ColorStatus(string Color, string App, int Port, string? Release, string? Commit, string State);

public sealed record ServiceStatus(
    string Name, LiveRelease? Current, RunningDeploy? Running, int Queued, DeploySummary? LastDeploy, IReadOnlyList<KeptRelease> Releases,
    string Strategy, IReadOnlyList<ColorStatus>? Colors, Watch.WatchView? Watch = null)
{
    /// <summary>Pushes waiting for POST /deploys/{id}/approve (RequireApproval, issue #12); empty otherwise.</summary>
    public IReadOnlyList<DeploySummary> Awaiting { get; init; } = [];
}

public sealed record StatusResponse(IReadOnlyList<ServiceStatus> Services);

public sealed record StepView(string Name, DateTimeOffset StartedAt, double DurationSeconds, int? ExitCode, bool Succeeded, string? Detail);

public sealed record DeployDetail(DeploySummary Deploy, IReadOnlyList<StepView> Steps, IReadOnlyList<string> LogTail);

public sealed record DeployList(IReadOnlyList<DeploySummary> Deploys);
