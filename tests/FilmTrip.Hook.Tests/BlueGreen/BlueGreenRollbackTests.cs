using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.BlueGreen;

/// <summary>
/// Issue 10 §4, under load through nginx: a rollback to the release the warm color runs is an nginx switch only;
/// a rollback to a kept release no color runs starts it in the idle color, checks it, then switches.
/// </summary>
[LongRunning(31)]
public sealed class BlueGreenRollbackTests : IAsyncLifetime
{
    private BlueGreenWorld _world = null!;

    // Four kept releases, so the oldest deploy of these tests is still on disk for the cold rollback.
    public async Task InitializeAsync() => _world = await BlueGreenWorld.StartAsync(configure: s => s["KeepReleases"] = 4, canary: true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    /// <summary>POST /rollback to v1 while <paramref name="load"/> runs; what nginx served right after and the status, once v1 answers the load (then stopped).</summary>
    private async Task<(string ServedRightAfter, System.Text.Json.Nodes.JsonNode Status)> RollBackToUnderLoadAsync(
        System.Text.Json.Nodes.JsonNode v1, EndToEnd.LoadThroughNginx load)
    {
        DeployAssert.State("succeeded", await _world.Backend.RollbackAsync(BackendWorld.CommitOf(v1)));
        var servedRightAfter = await _world.ServedThroughNginxAsync();
        var status = await _world.Backend.StatusAsync();
        await Poll.UntilAsync(() => load.Bodies.ContainsKey("1"), TimeSpan.FromSeconds(10), "v1 answering the load");
        await load.StopAsync();
        return (servedRightAfter, status);
    }

    [Fact]
    public async Task Rollback_to_the_release_the_warm_color_runs_switches_nginx_without_starting_anything()
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        var v2 = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", v2);
        var live = ColorAssert.Live(await _world.Backend.StatusAsync());
        var warm = BlueGreenWorld.Other(live);
        var warmInstances = await _world.ColorInstancesAsync(warm);
        var canary = await _world.Backend.CanaryFingerprintAsync();
        await using var load = await _world.StartLoadServingAsync("2");

        var (servedRightAfter, status) = await RollBackToUnderLoadAsync(v1, load);

        Assert.Equal("1", servedRightAfter);
        ColorAssert.Is(_world, status, warm, "live", v1);
        ColorAssert.Is(_world, status, live, "warm", v2);
        Assert.Equal(BackendWorld.CommitOf(v1), status["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(warmInstances, await _world.ColorInstancesAsync(warm)); // no pm2 start, no restart
        Assert.Equal(NginxServer.UpstreamLine(_world.PortOf(warm)), _world.Nginx.UpstreamContent.Trim());
        load.AssertNoFailureAndOnly("1", "2");
        Assert.Equal(canary, await _world.Backend.CanaryFingerprintAsync());
    }

    [Fact]
    public async Task Rollback_to_a_kept_release_no_color_runs_starts_it_in_the_idle_color_then_switches()
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        DeployAssert.State("succeeded", await _world.DeployVersionAsync("2"));
        var v3 = await _world.DeployVersionAsync("3");
        DeployAssert.State("succeeded", v3);
        var live = ColorAssert.Live(await _world.Backend.StatusAsync()); // runs 3; the other color runs 2, warm
        var idle = BlueGreenWorld.Other(live);
        var liveInstances = await _world.ColorInstancesAsync(live);
        var canary = await _world.Backend.CanaryFingerprintAsync();
        await using var load = await _world.StartLoadServingAsync("3");

        var (servedRightAfter, status) = await RollBackToUnderLoadAsync(v1, load);

        Assert.Equal("1", servedRightAfter);
        ColorAssert.Is(_world, status, idle, "live", v1);
        ColorAssert.Is(_world, status, live, "warm", v3);
        Assert.Equal("1", await _world.ServedByAsync(idle));
        Assert.Equal(liveInstances, await _world.ColorInstancesAsync(live)); // the color it left keeps running, untouched
        Assert.Equal(NginxServer.UpstreamLine(_world.PortOf(idle)), _world.Nginx.UpstreamContent.Trim());
        load.AssertNoFailureAndOnly("1", "3"); // 2 ran warm in the idle color and was never routed to
        Assert.Equal(canary, await _world.Backend.CanaryFingerprintAsync());
    }
}
