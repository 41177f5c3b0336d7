using FilmTrip.Hook.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FilmTrip.Hook.Rollbacks;

/// <summary>The problem answers for a commit that cannot go live: one stable type, title and status per refusal.</summary>
public static class CommitProblems
{
    /// <summary>Text that is not a sha prefix (a branch, a tag, an option): refused before git sees it.</summary>
    public static ProblemHttpResult BadCommit() =>
        Problems.Create(StatusCodes.Status400BadRequest, "bad-commit", "Bad commit", CommitResolver.ShaRule);

    /// <summary>A tag name that git would refuse or read as something else: refused before git sees it.</summary>
    public static ProblemHttpResult BadTag() =>
        Problems.Create(StatusCodes.Status400BadRequest, "bad-tag", "Bad tag", CommitResolver.TagRule);

    /// <summary>None, or more than one, of commit, tag and previous.</summary>
    public static ProblemHttpResult BadTarget() =>
        Problems.Create(StatusCodes.Status400BadRequest, "bad-request", "Bad rollback target",
            "give exactly one of 'commit' (a sha), 'tag' (a tag of the remote) or 'previous': true");

    public static ProblemHttpResult Of(Refusal refusal) => refusal.Reason switch
    {
        CommitRefusal.NotFound => Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found", refusal.Detail),
        CommitRefusal.Ambiguous => Problems.Create(StatusCodes.Status409Conflict, "ambiguous-commit", "Ambiguous commit", refusal.Detail),
        CommitRefusal.NotOnBranch => Problems.Create(StatusCodes.Status422UnprocessableEntity, "unreachable-commit",
            "Commit not on the deploy branch", refusal.Detail),
        CommitRefusal.FetchFailed => Problems.Create(StatusCodes.Status502BadGateway, "fetch-failed", "Fetch failed", refusal.Detail),
        CommitRefusal.NoPrevious => Problems.Create(StatusCodes.Status409Conflict, "no-previous-release", "No previous release", refusal.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Reason, null),
    };
}
