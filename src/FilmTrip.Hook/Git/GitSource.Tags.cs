using FilmTrip.Hook.Configuration;
using LibGit2Sharp;

namespace FilmTrip.Hook.Git;

/// <summary>Tags for <c>rollback --tag</c> (issue 12: the seed's <c>git checkout v1.0.0</c>), fetched only when asked.</summary>
internal sealed partial class LibGit2Source
{
    // Forced and pruned: the cache mirrors the remote's tags as they are now, a moved tag included.
    private const string TagRefSpec = "+refs/tags/*:refs/tags/*";

    public CommitLookup ResolveTag(ServiceOptions service, string tag, CancellationToken cancellationToken)
    {
        Fetch(service, [TagRefSpec], cancellationToken);
        using var repo = Open(service) ?? throw new GitPermanentException("the repository has not been fetched yet");
        // An annotated tag points at a tag object: peel it to the commit it names.
        return repo.Tags[tag]?.PeeledTarget is Commit commit
            ? new CommitLookup(CommitLookupResult.Found, commit.Sha)
            : new CommitLookup(CommitLookupResult.NotFound);
    }
}
