using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Rollbacks;

public sealed record RollbackRequest(string? Commit, string? Service);

/// <summary>A deploy a write request queued (a rollback or a manual deploy): follow it at GET /deploys/{DeployId}.</summary>
public sealed record QueuedDeploy(string Service, string DeployId, string Commit)
{
    public static QueuedDeploy Of(DeployRecord deploy) => new(deploy.Service, deploy.Id, deploy.Commit);
}

public sealed record RollbackAccepted(IReadOnlyList<QueuedDeploy> Deploys);
