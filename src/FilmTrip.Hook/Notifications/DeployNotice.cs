using System.Globalization;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.History;

namespace FilmTrip.Hook.Notifications;

/// <summary>What every message says about one deploy, whatever the robot (issue #12 point 1).</summary>
public sealed record DeployNotice(
    string DeployId, string Service, string State, string Trigger, string Commit, CommitSummary? CommitInfo,
    TimeSpan? Duration, string? Reason)
{
    public static DeployNotice Of(DeployRecord deploy, CommitSummary? commit) => new(
        deploy.Id, deploy.Service, EventOf(deploy), SnakeCase.Name(deploy.Trigger), deploy.Commit,
        commit, deploy.Duration, deploy.State == DeployState.Succeeded ? WatchReason(deploy) : deploy.Error);

    /// <summary>
    /// The event a sink subscribes to: the deploy's state, except that the watch's own rollback (issue #15) that went
    /// through is told as <c>rolled_back</c>, since for the people reading it the service was just rolled back.
    /// </summary>
    public static string EventOf(DeployRecord deploy) =>
        deploy is { Trigger: DeployTrigger.Watch, State: DeployState.Succeeded } ? SnakeCase.Name(DeployState.RolledBack) : SnakeCase.Name(deploy.State);

    /// <summary>Why the watch rolled back, with its numbers (recorded as the rollback's note).</summary>
    private static string? WatchReason(DeployRecord deploy) => deploy.Trigger == DeployTrigger.Watch ? deploy.Note : null;

    public string ShortCommit => Commit[..Math.Min(12, Commit.Length)];

    /// <summary>"filmtrip-hook: web failed": the robot keyword DingTalk and Feishu can require is "filmtrip-hook".</summary>
    public string Title => $"filmtrip-hook: {Service} {State.Replace('_', ' ')}";

    /// <summary>Label and value, in the order every message shows them.</summary>
    public IReadOnlyList<(string Label, string Value)> Lines()
    {
        var lines = new List<(string, string)>
        {
            ("service", Service),
            ("state", State),
            ("commit", CommitInfo is { } c ? $"{ShortCommit} {c.Subject} ({c.Author})" : ShortCommit),
        };
        if (Duration is { } d) lines.Add(("duration", d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"));
        if (Reason is { Length: > 0 } reason) lines.Add(("reason", reason));
        lines.Add(("deploy", DeployId));
        if (State == "awaiting_approval")
            lines.Add(("approve", $"filmtrip-hook approve {DeployId} (or reject); POST /deploys/{DeployId}/approve"));
        return lines;
    }
}
