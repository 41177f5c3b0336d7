using System.Diagnostics;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>Issue #6: only services whose Paths changed deploy; a forced push always deploys.</summary>
public sealed class ChangedPathsTests : IAsyncLifetime
{
    private StaticWorld _world = null!;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync(configure: c =>
    {
        c["Hook"]!["Services"]!["web"]!["Paths"] = new JsonArray("web/**");
        c["Hook"]!["Services"]!["admin"]!["Paths"] = new JsonArray("admin/**", "shared/**");
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_push_touching_only_one_service_deploys_only_that_service()
    {
        await _world.DeployAsync(_world.Repo.Head());
        var adminLive = _world.Live("admin");

        var deploys = await _world.PushAsync(_world.Commit("2", "web"));

        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(deploys["web"]));
        var admin = await _world.Daemon.WaitForDeployAsync(deploys["admin"]);
        DeployAssert.State("skipped", admin);
        Assert.Contains("no change under admin/**, shared/**", admin["deploy"]!["error"]!.GetValue<string>());
        Assert.DoesNotContain(admin["steps"]!.AsArray(), s => s!["name"]!.GetValue<string>() is "switch" or "materialize");
        Assert.Equal(adminLive, _world.Live("admin"));
        Assert.Equal("2", _world.LiveVersion("web"));
    }

    [Fact]
    public async Task A_change_under_a_second_glob_deploys()
    {
        await _world.DeployAsync(_world.Repo.Head());
        _world.Repo.Write("shared/config.json", "{}");

        var deploys = await _world.PushAsync(_world.Repo.CommitAndPush("shared config"));

        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(deploys["admin"]));
        DeployAssert.State("skipped", await _world.Daemon.WaitForDeployAsync(deploys["web"]));
    }

    [Fact]
    public async Task A_forced_push_deploys_even_without_changes_under_Paths()
    {
        var v1 = _world.Repo.Head();
        await _world.DeployAsync(v1);
        await _world.DeployAsync(_world.Commit("2"));
        // Rewrite history: back to v1, then a commit touching neither service's Paths.
        _world.Repo.Checkout(v1);
        _world.Repo.Write("README.md", "rewritten");
        var forced = _world.Repo.CommitAndPush("forced");

        var deploys = await _world.PushAsync(forced);

        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(deploys["web"]));
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(deploys["admin"]));
        Assert.Equal("1", _world.LiveVersion("web"));
    }
}

/// <summary>Issue #6: node_modules is reused through hard links exactly when the dependency files are unchanged.</summary>
public sealed class DependencyReuseTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new("deps");
    private GitRepo _repo = null!;
    private Daemon _daemon = null!;
    private string Root => _temp.Combine("srv", "app");

    public async Task InitializeAsync()
    {
        _repo = new GitRepo(_temp.Path);
        _repo.Write("app/VERSION", "1");
        _repo.Write("app/build.js", "require('fs').writeFileSync('built.txt', require('tiny-dep') + ' ' + require('fs').readFileSync('VERSION'));");
        UseTinyDependency("1.0.0");
        _repo.CommitAndPush("v1");
        var services = new JsonObject
        {
            ["app"] = new JsonObject
            {
                ["Repository"] = _repo.Bare, ["GitHubRepository"] = "acme/filmtrip", ["Subdirectory"] = "app", ["Root"] = Root,
                ["Build"] = new JsonArray(
                    new JsonObject { ["Run"] = new JsonArray("npm", "ci", "--no-audit", "--no-fund", "--offline"), ["SkipWhenDependenciesUnchanged"] = true },
                    new JsonArray("node", "build.js")),
            },
        };
        _daemon = await Daemon.StartAsync(Daemon.Config(_temp.Combine("data"), services), _temp.Combine("hook.json"));
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>A real npm dependency from a local tarball, so npm ci needs no registry.</summary>
    private void UseTinyDependency(string version)
    {
        var package = _temp.Combine($"tiny-dep-{version}");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "package.json"), $$"""{ "name": "tiny-dep", "version": "{{version}}", "main": "index.js" }""");
        File.WriteAllText(Path.Combine(package, "index.js"), $"module.exports = 'tiny {version}';");
        Run(package, "npm", "pack", "--silent", "--pack-destination", Path.Combine(_repo.WorkTree, "app"));
        _repo.Write("app/package.json", $$"""{ "name": "app", "version": "1.0.0", "private": true, "dependencies": { "tiny-dep": "file:tiny-dep-{{version}}.tgz" } }""");
        foreach (var old in Directory.GetFiles(Path.Combine(_repo.WorkTree, "app"), "tiny-dep-*.tgz").Where(f => !f.EndsWith($"{version}.tgz")))
            File.Delete(old);
        File.Delete(Path.Combine(_repo.WorkTree, "app", "package-lock.json"));
        Run(Path.Combine(_repo.WorkTree, "app"), "npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--offline");
    }

    private async Task<JsonNode> DeployAsync(string message)
    {
        var deploys = await _daemon.PushAsync("acme/filmtrip", _repo.CommitAndPush(message));
        var deploy = await _daemon.WaitForDeployAsync(deploys["app"]);
        DeployAssert.State("succeeded", deploy);
        return deploy;
    }

    private static List<string> Steps(JsonNode deploy) => deploy["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();

    private string LiveModule() => Path.Combine(Root, "current", "node_modules", "tiny-dep", "index.js");

    [Fact]
    public async Task Unchanged_dependency_files_reuse_node_modules_as_hard_links_and_skip_npm_ci()
    {
        await DeployAsync("v1 deploy");
        var firstRelease = new FileInfo(Path.Combine(Root, "current")).LinkTarget!;
        _repo.Write("app/VERSION", "2");

        var second = await DeployAsync("v2, code only");

        Assert.DoesNotContain(Steps(second), s => s.StartsWith("build: npm ci"));
        Assert.Contains("dependencies", Steps(second));
        var oldModule = Path.Combine(Root, firstRelease, "node_modules", "tiny-dep", "index.js");
        // Its own node_modules directory (not a link to the old one) whose files share the old release's inodes.
        Assert.NotEqual(firstRelease, new FileInfo(Path.Combine(Root, "current")).LinkTarget);
        Assert.Null(new DirectoryInfo(Path.Combine(Root, "current", "node_modules")).LinkTarget);
        Assert.NotEqual(Inode(Path.Combine(Root, firstRelease, "node_modules")), Inode(Path.Combine(Root, "current", "node_modules")));
        Assert.Equal(Inode(oldModule), Inode(LiveModule()));
        Assert.Equal("tiny 1.0.0 2", File.ReadAllText(Path.Combine(Root, "current", "built.txt")));
    }

    [Fact]
    public async Task A_changed_lockfile_reinstalls()
    {
        await DeployAsync("v1 deploy");
        var before = Inode(LiveModule());
        UseTinyDependency("1.1.0");

        var second = await DeployAsync("dependency bump");

        Assert.Contains(Steps(second), s => s.StartsWith("build: npm ci"));
        Assert.NotEqual(before, Inode(LiveModule()));
        Assert.StartsWith("tiny 1.1.0", File.ReadAllText(Path.Combine(Root, "current", "built.txt")));
    }

    private static string Inode(string path) => Run(Path.GetDirectoryName(path)!, "stat", "-L", "-c", "%i", path).Trim();

    private static string Run(string directory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error.Result}");
        return output.Result;
    }
}
