namespace FilmTrip.Hook.History;

/// <summary>What became of an approve or reject: done, no such deploy, or the deploy is not waiting (its current state).</summary>
public sealed record ApprovalChange(bool Done, DeployRecord? Deploy);

public sealed partial class HistoryStore
{
    /// <summary>Pushes of a service waiting for an operator, oldest first (a newer push supersedes them, so mostly one).</summary>
    public IReadOnlyList<DeployRecord> AwaitingApproval(string service) =>
        Query("WHERE service = $p0 AND state = 'awaiting_approval' ORDER BY queued_at, rowid", [service]);

    /// <summary>awaiting_approval → queued, in one statement: a push that superseded it in between wins.</summary>
    public ApprovalChange Approve(string id) =>
        Change(id, "state = 'queued'");

    /// <summary>awaiting_approval → rejected (final), in one statement.</summary>
    public ApprovalChange Reject(string id, DateTimeOffset at, string reason) =>
        Change(id, $"state = 'rejected', finished_at = '{Format(at)}', error = $reason", reason);

    private ApprovalChange Change(string id, string set, string? reason = null)
    {
        using (var connection = Open())
        {
            var changed = Execute(connection, null, $"UPDATE deploys SET {set} WHERE id = $id AND state = 'awaiting_approval'",
                ("$id", id), ("$reason", reason));
            if (changed == 1) return new ApprovalChange(true, Get(id));
        }
        return new ApprovalChange(false, Get(id));
    }
}
