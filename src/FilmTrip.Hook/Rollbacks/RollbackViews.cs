using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Rollbacks;

/// <summary>POST /rollback: exactly one of <see cref="Commit"/>, <see cref="Tag"/> or <see cref="Previous"/> (issue 12).</summary>
public sealed record RollbackRequest(string? Commit, string? Service)
{
    /// <summary>A tag of the remote (v1.0.0); its commit must be on the service's branch.</summary>
    public string? Tag { get; init; }

    /// <summary>The release that was live before the current one.</summary>
    public bool? Previous { get; init; }
}

/// <summary>A deploy a write request queued (a rollback or a manual deploy): follow it at GET /deploys/{DeployId}.</summary>
public sealed record QueuedDeploy(string Service, string DeployId, string Commit)
{
    public static QueuedDeploy Of(DeployRecord deploy) => new(deploy.Service, deploy.Id, deploy.Commit);
}

public sealed record RollbackAccepted(IReadOnlyList<QueuedDeploy> Deploys);
