using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Approvals;

public enum ApprovalResult { Done, UnknownDeploy, NotWaiting }

/// <summary>
/// The operator's side of RequireApproval (issue #12): a waiting push is approved (queued, then run by its lane as any
/// push, the replay rule included) or rejected (final state <c>rejected</c>). Observers hear both: approve as queued,
/// reject as finished.
/// </summary>
public sealed class ApprovalGate(HistoryStore history, DeployQueue queue, DeployEvents events, TimeProvider time)
{
    public const string RejectedReason = "rejected by an operator";

    public (ApprovalResult Result, DeployRecord? Deploy) Approve(string id)
    {
        var change = history.Approve(id);
        if (!change.Done) return Refused(change);
        events.Queued(change.Deploy!);
        queue.SignalOf(change.Deploy!.Service).Release();
        return (ApprovalResult.Done, change.Deploy);
    }

    public (ApprovalResult Result, DeployRecord? Deploy) Reject(string id)
    {
        var change = history.Reject(id, time.GetUtcNow(), RejectedReason);
        if (!change.Done) return Refused(change);
        events.Finished(id);
        return (ApprovalResult.Done, change.Deploy);
    }

    private static (ApprovalResult, DeployRecord?) Refused(ApprovalChange change) =>
        (change.Deploy is null ? ApprovalResult.UnknownDeploy : ApprovalResult.NotWaiting, change.Deploy);
}
