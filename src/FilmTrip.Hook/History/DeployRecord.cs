using System.Text.Json.Serialization;

namespace FilmTrip.Hook.History;

/// <summary>Stored and shown snake_case (<c>awaiting_approval</c>). AwaitingApproval and Rejected: a push to a service with
/// RequireApproval waits for an operator, who approves (it becomes Queued) or rejects it (issue #12).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DeployState>))]
public enum DeployState { Queued, Running, Succeeded, Failed, RolledBack, Superseded, Interrupted, Skipped, AwaitingApproval, Rejected }

/// <summary><c>Watch</c>: a rollback the post-switch watch queued (issue 15); a rollback in every way a rollback is special.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DeployTrigger>))]
public enum DeployTrigger { Push, Rollback, Manual, Watch }

public static class DeployTriggers
{
    /// <summary>Goes back to a release that served before: ahead of waiting pushes, never superseded, instant to a kept release.</summary>
    public static bool IsRollback(this DeployTrigger trigger) => trigger is DeployTrigger.Rollback or DeployTrigger.Watch;
}

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
    /// <summary>The release that was live when the deploy started (recorded as it starts; what recovery restores).</summary>
    public string? PreviousRelease { get; init; }
    /// <summary>Whether the deploy created <see cref="ReleaseId"/> (false for a rollback to a kept release).</summary>
    public bool CreatedRelease { get; init; }
    /// <summary>Whether live traffic may have reached <see cref="ReleaseId"/> (a crash after this needs going back).</summary>
    public bool Switched { get; init; }
    /// <summary>What happened after the deploy or why it was queued: the watch's verdict with its numbers (issue 15).</summary>
    public string? Note { get; init; }

    public TimeSpan? Duration => StartedAt is { } s && FinishedAt is { } f ? f - s : null;
}

public sealed record StepRecord(string Name, DateTimeOffset StartedAt, TimeSpan Duration, int? ExitCode, bool Succeeded, string? Detail);
