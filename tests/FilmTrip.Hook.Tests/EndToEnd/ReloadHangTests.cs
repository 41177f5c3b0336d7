using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.EndToEnd;

/// <summary>
/// Issue 10 §7: under the Reload strategy, a release that starts but never listens must not replace a live worker.
/// The daemon first starts it once as <c>{App}-preflight</c> on a spare port; it never answers the health check, so
/// <c>pm2 reload</c> never runs. Under load through nginx with the seed's config: 0 failed requests.
/// </summary>
public sealed class ReloadHangTests : IAsyncLifetime
{
    private BackendWorld _world = null!;
    private NginxServer _nginx = null!;

    public async Task InitializeAsync()
    {
        _world = await BackendWorld.StartAsync();
        _nginx = await NginxServer.StartAsync(_world.BackendPort, _world.FrontendRoot);
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null) await _nginx.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_release_that_never_listens_fails_its_preflight_and_no_live_worker_is_replaced()
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        // Given up on after 8 s rather than 30; set only now, as a good first deploy on a busy box can take longer.
        _world.Service("filmtrip-backend")["HealthCheck"]!["Timeout"] = "00:00:08";
        await _world.RestartDaemonAsync();
        var workers = await _world.Pm2InstancesAsync("filmtrip-backend");
        var canary = await _world.CanaryFingerprintAsync();
        await using var load = LoadThroughNginx.Start(new Uri(_nginx.ApiUri, "version"));
        await Poll.UntilAsync(() => load.Bodies.ContainsKey("1"), TimeSpan.FromSeconds(10), "the load to get answers through nginx");

        _world.Repo.Write("backend/HANG_ON_START", "yes");
        var hung = await _world.DeployVersionAsync("2");
        DeployAssert.State("failed", hung);
        await _world.WaitUntilPm2HasNoAsync("filmtrip-backend-preflight", TimeSpan.FromSeconds(30));
        var status = await _world.StatusAsync();
        await load.StopAsync();

        Assert.Equal("Reload", status["strategy"]!.GetValue<string>());
        Assert.Equal(BackendWorld.CommitOf(v1), status["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(workers, await _world.Pm2InstancesAsync("filmtrip-backend")); // same pids, no restarts
        Assert.Equal("1", await _world.ServedVersionAsync());
        load.AssertNoFailureAndOnly("1");
        Assert.Equal(canary, await _world.CanaryFingerprintAsync());
    }
}
