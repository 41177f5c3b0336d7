
namespace FilmTrip.Hook.Tests.Support;

/// <summary>A real bare repository (the "remote" a service deploys from) and a work tree the test commits in.</summary>
public sealed class GitRepo
{
    private readonly string _work;

    public GitRepo(string directory, string branch = "main")
    {
        Bare = System.IO.Path.Combine(directory, "remote.git");
        _work = System.IO.Path.Combine(directory, "work");
        Branch = branch;
        Git(directory, "init", "--quiet", "--bare", "--initial-branch", branch, Bare);
        Git(directory, "init", "--quiet", "--initial-branch", branch, _work);
        Git(_work, "remote", "add", "origin", Bare);
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
    public string CommitAndPush(string message, string? branch = null)
    {
        Git(_work, "add", "-A");
        Git(_work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "--allow-empty", "-m", message);
        Git(_work, "push", "--quiet", "--force", "origin", $"HEAD:refs/heads/{branch ?? Branch}");
        return Head();
    }

    public string Head() => Git(_work, "rev-parse", "HEAD").Trim();

    public void Checkout(string args) => Git(_work, ["checkout", "--quiet", .. args.Split(' ')]);

    public static string Git(string workingDirectory, params string[] arguments) => Programs.RunChecked("git", arguments, workingDirectory);
}
