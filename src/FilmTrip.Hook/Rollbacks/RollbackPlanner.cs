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
    public RollbackPlan Plan(string prefix, string? serviceName)
    {
        var services = options.Value.Services;
        var candidates = serviceName is null ? services.Keys.ToList() : [serviceName];

        // Resolve once per repository: backend and frontend of one repository move together.
        var targets = new List<(string Service, string Sha)>();
        var refusals = new List<Refusal>();
        foreach (var group in candidates.GroupBy(s => services[s].Repository))
        {
            var resolved = Resolve(group.ToList(), prefix);
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
