using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.EndToEnd;

/// <summary>
/// Issue 10 §7: under the Reload strategy, a release that starts but never listens must not replace a live worker.
/// The daemon first starts it once as <c>{App}-preflight</c> on a spare port; it never answers the health check, so
/// <c>pm2 reload</c> never runs. Under load through nginx with the seed's config: 0 failed requests.
/// </summary>
[LongRunning(31)]
public sealed class ReloadHangTests : BackendBehindNginx
{
    [Fact]
    public async Task A_release_that_never_listens_fails_its_preflight_and_no_live_worker_is_replaced()
    {
        var v1 = await World.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        // Given up on after 8 s rather than 30; set only now, as a good first deploy on a busy box can take longer.
        World.Service("filmtrip-backend")["HealthCheck"]!["Timeout"] = "00:00:08";
        await World.RestartDaemonAsync();
        var workers = await World.Pm2InstancesAsync("filmtrip-backend");
        var canary = await World.CanaryFingerprintAsync();
        await using var load = LoadThroughNginx.Start(new Uri(Nginx.ApiUri, "version"));
        await Poll.UntilAsync(() => load.Bodies.ContainsKey("1"), TimeSpan.FromSeconds(10), "the load to get answers through nginx");

        World.Repo.Write("backend/HANG_ON_START", "yes");
        var hung = await World.DeployVersionAsync("2");
        DeployAssert.State("failed", hung);
        await World.WaitUntilPm2HasNoAsync("filmtrip-backend-preflight", TimeSpan.FromSeconds(30));
        var status = await World.StatusAsync();
        await load.StopAsync();

        Assert.Equal("Reload", status["strategy"]!.GetValue<string>());
        Assert.Equal(BackendWorld.CommitOf(v1), status["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(workers, await World.Pm2InstancesAsync("filmtrip-backend")); // same pids, no restarts
        Assert.Equal("1", await World.ServedVersionAsync());
        load.AssertNoFailureAndOnly("1");
        Assert.Equal(canary, await World.CanaryFingerprintAsync());
    }
}
