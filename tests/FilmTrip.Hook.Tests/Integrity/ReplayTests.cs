using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Integrity;

/// <summary>
/// GitHub signs the body, not the X-GitHub-Delivery header: an old push resent under a fresh delivery id is validly
/// signed. It must never move a service backwards (issue #11 §2); a force-push back to an older commit still deploys.
/// </summary>
public sealed class ReplayTests : IAsyncLifetime
{
    private BackendWorld _world = null!;

    public async Task InitializeAsync() => _world = await BackendWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_replayed_old_push_under_a_new_delivery_id_changes_nothing()
    {
        var v1 = (await _world.DeployVersionAsync("1"))["deploy"]!["commit"]!.GetValue<string>();
        var v2 = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", v2);
        var releasesBefore = Directory.GetDirectories(Path.Combine(_world.BackendRoot, "releases")).Order().ToList();

        var replay = await _world.Daemon.WaitForDeployAsync((await _world.Daemon.PushAsync(BackendWorld.Repository, v1))["filmtrip-backend"]);

        DeployAssert.State("superseded", replay);
        Assert.Contains("no longer the head of main", replay["deploy"]!["error"]!.GetValue<string>());
        Assert.Equal("2", await _world.ServedVersionAsync());
        var status = await _world.Daemon.GetJsonAsync("/status/filmtrip-backend");
        Assert.Equal(v2["deploy"]!["commit"]!.GetValue<string>(), status["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(releasesBefore, Directory.GetDirectories(Path.Combine(_world.BackendRoot, "releases")).Order().ToList());
    }

    [Fact]
    public async Task A_force_push_back_to_an_older_commit_deploys_because_it_is_the_head()
    {
        var v1 = (await _world.DeployVersionAsync("1"))["deploy"]!["commit"]!.GetValue<string>();
        DeployAssert.State("succeeded", await _world.DeployVersionAsync("2"));
        GitRepo.Git(_world.Repo.WorkTree, "push", "--quiet", "--force", "origin", $"{v1}:refs/heads/main");

        var reset = await _world.Daemon.WaitForDeployAsync((await _world.Daemon.PushAsync(BackendWorld.Repository, v1))["filmtrip-backend"]);

        DeployAssert.State("succeeded", reset);
        Assert.Equal("1", await _world.ServedVersionAsync());
    }
}
