using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.EndToEnd;

/// <summary>
/// The CI-sized slice of bench/run.sh (issue #5 §5): the seed's topology (real nginx from the template, pm2
/// cluster of 2, another tenant in the same pm2, the daemon) under a short load through nginx, with one
/// deploy, one rollback and one fault. Correctness only: zero failed requests, states, canary untouched.
/// Timing goals live in bench/.
/// </summary>
[LongRunning(27)]
public sealed class ZeroDowntimeSliceTests : BackendBehindNginx
{
    [Fact]
    public async Task Deploy_rollback_and_a_crashing_release_under_load_through_nginx_fail_no_request_and_leave_the_canary_alone()
    {
        var v1 = await World.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        var canary = await World.CanaryAsync();
        var canaryHash = BackendWorld.HashDirectory(World.CanaryDirectory);
        await using var load = LoadThroughNginx.Start(new Uri(Nginx.ApiUri, "version"));
        await Poll.UntilAsync(() => load.Bodies.ContainsKey("1"), TimeSpan.FromSeconds(10), "the load to get answers through nginx");

        var deployed = await World.DeployVersionAsync("2");
        await Poll.UntilAsync(() => load.Bodies.ContainsKey("2"), TimeSpan.FromSeconds(10), "v2 through nginx");

        var rolledBack = await World.RollbackAsync(BackendWorld.CommitOf(v1));
        var servedAfterRollback = await World.ServedVersionAsync();

        World.Repo.Write("backend/CRASH_ON_START", "yes");
        var crashed = await World.DeployVersionAsync("3");
        var status = await World.Daemon.GetJsonAsync("/status/filmtrip-backend");
        await load.StopAsync();

        DeployAssert.State("succeeded", deployed);
        DeployAssert.State("succeeded", rolledBack);
        Assert.Equal("1", servedAfterRollback);
        DeployAssert.State("failed", crashed);
        Assert.Equal("failed", status["lastDeploy"]!["state"]!.GetValue<string>());
        Assert.Equal(v1["deploy"]!["commit"]!.GetValue<string>(), status["current"]!["commit"]!.GetValue<string>());
        Assert.Equal("1", await World.ServedVersionAsync());
        Assert.True(load.Total > 0, "the load sent requests");
        Assert.False(load.Bodies.ContainsKey("3"), "the crashing release never served");
        Assert.Empty(load.Failures);
        Assert.Equal(canary, await World.CanaryAsync());
        Assert.Equal(canaryHash, BackendWorld.HashDirectory(World.CanaryDirectory));
    }
}
