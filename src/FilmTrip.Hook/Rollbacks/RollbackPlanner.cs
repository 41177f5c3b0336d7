using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Rollbacks;

/// <summary>The rollbacks queued, or why none could be (then nothing was queued).</summary>
public sealed record RollbackPlan(IReadOnlyList<DeployRecord> Deploys, Refusal? Refused = null);

/// <summary>
/// Turns "roll back to &lt;commit&gt;" into queued rollbacks, or says exactly why not.
/// A commit that a kept release was built from rolls back instantly; any other commit reachable from the
/// branch is deployed in full. Without a service, every service of the repository holding the commit moves.
/// </summary>
public sealed class RollbackPlanner(IOptions<HookOptions> options, CommitResolver commits, HistoryStore history, DeployQueue queue)
{
    /// <param name="prefix">A sha prefix (<see cref="CommitResolver.IsShaPrefix"/>), lower case.</param>
    /// <param name="serviceName">A configured service, or null for every service whose repository has the commit.</param>
    public RollbackPlan Plan(string prefix, string? serviceName) => PlanByRepository(serviceName, group => Resolve(group, prefix));

    /// <summary>To the commit a tag of the remote names (<see cref="CommitResolver.IsTagName"/>), fetched now.</summary>
    public RollbackPlan PlanTag(string tag, string? serviceName) =>
        PlanByRepository(serviceName, group => commits.Tagged(options.Value.Services[group[0]], tag));

    /// <summary>
    /// Each service (or the one named) back to the release that was live before its current one: the commit the deploy
    /// that made the current release live replaced. Instant when that release is still kept. Services with no such
    /// release are left alone; when none has one, nothing is queued.
    /// </summary>
    public RollbackPlan PlanPrevious(string? serviceName)
    {
        var names = serviceName is null ? options.Value.Services.Keys.ToList() : [serviceName];
        var targets = names.Select(n => (Service: n, Sha: PreviousCommit(n))).Where(t => t.Sha is not null).ToList();
        if (targets.Count == 0)
            return new([], new Refusal(CommitRefusal.NoPrevious,
                $"no release was live before the current one of {(serviceName is null ? "any service" : $"'{serviceName}'")}: nothing to go back to"));
        return new(targets.Select(t => queue.Enqueue(t.Service, DeployTrigger.Rollback, t.Sha!)).ToList());
    }

    private string? PreviousCommit(string service)
    {
        var current = new ReleaseLayout(options.Value.Services[service].Root).CurrentRelease();
        if (current is null) return null;
        // The newest succeeded deploy that put the live release live recorded what was live before it.
        return history.List(service, DeployState.Succeeded, 200).FirstOrDefault(d => d.ReleaseId == current)?.PreviousCommit;
    }

    /// <summary>Resolve once per repository: backend and frontend of one repository move together.</summary>
    private RollbackPlan PlanByRepository(string? serviceName, Func<IReadOnlyList<string>, ResolvedCommit> resolve)
    {
        var services = options.Value.Services;
        var candidates = serviceName is null ? services.Keys.ToList() : [serviceName];
        var targets = new List<(string Service, string Sha)>();
        var refusals = new List<Refusal>();
        foreach (var group in candidates.GroupBy(s => services[s].Repository))
        {
            var resolved = resolve(group.ToList());
            if (resolved.Sha is not { } sha) refusals.Add(resolved.Refused!);
            else targets.AddRange(group.Select(s => (s, sha)));
        }

        if (targets.Count == 0)
            return new([], refusals.OrderByDescending(r => r.Reason switch { CommitRefusal.Ambiguous => 3, CommitRefusal.NotOnBranch => 2, _ => 1 }).First());
        return new(targets.Select(t => queue.Enqueue(t.Service, DeployTrigger.Rollback, t.Sha)).ToList());
    }

    private ResolvedCommit Resolve(IReadOnlyList<string> serviceNames, string prefix)
    {
        var first = options.Value.Services[serviceNames[0]];
        // A kept release answers without touching git: rollback stays instant even when the remote is down.
        foreach (var name in serviceNames)
        {
            var kept = history.KeptReleases(name, new ReleaseLayout(options.Value.Services[name].Root).Releases())
                .Select(k => k.Commit).OfType<string>()
                .Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).Distinct().ToList();
            if (kept.Count == 1) return new(kept[0]);
            if (kept.Count > 1) return ResolvedCommit.Refuse(CommitRefusal.Ambiguous, $"'{prefix}' matches several kept releases; give more digits");
        }

        return commits.OnBranch(first, prefix);
    }
}
