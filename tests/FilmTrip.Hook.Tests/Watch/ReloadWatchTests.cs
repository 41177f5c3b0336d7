using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Watch;

/// <summary>Issue 15 under the Reload strategy: the requests after the switch are the new release's.</summary>
[LongRunning(17)]
public sealed class ReloadWatchTests : IAsyncLifetime
{
    private BlueGreenWorld _world = null!;

    public async Task InitializeAsync() => _world = await BlueGreenWorld.StartAsync(blueGreen: false);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_release_failing_30_percent_of_requests_is_rolled_back_by_the_watch_under_Reload()
    {
        var run = await _world.RollBackABadReleaseAsync();

        DeployAssert.State("succeeded", run.Rollback);
        Assert.Equal(BackendWorld.CommitOf(run.First), BackendWorld.CommitOf(run.Rollback));
        Assert.Equal("1", run.ServedAfter);
        Assert.StartsWith($"rolled back by the watch (deploy {WatchWorld.IdOf(run.Rollback)}): 5xx ", run.BadNote);
        // The release it goes back to served until the switch: no preflight, only the reload and the health gate.
        var steps = run.Rollback["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("preflight", steps);
        Assert.Contains("reload", steps);
        Assert.Contains("health", steps);
        Assert.Contains(run.Rollback["logTail"]!.AsArray(), l => l!.GetValue<string>().Contains("no preflight: releases/", StringComparison.Ordinal));
    }
}
