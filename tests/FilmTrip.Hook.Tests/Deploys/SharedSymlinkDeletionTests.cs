using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>
/// Deleting a release never follows its symlinks: <c>shared/uploads</c> holds a loop (<c>&lt;long name&gt;/loop -&gt; ../..</c>:
/// a walk through it reaches PATH_MAX and throws before ELOOP ends it) and a read-only directory; pruned and failed
/// releases go, shared content stays as it was, and the deploy's state is what its steps decided (issue #11).
/// </summary>
public sealed class SharedSymlinkDeletionTests : IAsyncLifetime
{
    private StaticWorld _world = null!;
    private static readonly string LongName = new('d', 250);
    private string Uploads => Path.Combine(_world.Root("web"), "shared", "uploads");

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync(configure: c =>
    {
        var web = c["Hook"]!["Services"]!["web"]!;
        web["SharedDirectories"] = new JsonArray("uploads");
        web["KeepReleases"] = 2;
        web["Build"] = new JsonArray(new JsonArray("node", "-e", "if (require('fs').readFileSync('VERSION', 'utf8') === 'bad') process.exit(7)"));
        var uploads = Path.Combine(web["Root"]!.GetValue<string>(), "shared", "uploads");
        Directory.CreateDirectory(Path.Combine(uploads, "locked"));
        File.WriteAllText(Path.Combine(uploads, "poster.jpg"), "a user's upload");
        Directory.CreateDirectory(Path.Combine(uploads, LongName));
        File.CreateSymbolicLink(Path.Combine(uploads, LongName, "loop"), "../..");
        File.SetUnixFileMode(Path.Combine(uploads, "locked"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Pruning_releases_that_link_a_looping_shared_directory_keeps_shared_content_and_the_deploy_succeeded()
    {
        await _world.DeployAsync(_world.Repo.Head());
        await _world.DeployAsync(_world.Commit("2", "web"));

        var id = (await _world.PushAsync(_world.Commit("3", "web")))["web"];
        var deploy = await _world.Daemon.WaitForDeployAsync(id);

        Assert.Contains(deploy["logTail"]!.AsArray(), l => l!.GetValue<string>().Contains("pruned release"));
        await AssertTrashEmptiedAsync();
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(_world.Root("web"), "releases")).Length);
        AssertSharedUntouched();
        DeployAssert.State("succeeded", await _world.Daemon.GetJsonAsync($"/deploys/{id}"));
    }

    [Fact]
    public async Task A_failed_release_that_links_a_looping_shared_directory_is_deleted_and_the_deploy_reports_its_build_error()
    {
        await _world.DeployAsync(_world.Repo.Head());
        var live = _world.Live("web");

        var id = (await _world.PushAsync(_world.Commit("bad", "web")))["web"];
        await _world.Daemon.WaitForDeployAsync(id);

        await AssertTrashEmptiedAsync();
        var deploy = await _world.Daemon.GetJsonAsync($"/deploys/{id}");
        DeployAssert.State("failed", deploy);
        Assert.Contains("exited with 7", deploy["deploy"]!["error"]!.GetValue<string>());
        Assert.Equal(live, _world.Live("web"));
        Assert.Single(Directory.GetDirectories(Path.Combine(_world.Root("web"), "releases")));
        AssertSharedUntouched();
    }

    /// <summary>The trash is emptied after the deploy's state is final, outside the lock: wait for it.</summary>
    private Task AssertTrashEmptiedAsync() =>
        Poll.UntilAsync(() => !Directory.Exists(Path.Combine(_world.Root("web"), ".trash"))
                || Directory.GetFileSystemEntries(Path.Combine(_world.Root("web"), ".trash")).Length == 0,
            TimeSpan.FromSeconds(30), "the trash to be emptied");

    private void AssertSharedUntouched()
    {
        Assert.Equal("a user's upload", File.ReadAllText(Path.Combine(Uploads, "poster.jpg")));
        Assert.Equal("../..", new FileInfo(Path.Combine(Uploads, LongName, "loop")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(Uploads, "locked")));
    }
}
