using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Git;

namespace FilmTrip.Hook.Rollbacks;

/// <summary>Why a commit cannot go live; endpoint code (<see cref="CommitProblems"/>) turns each into its problem answer.</summary>
public enum CommitRefusal
{
    /// <summary>No such commit, even after a fetch (or the fetch failed).</summary>
    NotFound,
    /// <summary>The prefix matches several commits or kept releases.</summary>
    Ambiguous,
    /// <summary>The commit exists but is not on the deploy branch.</summary>
    NotOnBranch,
    /// <summary>The remote could not be fetched to find the branch head.</summary>
    FetchFailed,
    /// <summary>No release was live before the current one (rollback --previous).</summary>
    NoPrevious,
}

public sealed record Refusal(CommitRefusal Reason, string Detail);

/// <summary>A commit a request may put live, or why not.</summary>
public sealed record ResolvedCommit(string? Sha, Refusal? Refused = null)
{
    public static ResolvedCommit Refuse(CommitRefusal reason, string detail) => new(null, new Refusal(reason, detail));
}

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
                return ResolvedCommit.Refuse(CommitRefusal.NotFound, $"commit '{prefix}' is not known and fetching failed: {e.Message}");
            }
            lookup = git.Resolve(service, prefix);
        }
        return lookup.Result switch
        {
            CommitLookupResult.Ambiguous => ResolvedCommit.Refuse(CommitRefusal.Ambiguous, $"'{prefix}' matches several commits; give more digits"),
            CommitLookupResult.NotFound =>
                ResolvedCommit.Refuse(CommitRefusal.NotFound, $"no commit '{prefix}' in {service.GitHubRepository ?? service.Repository}"),
            _ when !git.IsReachableFromBranch(service, lookup.Sha!) => ResolvedCommit.Refuse(CommitRefusal.NotOnBranch,
                $"commit {lookup.Sha} is not reachable from branch {service.Branch}; only commits of the deploy branch can go live"),
            _ => new(lookup.Sha),
        };
    }

    /// <summary>The commit a tag of the remote names (tags fetched now); it must be on the branch.</summary>
    public ResolvedCommit Tagged(ServiceOptions service, string tag)
    {
        CommitLookup lookup;
        try
        {
            lookup = git.ResolveTag(service, tag, CancellationToken.None);
        }
        catch (Exception e) when (e is GitTransientException or GitPermanentException)
        {
            return ResolvedCommit.Refuse(CommitRefusal.FetchFailed, $"cannot fetch the tags of {service.GitHubRepository ?? service.Repository}: {e.Message}");
        }
        if (lookup.Sha is not { } sha)
            return ResolvedCommit.Refuse(CommitRefusal.NotFound, $"no tag '{tag}' in {service.GitHubRepository ?? service.Repository}");
        return git.IsReachableFromBranch(service, sha)
            ? new(sha)
            : ResolvedCommit.Refuse(CommitRefusal.NotOnBranch,
                $"tag {tag} names commit {sha}, which is not reachable from branch {service.Branch}; only commits of the deploy branch can go live");
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
            return ResolvedCommit.Refuse(CommitRefusal.FetchFailed, $"cannot find the head of branch {service.Branch}: {e.Message}");
        }
    }

    public const string TagRule = "'tag' must be a tag name such as v1.0.0: letters, digits and . _ + - / (no '..', no leading '-' or '/', at most 100 characters)";

    /// <summary>A tag name git accepts and no option or path trick: checked before git sees it.</summary>
    public static bool IsTagName([NotNullWhen(true)] string? text) =>
        text is { Length: > 0 and <= 100 } && TagName().IsMatch(text) && !text.Contains("..", StringComparison.Ordinal)
        && !text.EndsWith(".lock", StringComparison.Ordinal) && !text.EndsWith('.');

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]*(/[A-Za-z0-9][A-Za-z0-9._+-]*)*\\z")]
    private static partial Regex TagName();

    [GeneratedRegex("^[0-9a-fA-F]{7,40}\\z")]
    private static partial Regex ShortSha();
}
