using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>The seed's backend (pm2 cluster, 2 instances, wait_ready) deployed by the real daemon into a real pm2.</summary>
[LongRunning(33)]
public sealed class BackendDeployTests : IAsyncLifetime
{
    private BackendWorld _world = null!;

    public async Task InitializeAsync() => _world = await BackendWorld.StartAsync(canary: true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Push_starts_then_reloads_the_backend_and_leaves_the_other_tenant_alone()
    {
        var canaryBefore = await _world.CanaryAsync();
        var canaryHash = BackendWorld.HashDirectory(_world.CanaryDirectory);

        var first = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", first);
        Assert.Equal("1", await _world.ServedVersionAsync());

        var second = await _world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", second);
        Assert.Equal("2", await _world.ServedVersionAsync());
        Assert.Contains(second["steps"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "reload");
        Assert.True(File.Exists(Path.Combine(_world.BackendRoot, "current", "MIGRATED")), "the migration ran in the release");

        var backend = (await _world.Pm2.JlistAsync()).Where(p => p.Name == "filmtrip-backend").ToList();
        Assert.Equal(2, backend.Count);
        Assert.All(backend, p => Assert.Equal("online", p.Status));
        Assert.Equal(canaryBefore, await _world.CanaryAsync());
        Assert.Equal(canaryHash, BackendWorld.HashDirectory(_world.CanaryDirectory));
    }

    [Fact]
    public async Task A_frontend_only_push_deploys_the_frontend_and_leaves_the_backend_processes_alone()
    {
        DeployAssert.State("succeeded", await _world.DeployVersionAsync("1"));
        var backendBefore = (await _world.Pm2.JlistAsync()).Where(p => p.Name == "filmtrip-backend").Select(p => (p.Pid, p.Restarts)).Order().ToList();
        _world.Repo.Write("frontend/VERSION", "2");

        var deploys = await _world.Daemon.PushAsync(BackendWorld.Repository, _world.Repo.CommitAndPush("frontend v2"));

        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(deploys["filmtrip-frontend"]));
        DeployAssert.State("skipped", await _world.Daemon.WaitForDeployAsync(deploys["filmtrip-backend"]));
        var backendAfter = (await _world.Pm2.JlistAsync()).Where(p => p.Name == "filmtrip-backend").Select(p => (p.Pid, p.Restarts)).Order().ToList();
        Assert.Equal(backendBefore, backendAfter);
        Assert.Contains("version <span id=\"version\">2<", File.ReadAllText(Path.Combine(_world.FrontendRoot, "current", "dist", "index.html")));
    }

    [Fact]
    public async Task A_backend_that_crashes_on_start_fails_in_preflight_and_never_replaces_a_live_worker()
    {
        DeployAssert.State("succeeded", await _world.DeployVersionAsync("1"));
        var canaryBefore = await _world.CanaryAsync();
        var workersBefore = (await _world.Pm2.JlistAsync()).Where(p => p.Name == "filmtrip-backend").Select(p => p.Pid).Order().ToList();
        _world.Repo.Write("backend/CRASH_ON_START", "yes");

        var crashed = await _world.DeployVersionAsync("2");

        DeployAssert.State("failed", crashed);
        Assert.Contains("crashed on start", crashed["deploy"]!["error"]!.GetValue<string>());
        var steps = crashed["steps"]!.AsArray().ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["succeeded"]!.GetValue<bool>());
        Assert.False(steps["preflight"]);
        Assert.DoesNotContain("switch", steps.Keys);
        Assert.DoesNotContain("reload", steps.Keys);
        var workersAfter = await _world.Pm2.JlistAsync();
        Assert.Equal(workersBefore, workersAfter.Where(p => p.Name == "filmtrip-backend").Select(p => p.Pid).Order().ToList());
        Assert.DoesNotContain(workersAfter, p => p.Name == "filmtrip-backend-preflight");
        Assert.Equal("1", await _world.ServedVersionAsync());
        Assert.Single(Directory.GetDirectories(Path.Combine(_world.BackendRoot, "releases")));
        Assert.Equal(canaryBefore, await _world.CanaryAsync());
        var status = await _world.Daemon.GetJsonAsync("/status/filmtrip-backend");
        Assert.Equal(crashed["deploy"]!["previousCommit"]!.GetValue<string>(), status["current"]!["commit"]!.GetValue<string>());
    }
}
