using System.Security.Cryptography;
using System.Text;
using FilmTrip.Hook.Configuration;
using LibGit2Sharp;

namespace FilmTrip.Hook.Git;

public enum CommitLookupResult { Found, NotFound, Ambiguous }

public sealed record CommitLookup(CommitLookupResult Result, string? Sha = null);

/// <summary>What a person reads about a commit (a notification, the status, the dashboard): its first line, author and date.</summary>
public sealed record CommitSummary(string Subject, string Author, DateTimeOffset? AuthoredAt = null);

/// <summary>A service's repository as the deploy engine needs it. The real one is LibGit2Sharp over a cache under DataDirectory/repos.</summary>
public interface IGitSource
{
    /// <summary>Clones once, then fetches the service's branch. Returns the branch tip. Throws <see cref="GitTransientException"/> on network trouble.</summary>
    string Fetch(ServiceOptions service, CancellationToken cancellationToken);

    /// <summary>Resolves a full or abbreviated (7+ hex digits) sha in the cache.</summary>
    CommitLookup Resolve(ServiceOptions service, string hexPrefix);

    bool IsReachableFromBranch(ServiceOptions service, string sha);

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="descendant"/> or an ancestor of it.</summary>
    bool IsAncestor(ServiceOptions service, string ancestor, string descendant);

    /// <summary>Writes the commit's tree (of Subdirectory when set) into <paramref name="destination"/>, with no .git.</summary>
    void Materialize(ServiceOptions service, string sha, string destination);

    /// <summary>Repository paths that differ between two commits.</summary>
    IReadOnlyList<string> ChangedPaths(ServiceOptions service, string fromSha, string toSha);

    /// <summary>
    /// Fetches the branch and the remote's tags (a tag moved or deleted there follows) and resolves <paramref name="tag"/>
    /// to the commit it names; NotFound when the remote has no such tag. Throws as <see cref="Fetch"/> does.
    /// </summary>
    CommitLookup ResolveTag(ServiceOptions service, string tag, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not resolve tags");

    /// <summary>The commit's subject and author from the cache; null when the cache does not have it (not fetched yet).</summary>
    CommitSummary? Describe(ServiceOptions service, string sha);
}

/// <summary>Network or remote trouble that a retry may cure.</summary>
public sealed class GitTransientException(string message, Exception inner) : Exception(message, inner);

/// <summary>A failure a retry cannot cure (bad commit, missing subdirectory, broken cache).</summary>
public sealed class GitPermanentException(string message, Exception? inner = null) : Exception(message, inner);

internal sealed partial class LibGit2Source : IGitSource
{
    private const string Remote = "origin";
    private readonly string dataDirectory;
    private readonly TimeSpan stallTimeout;

    /// <summary><paramref name="stallTimeout"/>: a fetch that receives nothing for this long fails (libgit2-wide, see <see cref="NetworkTimeouts"/>).</summary>
    public LibGit2Source(string dataDirectory, TimeSpan stallTimeout)
    {
        this.dataDirectory = dataDirectory;
        this.stallTimeout = stallTimeout;
        NetworkTimeouts.Set(stallTimeout);
    }

    // One cache repository may serve several services (backend and frontend of one repo): serialize access to it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> Gates = new();

    public string Fetch(ServiceOptions service, CancellationToken cancellationToken) => Fetch(service, [], cancellationToken);

    /// <summary>Fetches the branch and <paramref name="extraRefSpecs"/>; returns the branch tip.</summary>
    private string Fetch(ServiceOptions service, string[] extraRefSpecs, CancellationToken cancellationToken)
    {
        var path = CachePath(service);
        lock (Gates.GetOrAdd(path, _ => new object()))
        {
            if (!Repository.IsValid(path))
            {
                Directory.CreateDirectory(path);
                Repository.Init(path, isBare: true);
            }

            using var repo = new Repository(path);
            if (repo.Network.Remotes[Remote] is null)
                repo.Network.Remotes.Add(Remote, service.Repository);
            else if (repo.Network.Remotes[Remote].Url != service.Repository)
                repo.Network.Remotes.Update(Remote, r => r.Url = service.Repository);

            var options = new FetchOptions
            {
                TagFetchMode = TagFetchMode.None,
                Prune = true,
                OnTransferProgress = _ => !cancellationToken.IsCancellationRequested,
                CredentialsProvider = CredentialsFor(service),
            };
            var refSpec = $"+refs/heads/{service.Branch}:{TrackingRef(service)}";
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                Commands.Fetch(repo, Remote, [refSpec, .. extraRefSpecs], options, logMessage: null);
            }
            catch (UserCancelledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (LibGit2SharpException e) when (e is not (NotFoundException or AmbiguousSpecificationException))
            {
                // libgit2 gives a timeout no exception type of its own: say which setting may have ended a long attempt.
                var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                var hint = elapsed >= stallTimeout ? $" (after {elapsed.TotalSeconds:0.0} s; Hook:FetchStallTimeout is {stallTimeout})" : "";
                throw new GitTransientException($"fetching {Redact(service.Repository)} failed: {e.Message}{hint}", e);
            }

            return repo.Refs[TrackingRef(service)]?.TargetIdentifier
                ?? throw new GitPermanentException($"branch '{service.Branch}' does not exist in {Redact(service.Repository)}");
        }
    }

    public CommitLookup Resolve(ServiceOptions service, string hexPrefix)
    {
        using var repo = Open(service);
        if (repo is null) return new CommitLookup(CommitLookupResult.NotFound);
        try
        {
            return repo.Lookup(hexPrefix) is Commit commit
                ? new CommitLookup(CommitLookupResult.Found, commit.Sha)
                : new CommitLookup(CommitLookupResult.NotFound);
        }
        catch (AmbiguousSpecificationException)
        {
            return new CommitLookup(CommitLookupResult.Ambiguous);
        }
    }

    public bool IsReachableFromBranch(ServiceOptions service, string sha)
    {
        using var repo = Open(service) ?? throw new GitPermanentException("the repository has not been fetched yet");
        var tip = repo.Refs[TrackingRef(service)]?.TargetIdentifier;
        return tip is not null && IsAncestor(repo, sha, tip);
    }

    public bool IsAncestor(ServiceOptions service, string ancestor, string descendant)
    {
        using var repo = Open(service) ?? throw new GitPermanentException("the repository has not been fetched yet");
        return IsAncestor(repo, ancestor, descendant);
    }

    private static bool IsAncestor(Repository repo, string ancestor, string descendant)
    {
        var a = repo.Lookup<Commit>(ancestor);
        var d = repo.Lookup<Commit>(descendant);
        if (a is null || d is null) return false;
        return a.Sha == d.Sha || repo.ObjectDatabase.FindMergeBase(a, d)?.Sha == a.Sha;
    }

    public void Materialize(ServiceOptions service, string sha, string destination)
    {
        using var repo = Open(service) ?? throw new GitPermanentException("the repository has not been fetched yet");
        var commit = repo.Lookup<Commit>(sha) ?? throw new GitPermanentException($"commit {sha} is not in the repository");
        var tree = commit.Tree;
        if (service.Subdirectory is { } subdirectory)
            tree = commit[subdirectory.TrimEnd('/')]?.Target as Tree
                ?? throw new GitPermanentException($"commit {sha[..12]} has no directory '{subdirectory}'");
        Directory.CreateDirectory(destination);
        TreeWriter.Write(tree, destination);
    }

    public IReadOnlyList<string> ChangedPaths(ServiceOptions service, string fromSha, string toSha)
    {
        using var repo = Open(service) ?? throw new GitPermanentException("the repository has not been fetched yet");
        var from = repo.Lookup<Commit>(fromSha) ?? throw new GitPermanentException($"commit {fromSha} is not in the repository");
        var to = repo.Lookup<Commit>(toSha) ?? throw new GitPermanentException($"commit {toSha} is not in the repository");
        using var changes = repo.Diff.Compare<TreeChanges>(from.Tree, to.Tree);
        return changes.SelectMany(c => c.Path == c.OldPath ? [c.Path] : new[] { c.Path, c.OldPath }).Distinct().ToList();
    }

    public CommitSummary? Describe(ServiceOptions service, string sha)
    {
        using var repo = Open(service);
        return repo?.Lookup<Commit>(sha) is { } commit ? new CommitSummary(commit.MessageShort, commit.Author.Name, commit.Author.When) : null;
    }

    private Repository? Open(ServiceOptions service)
    {
        var path = CachePath(service);
        return Repository.IsValid(path) ? new Repository(path) : null;
    }

    /// <summary>One cache per repository URL, shared by the services that deploy from it.</summary>
    internal string CachePath(ServiceOptions service)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(service.Repository)))[..16];
        return Path.Combine(dataDirectory, "repos", hash + ".git");
    }

    private static string TrackingRef(ServiceOptions service) => $"refs/remotes/{Remote}/{service.Branch}";

    private static LibGit2Sharp.Handlers.CredentialsHandler? CredentialsFor(ServiceOptions service)
    {
        if (service.GitTokenFile is not { } tokenFile) return null;
        return (_, _, _) => new UsernamePasswordCredentials
        {
            Username = "x-access-token",
            Password = File.ReadAllText(tokenFile).Trim(),
        };
    }

    /// <summary>Never log credentials embedded in a URL.</summary>
    internal static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? url.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            : url;
}
