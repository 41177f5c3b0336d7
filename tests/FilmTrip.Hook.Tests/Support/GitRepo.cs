using LibGit2Sharp;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A real bare repository (the "remote" a service deploys from) and a work tree the test commits in.
/// Creating them, committing, pushing and reading HEAD go through libgit2 (LibGit2Sharp, the daemon's own git) in the
/// test process: a run makes over a thousand commits, and a git process each for add, commit, push (with its
/// receive-pack) and rev-parse cost about 0.15 CPU-s per commit, hidden from a /proc profile because each lives a few
/// ms. The rest (tags, branches, checkout) is the git CLI (<see cref="Git"/>); both read and write the same repositories.
/// </summary>
public sealed class GitRepo
{
    private readonly string _work;

    public GitRepo(string directory, string branch = "main")
    {
        Bare = System.IO.Path.Combine(directory, "remote.git");
        _work = System.IO.Path.Combine(directory, "work");
        Branch = branch;
        InitOn(Repository.Init(Bare, isBare: true), branch);
        using var work = new Repository(InitOn(Repository.Init(_work), branch));
        work.Network.Remotes.Add("origin", Bare);
    }

    /// <summary>HEAD on <paramref name="branch"/>, as <c>git init --initial-branch</c> leaves it (libgit2 takes init.defaultBranch or master).</summary>
    private static string InitOn(string gitDirectory, string branch)
    {
        File.WriteAllText(System.IO.Path.Combine(gitDirectory, "HEAD"), $"ref: refs/heads/{branch}\n");
        return gitDirectory;
    }

    public string Bare { get; }
    public string Branch { get; }
    public string WorkTree => _work;

    public void Write(string relativePath, string content)
    {
        var path = System.IO.Path.Combine(_work, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public void Delete(string relativePath) => File.Delete(System.IO.Path.Combine(_work, relativePath));

    public void CopyFrom(string sourceDirectory, string relativeTarget = "")
    {
        foreach (var file in Directory.EnumerateFiles(sourceDirectory, "*", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(sourceDirectory, file);
            if (relative.Split('/').Contains("node_modules")) continue;
            var target = System.IO.Path.Combine(_work, relativeTarget, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>Commits everything in the work tree and pushes it to the bare repository. Returns the full sha.</summary>
    /// <remarks><c>git add -A</c>, <c>git commit --allow-empty</c>, <c>git push --force origin HEAD:refs/heads/BRANCH</c>.</remarks>
    public string CommitAndPush(string message, string? branch = null)
    {
        using var repository = new Repository(_work);
        Commands.Stage(repository, "*");
        var author = new Signature("Test", "test@example.com", DateTimeOffset.Now);
        var commit = repository.Commit(message, author, author, new CommitOptions { AllowEmptyCommit = true });
        repository.Network.Push(repository.Network.Remotes["origin"], $"+HEAD:refs/heads/{branch ?? Branch}", new PushOptions());
        return commit.Sha;
    }

    public string Head()
    {
        using var repository = new Repository(_work);
        return repository.Head.Tip.Sha;
    }

    public void Checkout(string args) => Git(_work, ["checkout", "--quiet", .. args.Split(' ')]);

    public static string Git(string workingDirectory, params string[] arguments) => Programs.RunChecked("git", arguments, workingDirectory);
}
