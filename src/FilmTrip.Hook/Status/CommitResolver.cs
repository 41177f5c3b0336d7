using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Git;
using FilmTrip.Hook.Http;

namespace FilmTrip.Hook.Status;

/// <summary>A commit a request may put live, or why not (with the HTTP status to answer).</summary>
public sealed record ResolvedCommit(string? Sha, int Status = StatusCodes.Status202Accepted, string? Problem = null);

/// <summary>
/// Turns what an operator typed into a full sha on the deploy branch: shared by POST /rollback and POST /deploys,
/// so both accept and refuse exactly the same commits.
/// </summary>
public sealed partial class CommitResolver(IGitSource git)
{
    public const string ShaRule = "'commit' must be 7 to 40 hex digits of a commit sha (not a branch, tag or option)";

    public static bool IsShaPrefix([NotNullWhen(true)] string? text) => text is not null && ShortSha().IsMatch(text);

    /// <summary>A full or abbreviated sha, fetching once when the cache does not know it; it must be on the branch.</summary>
    public ResolvedCommit OnBranch(ServiceOptions service, string prefix)
    {
        var lookup = git.Resolve(service, prefix);
        if (lookup.Result == CommitLookupResult.NotFound)
        {
            try
            {
                git.Fetch(service, CancellationToken.None);
            }
            catch (Exception e) when (e is GitTransientException or GitPermanentException)
            {
                return new(null, 404, $"commit '{prefix}' is not known and fetching failed: {e.Message}");
            }
            lookup = git.Resolve(service, prefix);
        }
        return lookup.Result switch
        {
            CommitLookupResult.Ambiguous => new(null, 409, $"'{prefix}' matches several commits; give more digits"),
            CommitLookupResult.NotFound => new(null, 404, $"no commit '{prefix}' in {service.GitHubRepository ?? service.Repository}"),
            _ when !git.IsReachableFromBranch(service, lookup.Sha!) =>
                new(null, 422, $"commit {lookup.Sha} is not reachable from branch {service.Branch}; only commits of the deploy branch can go live"),
            _ => new(lookup.Sha),
        };
    }

    /// <summary>The branch tip as the remote has it now.</summary>
    public ResolvedCommit BranchHead(ServiceOptions service)
    {
        try
        {
            return new(git.Fetch(service, CancellationToken.None));
        }
        catch (Exception e) when (e is GitTransientException or GitPermanentException)
        {
            return new(null, 502, $"cannot find the head of branch {service.Branch}: {e.Message}");
        }
    }

    /// <summary>The problem+json answer for a commit that cannot go live, with a stable type per status.</summary>
    public static IResult Problem(int status, string detail) => Problems.Create(status, status switch
    {
        404 => "not-found", 409 => "ambiguous-commit", 422 => "unreachable-commit", 502 => "fetch-failed", _ => "bad-commit",
    }, status switch
    {
        404 => "Not found", 409 => "Ambiguous commit", 422 => "Commit not on the deploy branch", 502 => "Fetch failed", _ => "Bad commit",
    }, detail);

    [GeneratedRegex("^[0-9a-fA-F]{7,40}\\z")]
    private static partial Regex ShortSha();
}
