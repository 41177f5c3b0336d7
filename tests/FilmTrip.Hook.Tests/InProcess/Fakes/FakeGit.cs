using System.Security.Cryptography;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Git;

namespace FilmTrip.Hook.Tests.InProcess.Fakes;

/// <summary>
/// Repositories in memory: each <see cref="ServiceOptions.Repository"/> has one branch, a list of commits (oldest first),
/// each a set of files. Every commit is "in the cache" once made. For tests about the rules around git, not git itself
/// (the end-to-end tier fetches real repositories).
/// </summary>
public sealed class FakeGit : IGitSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(string Sha, Dictionary<string, string> Files)>> _branches = [];

    /// <summary>When set, every fetch throws what it returns (a <see cref="GitTransientException"/> for an unreachable remote).</summary>
    public Func<Exception>? FetchFails { get; set; }

    /// <summary>Every fake commit reads the same to a person: the tests here are about rules, not about what is shown.</summary>
    public CommitSummary? Describe(ServiceOptions service, string sha) => IndexOf(service, sha) < 0 ? null : new CommitSummary("fake commit", "FakeGit");

    /// <summary>Adds a commit on top of the branch of <paramref name="repository"/> and returns its sha.</summary>
    public string Commit(string repository, params (string Path, string Text)[] files)
    {
        var sha = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        lock (_gate)
        {
            if (!_branches.TryGetValue(repository, out var branch)) _branches[repository] = branch = [];
            var tree = branch.Count > 0 ? new Dictionary<string, string>(branch[^1].Files) : [];
            foreach (var (path, text) in files) tree[path] = text;
            branch.Add((sha, tree));
        }
        return sha;
    }

    public string Fetch(ServiceOptions service, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (FetchFails is { } fails) throw fails();
            return Branch(service)[^1].Sha;
        }
    }

    public CommitLookup Resolve(ServiceOptions service, string hexPrefix)
    {
        lock (_gate)
        {
            var found = Branch(service).Where(c => c.Sha.StartsWith(hexPrefix, StringComparison.Ordinal)).ToList();
            return found.Count switch
            {
                0 => new CommitLookup(CommitLookupResult.NotFound),
                1 => new CommitLookup(CommitLookupResult.Found, found[0].Sha),
                _ => new CommitLookup(CommitLookupResult.Ambiguous),
            };
        }
    }

    public bool IsReachableFromBranch(ServiceOptions service, string sha) => IndexOf(service, sha) >= 0;

    public bool IsAncestor(ServiceOptions service, string ancestor, string descendant) =>
        IndexOf(service, ancestor) is >= 0 and var a && a <= IndexOf(service, descendant);

    public void Materialize(ServiceOptions service, string sha, string destination)
    {
        var prefix = string.IsNullOrEmpty(service.Subdirectory) ? "" : service.Subdirectory.TrimEnd('/') + "/";
        Directory.CreateDirectory(destination);
        foreach (var (path, text) in FilesOf(service, sha).Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var target = Path.Combine(destination, path[prefix.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, text);
        }
    }

    public IReadOnlyList<string> ChangedPaths(ServiceOptions service, string fromSha, string toSha)
    {
        var (from, to) = (FilesOf(service, fromSha), FilesOf(service, toSha));
        return from.Keys.Union(to.Keys).Where(p => from.GetValueOrDefault(p) != to.GetValueOrDefault(p)).Order().ToList();
    }

    private List<(string Sha, Dictionary<string, string> Files)> Branch(ServiceOptions service) =>
        _branches.TryGetValue(service.Repository, out var branch) && branch.Count > 0
            ? branch
            : throw new GitPermanentException($"no commits in {service.Repository}");

    private int IndexOf(ServiceOptions service, string sha)
    {
        lock (_gate) return Branch(service).FindIndex(c => c.Sha == sha);
    }

    private Dictionary<string, string> FilesOf(ServiceOptions service, string sha)
    {
        lock (_gate)
            return Branch(service).FirstOrDefault(c => c.Sha == sha).Files ?? throw new GitPermanentException($"no commit {sha}");
    }
}
