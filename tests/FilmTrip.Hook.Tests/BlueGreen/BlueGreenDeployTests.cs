using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.BlueGreen;

/// <summary>
/// Issue 10: a BlueGreen deploy of an app that follows no shutdown contract (samples/nocontract), under load
/// through nginx: the new release starts in the idle color, passes its health check and Verify, nginx switches to
/// it, and the old color stays warm.
/// </summary>
[LongRunning(20)]
public sealed class BlueGreenDeployTests : IAsyncLifetime
{
    private BlueGreenWorld _world = null!;

    public async Task InitializeAsync() => _world = await BlueGreenWorld.StartAsync(canary: true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deploy_starts_the_idle_color_switches_nginx_to_it_and_keeps_the_old_color_warm(bool keepAlive)
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        var old = ColorAssert.Live(await _world.Backend.StatusAsync());
        var next = BlueGreenWorld.Other(old);
        var oldInstances = await _world.ColorInstancesAsync(old);
        var canary = await _world.Backend.CanaryFingerprintAsync();
        await using var load = await _world.StartLoadServingAsync("1", keepAlive);

        var v2 = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", v2);
        var servedRightAfter = await _world.ServedThroughNginxAsync();
        var status = await _world.Backend.StatusAsync();
        await Poll.UntilAsync(() => load.Bodies.ContainsKey("2"), TimeSpan.FromSeconds(10), "v2 answering the load");
        await load.StopAsync();

        Assert.Equal("2", servedRightAfter); // nginx applied the switch before the deploy ended
        ColorAssert.Is(_world, status, next, "live", v2);
        ColorAssert.Is(_world, status, old, "warm", v1);
        Assert.Equal(BackendWorld.CommitOf(v2), status["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(NginxServer.UpstreamLine(_world.PortOf(next)), _world.Nginx.UpstreamContent.Trim());
        Assert.Equal("2", await _world.ServedByAsync(next)); // the color's port reached the app as PORT
        Assert.Equal(2, (await _world.ColorInstancesAsync(next)).Count); // the ecosystem's instances: 2
        Assert.Equal("1", await _world.ServedByAsync(old)); // warm: the old release still runs
        Assert.Equal(oldInstances, await _world.ColorInstancesAsync(old)); // and was never restarted
        load.AssertNoFailureAndOnly("1", "2");
        Assert.Equal(canary, await _world.Backend.CanaryFingerprintAsync());
    }
}
