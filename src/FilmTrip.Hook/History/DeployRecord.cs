namespace FilmTrip.Hook.History;

public enum DeployState { Queued, Running, Succeeded, Failed, RolledBack, Superseded, Interrupted, Skipped }

public enum DeployTrigger { Push, Rollback, Manual }

/// <summary>One deploy as history keeps it. <see cref="Commit"/> is always a full 40-hex sha.</summary>
public sealed record DeployRecord(
    string Id,
    string Service,
    DeployTrigger Trigger,
    string? DeliveryId,
    string Commit,
    DeployState State,
    DateTimeOffset QueuedAt,
    string LogPath)
{
    public string? PreviousCommit { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Error { get; init; }
    public string? ReleaseId { get; init; }
    public string? CurrentStep { get; init; }
    public DateTimeOffset? CurrentStepStartedAt { get; init; }

    public TimeSpan? Duration => StartedAt is { } s && FinishedAt is { } f ? f - s : null;
}

public sealed record StepRecord(string Name, DateTimeOffset StartedAt, TimeSpan Duration, int? ExitCode, bool Succeeded, string? Detail);
