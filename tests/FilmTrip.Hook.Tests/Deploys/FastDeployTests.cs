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

/// <summary>Issue #6: node_modules is reused exactly when the dependency files are unchanged.</summary>
public sealed class DependencyReuseTests : IAsyncLifetime
{
    private DependencyWorld _world = null!;

    public async Task InitializeAsync() => _world = await DependencyWorld.StartAsync(
        new() { ["VERSION"] = "1", ["build.js"] = "require('fs').writeFileSync('built.txt', require('tiny-dep') + ' ' + require('fs').readFileSync('VERSION'));" },
        ["node", "build.js"]);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private string LiveModule() => Path.Combine(_world.Root, "current", "node_modules", "tiny-dep", "index.js");

    [Fact]
    public async Task Unchanged_dependency_files_reuse_node_modules_and_skip_npm_ci()
    {
        await _world.DeployAsync("v1 deploy");
        var firstRelease = _world.LiveRelease();
        _world.Repo.Write("app/VERSION", "2");

        var second = await _world.DeployAsync("v2, code only");

        Assert.DoesNotContain(DependencyWorld.Steps(second), s => s.StartsWith("build: npm ci"));
        Assert.Contains("dependencies", DependencyWorld.Steps(second));
        // Its own node_modules directory (not a link to the old one).
        Assert.NotEqual(firstRelease, _world.LiveRelease());
        Assert.Null(new DirectoryInfo(Path.Combine(_world.Root, "current", "node_modules")).LinkTarget);
        Assert.NotEqual(DependencyWorld.Inode(Path.Combine(firstRelease, "node_modules")), DependencyWorld.Inode(Path.Combine(_world.Root, "current", "node_modules")));
        Assert.Equal("tiny 1.0.0 2", File.ReadAllText(Path.Combine(_world.Root, "current", "built.txt")));
    }

    [Fact]
    public async Task A_changed_lockfile_reinstalls()
    {
        await _world.DeployAsync("v1 deploy");
        var before = DependencyWorld.Inode(LiveModule());
        _world.UseTinyDependency("1.1.0");

        var second = await _world.DeployAsync("dependency bump");

        Assert.Contains(DependencyWorld.Steps(second), s => s.StartsWith("build: npm ci"));
        Assert.NotEqual(before, DependencyWorld.Inode(LiveModule()));
        Assert.StartsWith("tiny 1.1.0", File.ReadAllText(Path.Combine(_world.Root, "current", "built.txt")));
    }
}
