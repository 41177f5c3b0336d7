using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.BlueGreen;

/// <summary>
/// Issue 10 §6: a service that ran under Reload (pm2 app <c>{App}</c> live on the blue port, nginx's upstream file
/// pointing at it) switched to BlueGreen. Its first BlueGreen deploy starts in green, switches nginx, and retires
/// the old app after Drain, under load, without a failed request.
/// </summary>
[LongRunning(12)]
public sealed class MigrationTests : IAsyncLifetime
{
    private BlueGreenWorld _world = null!;

    public async Task InitializeAsync() => _world = await BlueGreenWorld.StartAsync(blueGreen: false, canary: true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task First_BlueGreen_deploy_of_a_Reload_service_starts_green_switches_nginx_and_retires_the_old_app()
    {
        DeployAssert.State("succeeded", await _world.DeployVersionAsync("1"));
        var underReload = await _world.Backend.StatusAsync();
        var oldApp = await _world.Backend.Pm2InstancesAsync(_world.App);
        var canary = await _world.Backend.CanaryFingerprintAsync();
        await _world.SwitchToBlueGreenAsync();
        await using var load = await _world.StartLoadServingAsync("1");

        var v2 = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", v2);
        var servedRightAfter = await _world.ServedThroughNginxAsync();
        await Poll.UntilAsync(() => load.Bodies.ContainsKey("2"), TimeSpan.FromSeconds(10), "v2 answering the load");
        await _world.Backend.WaitUntilPm2HasNoAsync(_world.App, TimeSpan.FromSeconds(60)); // after Drain (2 s)
        var status = await _world.Backend.StatusAsync();
        await load.StopAsync();

        ColorAssert.Strategy("Reload", underReload); // the default
        Assert.Equal(2, oldApp.Count); // the premise: the old app ran, on the blue port
        Assert.True(servedRightAfter == "2", $"nginx served {servedRightAfter} right after the deploy: {v2}");
        ColorAssert.Is(_world, status, "green", "live", v2);
        ColorAssert.Is(_world, status, "blue", "stopped");
        Assert.Equal(NginxServer.UpstreamLine(_world.GreenPort), _world.Nginx.UpstreamContent.Trim());
        load.AssertNoFailureAndOnly("1", "2");
        Assert.Equal(canary, await _world.Backend.CanaryFingerprintAsync());
    }
}
