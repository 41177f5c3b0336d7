using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Integrity;

/// <summary>
/// GitHub signs the body, not the X-GitHub-Delivery header: an old push resent under a fresh delivery id is validly
/// signed. It must never move a service backwards (issue #11 §2); a force-push back to an older commit still deploys.
/// The rule is checked before any build or strategy runs, so a static service ("web") shows it as a pm2 one would.
/// </summary>
public sealed class ReplayTests : IAsyncLifetime
{
    private StaticWorld _world = null!;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_replayed_old_push_under_a_new_delivery_id_changes_nothing()
    {
        var v1 = await DeployVersionAsync("1");
        var v2 = await DeployVersionAsync("2");
        var releasesBefore = Releases();

        var replay = await _world.Daemon.WaitForDeployAsync((await _world.PushAsync(v1))["web"]);

        DeployAssert.State("superseded", replay);
        Assert.Contains("no longer the head of main", replay["deploy"]!["error"]!.GetValue<string>());
        Assert.Equal("2", _world.LiveVersion("web"));
        var status = await _world.Daemon.GetJsonAsync("/status/web");
        Assert.Equal(v2, status["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(releasesBefore, Releases());
    }

    [Fact]
    public async Task A_force_push_back_to_an_older_commit_deploys_because_it_is_the_head()
    {
        var v1 = await DeployVersionAsync("1");
        await DeployVersionAsync("2");
        GitRepo.Git(_world.Repo.WorkTree, "push", "--quiet", "--force", "origin", $"{v1}:refs/heads/main");

        var reset = await _world.Daemon.WaitForDeployAsync((await _world.PushAsync(v1))["web"]);

        DeployAssert.State("succeeded", reset);
        Assert.Equal("1", _world.LiveVersion("web"));
    }

    /// <summary>Commits VERSION <paramref name="version"/> of "web", deploys it (it must succeed) and returns the commit.</summary>
    private async Task<string> DeployVersionAsync(string version)
    {
        var sha = _world.Commit(version, "web");
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync((await _world.PushAsync(sha))["web"]));
        return sha;
    }

    private List<string> Releases() => Directory.GetDirectories(Path.Combine(_world.Root("web"), "releases")).Order().ToList();
}
