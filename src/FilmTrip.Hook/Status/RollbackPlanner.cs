using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Status;

/// <summary>
/// Turns "roll back to &lt;commit&gt;" into queued rollbacks, or says exactly why not (with the HTTP status).
/// A commit that a kept release was built from rolls back instantly; any other commit reachable from the
/// branch is deployed in full. Without a service, every service of the repository holding the commit moves.
/// </summary>
public sealed class RollbackPlanner(IOptions<HookOptions> options, CommitResolver commits, HistoryStore history, DeployQueue queue)
{
    public sealed record Outcome(IReadOnlyList<DeployRecord> Deploys, int Status = StatusCodes.Status202Accepted, string? Problem = null);

    public Outcome Plan(string? commitText, string? serviceName)
    {
        if (!CommitResolver.IsShaPrefix(commitText))
            return Refuse(400, CommitResolver.ShaRule);
        var prefix = commitText.ToLowerInvariant();

        var services = options.Value.Services;
        if (serviceName is not null && !services.ContainsKey(serviceName))
            return Refuse(404, $"no service named '{serviceName}'");
        var candidates = serviceName is null ? services.Keys.ToList() : [serviceName];

        // Resolve once per repository: backend and frontend of one repository move together.
        var targets = new List<(string Service, string Sha)>();
        var problems = new List<(int Status, string Detail)>();
        foreach (var group in candidates.GroupBy(s => services[s].Repository))
        {
            var resolved = Resolve(group.ToList(), prefix);
            if (resolved.Sha is not { } sha) problems.Add((resolved.Status, resolved.Problem!));
            else targets.AddRange(group.Select(s => (s, sha)));
        }

        if (targets.Count == 0)
        {
            var worst = problems.OrderByDescending(p => p.Status switch { 409 => 3, 422 => 2, _ => 1 }).First();
            return Refuse(worst.Status, worst.Detail);
        }
        return new Outcome(targets.Select(t => queue.Enqueue(t.Service, DeployTrigger.Rollback, t.Sha)).ToList());
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
            if (kept.Count > 1) return new(null, 409, $"'{prefix}' matches several kept releases; give more digits");
        }

        return commits.OnBranch(first, prefix);
    }

    private static Outcome Refuse(int status, string detail) => new([], status, detail);
}
