using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>
/// Issue #11 point 7: a build step that writes into reused node_modules changes only its own release, never the
/// live one or a kept rollback target, even when the build then fails; a build that generates into node_modules works.
/// </summary>
public sealed class IsolatedReuseTests : IAsyncLifetime
{
    private const string Original = "module.exports = 'tiny 1.0.0';";
    private DependencyWorld _world = null!;

    // prebuild.js is where each test puts the write; build.js runs after it, in a step of its own.
    public async Task InitializeAsync() => _world = await DependencyWorld.StartAsync(
        new()
        {
            ["VERSION"] = "1",
            ["prebuild.js"] = "",
            ["build.js"] = "require('fs').writeFileSync('built.txt', require('tiny-dep') + ' ' + require('fs').readFileSync('VERSION'));",
        },
        ["node", "prebuild.js"], ["node", "build.js"]);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private static string Module(string release, string file = "index.js") => Path.Combine(release, "node_modules", "tiny-dep", file);

    [Fact]
    public async Task Appending_to_a_reused_module_changes_only_the_new_release()
    {
        await _world.DeployAsync("v1: npm ci");
        var kept = _world.LiveRelease();
        _world.Repo.Write("app/VERSION", "2");
        await _world.DeployAsync("v2: reuses node_modules");
        var live = _world.LiveRelease();
        _world.Repo.Write("app/prebuild.js", "require('fs').appendFileSync('node_modules/tiny-dep/index.js', '//changed');");

        var third = await _world.DeployAsync("v3: appends to a module");

        Assert.DoesNotContain(DependencyWorld.Steps(third), s => s.StartsWith("build: npm ci"));
        var now = _world.LiveRelease();
        Assert.NotEqual(live, now);
        Assert.Equal(Original, File.ReadAllText(Module(kept)));
        Assert.Equal(Original, File.ReadAllText(Module(live)));
        Assert.Equal(Original + "//changed", File.ReadAllText(Module(now)));
        // Near hard-link cost: what the build did not write is still shared with the live release (or a reflink).
        var log = await File.ReadAllTextAsync(Path.Combine(_world.DataDirectory, "deploys", $"{third["deploy"]!["id"]}.log"));
        Assert.True(DependencyWorld.Inode(Module(live, "package.json")) == DependencyWorld.Inode(Module(now, "package.json")) || log.Contains("reflinked"), log);
    }

    [Fact]
    public async Task A_build_that_fails_after_writing_into_node_modules_leaves_the_live_copy_unchanged()
    {
        await _world.DeployAsync("v1: npm ci");
        var live = _world.LiveRelease();
        _world.Repo.Write("app/prebuild.js", "require('fs').appendFileSync('node_modules/tiny-dep/index.js', '//changed'); process.exit(3);");

        await _world.DeployAsync("v2: writes, then fails", state: "failed");

        Assert.Equal(live, _world.LiveRelease());
        Assert.Equal(Original, File.ReadAllText(Module(live)));
        var scratch = Path.Combine(_world.Root, ".deps-scratch");
        Assert.True(!Directory.Exists(scratch) || !Directory.EnumerateFileSystemEntries(scratch).Any(), "the failed build's overlay scratch is left behind");
    }

    [Fact]
    public async Task A_build_that_generates_into_node_modules_succeeds_and_keeps_what_it_wrote()
    {
        await _world.DeployAsync("v1: npm ci");
        var live = _world.LiveRelease();
        // What prisma generate does: rewrite package files in place and write new ones; plus a deletion.
        _world.Repo.Write("app/prebuild.js", """
            const fs = require('fs');
            fs.writeFileSync('node_modules/tiny-dep/index.js', "module.exports = 'generated';");
            fs.mkdirSync('node_modules/.prisma/client', { recursive: true });
            fs.writeFileSync('node_modules/.prisma/client/index.js', 'module.exports = 1;');
            fs.rmSync('node_modules/tiny-dep/package.json');
            """);

        var second = await _world.DeployAsync("v2: generates into node_modules");

        Assert.DoesNotContain(DependencyWorld.Steps(second), s => s.StartsWith("build: npm ci"));
        var now = _world.LiveRelease();
        Assert.Equal("generated 1", File.ReadAllText(Path.Combine(now, "built.txt")));
        Assert.Equal("module.exports = 'generated';", File.ReadAllText(Module(now)));
        Assert.True(File.Exists(Path.Combine(now, "node_modules", ".prisma", "client", "index.js")));
        Assert.False(File.Exists(Module(now, "package.json")));
        Assert.Equal(Original, File.ReadAllText(Module(live)));
        Assert.True(File.Exists(Module(live, "package.json")));
        Assert.False(Directory.Exists(Path.Combine(live, "node_modules", ".prisma")));
    }
}
