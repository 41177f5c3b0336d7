using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Watch;

/// <summary>
/// Issue 15 end to end under BlueGreen, with load through a real nginx writing the JSON access log: a release that
/// passes /health but answers 500 to 30% of requests is rolled back by the watch (an nginx switch to the warm
/// color); a healthy one is not, even with logrotate's rename and copytruncate mid-window; an instance restart trips
/// it; a newer push ends the old watch.
/// </summary>
[LongRunning(95)]
public sealed class WatchTests : IAsyncLifetime
{
    private BlueGreenWorld _world = null!;

    public async Task InitializeAsync() => _world = await BlueGreenWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_release_failing_30_percent_of_requests_is_rolled_back_by_the_watch_to_the_warm_color()
    {
        var run = await _world.RollBackABadReleaseAsync();
        var rollback = run.Rollback;

        DeployAssert.State("succeeded", rollback);
        Assert.Equal(BackendWorld.CommitOf(run.First), BackendWorld.CommitOf(rollback));
        Assert.Equal("1", run.ServedAfter);
        Assert.Matches(@"^the watch of deploy \S+ tripped: 5xx \d+(\.\d)?% of \d+ requests in \d+ s", rollback["deploy"]!["note"]!.GetValue<string>());
        Assert.StartsWith($"rolled back by the watch (deploy {WatchWorld.IdOf(rollback)}): 5xx ", run.BadNote);
        Assert.Contains(rollback["logTail"]!.AsArray(), l => l!.GetValue<string>().Contains("(warm): switching traffic only", StringComparison.Ordinal));
        Assert.Equal("watch", run.Status["lastDeploy"]!["trigger"]!.GetValue<string>());
        Assert.Null(run.Status["watch"]); // a rollback is never watched
        Assert.True(run.Bodies.ContainsKey("2"), "the bad release served some requests before it was rolled back");
    }

    [Fact]
    public async Task A_healthy_release_is_not_rolled_back_even_with_logrotate_rename_and_copytruncate_mid_window()
    {
        DeployAssert.State("succeeded", await _world.DeployVersionAsync("1"));
        await _world.WatchAsync("00:00:40");
        await using var load = await _world.StartLoadServingAsync("1");

        var v2 = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", v2);
        var before = (await _world.WatchingAsync(v2, requests: 100))["requests"]!.GetValue<long>();
        await _world.RotateByRenameAsync();
        var afterRename = (await _world.WatchingAsync(v2, requests: before + 300))["requests"]!.GetValue<long>();
        _world.RotateByCopyTruncate();
        var watch = await _world.WatchingAsync(v2, requests: afterRename + 300);
        var note = await _world.NoteAsync(v2, seconds: 120);
        await load.StopAsync();

        Assert.StartsWith("watch passed: 5xx 0% of ", note);
        Assert.Equal(0, watch["errors"]!.GetValue<long>());
        Assert.Equal(0, watch["malformedLines"]!.GetValue<long>());
        Assert.Equal(0, await _world.WatchRollbackCountAsync());
        Assert.Equal("2", await _world.ServedThroughNginxAsync());
        Assert.Null(await _world.WatchStatusAsync());
    }

    [Fact]
    public async Task A_restart_of_the_new_releases_instance_trips_the_watch()
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        await _world.WatchAsync("00:02:00");
        var v2 = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", v2);
        await _world.WatchingAsync(v2);
        var live = ColorAssert.Live(await _world.Backend.StatusAsync());

        var victim = (await _world.ColorInstancesAsync(live))[0].Pid;
        using (var kill = System.Diagnostics.Process.Start("kill", ["-9", victim.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        var rollback = await _world.WatchRollbackAsync();

        DeployAssert.State("succeeded", rollback);
        Assert.Equal(BackendWorld.CommitOf(v1), BackendWorld.CommitOf(rollback));
        Assert.Contains("restarted", rollback["deploy"]!["note"]!.GetValue<string>());
        Assert.Equal("1", await _world.ServedThroughNginxAsync());
    }

    [Fact]
    public async Task A_newer_push_ends_the_old_watch_and_is_watched_itself()
    {
        DeployAssert.State("succeeded", await _world.DeployVersionAsync("1"));
        await _world.WatchAsync("00:05:00");
        var v2 = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", v2);
        await _world.WatchingAsync(v2);

        var v3 = await _world.DeployVersionAsync("3");
        DeployAssert.State("succeeded", v3);
        var watch = await _world.WatchingAsync(v3);
        var note = await _world.NoteAsync(v2);

        Assert.StartsWith($"watch ended early by deploy {WatchWorld.IdOf(v3)}: ", note);
        Assert.InRange(watch["secondsLeft"]!.GetValue<double>(), 1, 300);
        Assert.Equal(0, await _world.WatchRollbackCountAsync());
    }
}
