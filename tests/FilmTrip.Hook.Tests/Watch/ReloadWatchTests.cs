using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Watch;

/// <summary>Issue 15 under the Reload strategy: the requests after the switch are the new release's.</summary>
public sealed class ReloadWatchTests : IAsyncLifetime
{
    private BlueGreenWorld _world = null!;

    public async Task InitializeAsync() => _world = await BlueGreenWorld.StartAsync(blueGreen: false);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_release_failing_30_percent_of_requests_is_rolled_back_by_the_watch_under_Reload()
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        await _world.WatchAsync("00:02:00");
        await using var load = await _world.StartLoadServingAsync("1");

        _world.Backend.Repo.Write("backend/FAIL_SOME", "yes");
        var bad = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", bad);
        var rollback = await _world.WatchRollbackAsync();
        var servedAfter = await _world.ServedThroughNginxAsync();
        await load.StopAsync();

        DeployAssert.State("succeeded", rollback);
        Assert.Equal(BackendWorld.CommitOf(v1), BackendWorld.CommitOf(rollback));
        Assert.Equal("1", servedAfter);
        Assert.StartsWith($"rolled back by the watch (deploy {WatchWorld.IdOf(rollback)}): 5xx ", await _world.NoteAsync(bad));
    }
}
