using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

public sealed class StaticDeployTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new("static");
    private GitRepo _repo = null!;
    private Daemon _daemon = null!;
    private string Root => _temp.Combine("srv", "frontend");

    public async Task InitializeAsync()
    {
        _repo = new GitRepo(_temp.Path);
        _repo.Write("frontend/VERSION", "1");
        _repo.Write("frontend/build.js", "const fs = require('fs'); fs.mkdirSync('dist', {recursive: true}); fs.writeFileSync('dist/index.html', 'v' + fs.readFileSync('VERSION', 'utf8'));");
        _repo.Write("backend/other.txt", "not part of the frontend");
        _repo.CommitAndPush("initial");
        var services = new JsonObject
        {
            ["frontend"] = new JsonObject
            {
                ["Repository"] = _repo.Bare,
                ["GitHubRepository"] = "acme/filmtrip",
                ["Subdirectory"] = "frontend",
                ["Root"] = Root,
                ["Build"] = new JsonArray(new JsonArray("node", "build.js")),
                ["KeepReleases"] = 2,
            },
        };
        _daemon = await Daemon.StartAsync(Daemon.Config(_temp.Combine("data"), services), _temp.Combine("hook.json"), host: DaemonHost.InProcess);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Push_builds_a_release_and_switches_current_to_it()
    {
        var sha = _repo.Head();
        var deploys = await _daemon.PushAsync("acme/filmtrip", sha);

        var deploy = await _daemon.WaitForDeployAsync(deploys["frontend"]);

        DeployAssert.State("succeeded", deploy);
        var target = new FileInfo(Path.Combine(Root, "current")).LinkTarget;
        Assert.Matches(@"^releases/\d{14}-" + sha[..12] + "$", target);
        Assert.Equal("v1", File.ReadAllText(Path.Combine(Root, "current", "dist", "index.html")));
        Assert.False(Directory.Exists(Path.Combine(Root, "current", ".git")));
        Assert.False(File.Exists(Path.Combine(Root, "current", "other.txt")));
        var steps = deploy["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["fetch", "materialize", "build: node build.js", "switch", "health", "prune"], steps);
    }

    [Fact]
    public async Task Old_releases_are_pruned_to_KeepReleases()
    {
        string? last = null;
        for (var version = 1; version <= 4; version++)
        {
            _repo.Write("frontend/VERSION", version.ToString());
            var sha = _repo.CommitAndPush($"v{version}");
            var deploys = await _daemon.PushAsync("acme/filmtrip", sha);
            last = deploys["frontend"];
            Assert.Equal("succeeded", (await _daemon.WaitForDeployAsync(last))["deploy"]!["state"]!.GetValue<string>());
        }

        var releases = Directory.GetDirectories(Path.Combine(Root, "releases"));
        Assert.Equal(2, releases.Length);
        Assert.Equal("v4", File.ReadAllText(Path.Combine(Root, "current", "dist", "index.html")));
    }

    [Fact]
    public async Task A_failing_build_leaves_the_old_release_live_and_records_the_error()
    {
        var good = await _daemon.PushAsync("acme/filmtrip", _repo.Head());
        DeployAssert.State("succeeded", await _daemon.WaitForDeployAsync(good["frontend"]));
        var liveBefore = new FileInfo(Path.Combine(Root, "current")).LinkTarget;
        _repo.Write("frontend/build.js", "console.error('syntax trouble in build'); process.exit(3);");
        var bad = await _daemon.PushAsync("acme/filmtrip", _repo.CommitAndPush("broken build"));

        var deploy = await _daemon.WaitForDeployAsync(bad["frontend"]);

        DeployAssert.State("failed", deploy);
        Assert.Contains("exited with 3", deploy["deploy"]!["error"]!.GetValue<string>());
        Assert.Contains(deploy["logTail"]!.AsArray(), l => l!.GetValue<string>().Contains("syntax trouble in build"));
        Assert.Equal(3, deploy["steps"]!.AsArray().Last()!["exitCode"]!.GetValue<int>());
        Assert.Equal(liveBefore, new FileInfo(Path.Combine(Root, "current")).LinkTarget);
        Assert.Single(Directory.GetDirectories(Path.Combine(Root, "releases")));
    }
}
