using System.Text.RegularExpressions;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.History;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Status;

/// <summary>
/// Turns "roll back to &lt;commit&gt;" into queued rollbacks, or says exactly why not (with the HTTP status).
/// A commit that a kept release was built from rolls back instantly; any other commit reachable from the
/// branch is deployed in full. Without a service, every service of the repository holding the commit moves.
/// </summary>
public sealed partial class RollbackPlanner(IOptions<HookOptions> options, IGitSource git, HistoryStore history, DeployQueue queue)
{
    public sealed record Outcome(IReadOnlyList<DeployRecord> Deploys, int Status = StatusCodes.Status202Accepted, string? Problem = null);

    public Outcome Plan(string? commitText, string? serviceName)
    {
        if (commitText is null || !ShortSha().IsMatch(commitText))
            return Refuse(400, "'commit' must be 7 to 40 hex digits of a commit sha (not a branch, tag or option)");
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
            var (sha, status, detail) = Resolve(group.ToList(), prefix);
            if (sha is null) problems.Add((status, detail!));
            else targets.AddRange(group.Select(s => (s, sha)));
        }

        if (targets.Count == 0)
        {
            var worst = problems.OrderByDescending(p => p.Status switch { 409 => 3, 422 => 2, _ => 1 }).First();
            return Refuse(worst.Status, worst.Detail);
        }
        return new Outcome(targets.Select(t => queue.Enqueue(t.Service, DeployTrigger.Rollback, t.Sha)).ToList());
    }

    private (string? Sha, int Status, string? Detail) Resolve(IReadOnlyList<string> serviceNames, string prefix)
    {
        var first = options.Value.Services[serviceNames[0]];
        // A kept release answers without touching git: rollback stays instant even when the remote is down.
        foreach (var name in serviceNames)
        {
            var kept = new ReleaseLayout(options.Value.Services[name].Root).Releases()
                .Select(r => history.CommitOfRelease(name, r)).OfType<string>()
                .Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).Distinct().ToList();
            if (kept.Count == 1) return (kept[0], 202, null);
            if (kept.Count > 1) return (null, 409, $"'{prefix}' matches several kept releases; give more digits");
        }

        var lookup = git.Resolve(first, prefix);
        if (lookup.Result == CommitLookupResult.NotFound)
        {
            try
            {
                git.Fetch(first, CancellationToken.None);
            }
            catch (Exception e) when (e is GitTransientException or GitPermanentException)
            {
                return (null, 404, $"commit '{prefix}' is not known and fetching failed: {e.Message}");
            }
            lookup = git.Resolve(first, prefix);
        }
        return lookup.Result switch
        {
            CommitLookupResult.Ambiguous => (null, 409, $"'{prefix}' matches several commits; give more digits"),
            CommitLookupResult.NotFound => (null, 404, $"no commit '{prefix}' in {first.GitHubRepository ?? first.Repository}"),
            _ when !git.IsReachableFromBranch(first, lookup.Sha!) =>
                (null, 422, $"commit {lookup.Sha} is not reachable from branch {first.Branch}; only commits of the deploy branch can go live"),
            _ => (lookup.Sha, 202, null),
        };
    }

    private static Outcome Refuse(int status, string detail) => new([], status, detail);

    [GeneratedRegex("^[0-9a-fA-F]{7,40}\\z")]
    private static partial Regex ShortSha();
}
