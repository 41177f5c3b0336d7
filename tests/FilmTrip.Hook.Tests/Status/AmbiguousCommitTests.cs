using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Status;

/// <summary>
/// A 7-digit prefix shared by two objects: the blobs "blob 654\n" and "blob 10034\n" (2c232cbf… and 2c232cb6…, a
/// pair found once among 10,100 such blobs; an object's id is the hash of its content, so they share it on every run).
/// </summary>
public sealed class AmbiguousCommitTests : IDisposable
{
    private readonly TempDirectory _temp = new("ambiguous");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_short_sha_matching_several_objects_is_409()
    {
        var repo = new GitRepo(_temp.Path);
        repo.Write("web/VERSION", "1");
        repo.CommitAndPush("v1");
        await FastImportBlobsAsync(repo.WorkTree, 654, 10_034);
        GitRepo.Git(repo.WorkTree, "push", "--quiet", "--force", "origin", "HEAD:refs/heads/main");
        var prefix = SharedPrefix(repo.WorkTree);
        var config = Daemon.Config(_temp.Combine("data"), new JsonObject
        {
            ["web"] = new JsonObject
            {
                ["Repository"] = repo.Bare, ["GitHubRepository"] = "acme/filmtrip", ["Subdirectory"] = "web",
                ["Root"] = _temp.Combine("srv", "web"), ["Build"] = new JsonArray(),
            },
        });
        await using var daemon = await Daemon.StartAsync(config, _temp.Combine("hook.json"), host: DaemonHost.InProcess);

        var response = await daemon.RollbackAsync(new { commit = prefix, service = "web" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    private static async Task FastImportBlobsAsync(string workTree, params int[] numbers)
    {
        var script = new StringBuilder();
        script.Append("commit refs/heads/main\ncommitter Test <test@example.com> 1700000000 +0000\ndata 5\nmany\nfrom refs/heads/main^0\n");
        foreach (var i in numbers)
        {
            var content = $"blob {i}\n";
            script.Append($"M 100644 inline many/{i}\ndata {Encoding.UTF8.GetByteCount(content)}\n{content}\n");
        }
        var imported = await Programs.RunAsync("git", ["fast-import", "--quiet"], workTree, input: script.ToString());
        Assert.True(imported.ExitCode == 0, imported.Errors);
        GitRepo.Git(workTree, "reset", "--quiet", "--hard", "refs/heads/main");
    }

    private static string SharedPrefix(string workTree)
    {
        var ids = GitRepo.Git(workTree, "rev-list", "--objects", "--all").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line[..7]).ToList();
        return ids.GroupBy(id => id).First(g => g.Count() > 1).Key;
    }
}
