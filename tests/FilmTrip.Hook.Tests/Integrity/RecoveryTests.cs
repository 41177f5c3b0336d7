using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Integrity;

/// <summary>
/// kill -9 at the worst moments (issue #11 §3): after a restart, recovery puts back exactly the release that was live
/// before the interrupted deploy, and deletes only a release that deploy created, never a kept one.
/// </summary>
[LongRunning(115)]
public sealed class RecoveryTests : IAsyncLifetime
{
    private BackendWorld _world = null!;

    public async Task InitializeAsync() =>
        // A long stable window: the kill lands while the switched release is being checked.
        _world = await BackendWorld.StartAsync(host: DaemonHost.Process, configure: config => config["Hook"]!["Services"]!["filmtrip-backend"]!["HealthCheck"]!["StableFor"] = "00:00:08");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Kill_during_the_health_window_after_a_switch_puts_the_previous_release_back()
    {
        var v1 = await _world.DeployVersionAsync("1");
        var v1Release = v1["deploy"]!["releaseId"]!.GetValue<string>();
        _world.Repo.Write("backend/VERSION", "2");
        var v2 = (await _world.Daemon.PushAsync(BackendWorld.Repository, _world.Repo.CommitAndPush("backend v2")))["filmtrip-backend"];
        await WaitForStepAsync(v2, "health");

        await _world.Daemon.KillAsync();
        await _world.RestartDaemonAsync();

        var recovered = await _world.Daemon.WaitForDeployAsync(v2);
        DeployAssert.State("interrupted", recovered);
        Assert.Contains($"back on release {v1Release}", recovered["deploy"]!["error"]!.GetValue<string>());
        Assert.Equal(v1Release, CurrentRelease());
        Assert.Equal("1", await _world.ServedVersionAsync());
        Assert.Equal([v1Release], ReleasesOnDisk());
    }

    [Fact]
    public async Task Kill_during_an_instant_rollback_keeps_its_target_on_disk_and_the_live_release_live()
    {
        var v1 = await _world.DeployVersionAsync("1");
        var v2 = await _world.DeployVersionAsync("2");
        var kept = new[] { v1, v2 }.Select(d => d["deploy"]!["releaseId"]!.GetValue<string>()).Order().ToList();
        var response = await _world.Daemon.RollbackAsync(new { commit = v1["deploy"]!["commit"]!.GetValue<string>(), service = "filmtrip-backend" });
        response.EnsureSuccessStatusCode();
        var rollback = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["deploys"]![0]!["deployId"]!.GetValue<string>();
        await WaitForStepAsync(rollback, "health");

        await _world.Daemon.KillAsync();
        await _world.RestartDaemonAsync();

        DeployAssert.State("interrupted", await _world.Daemon.WaitForDeployAsync(rollback));
        Assert.Equal(kept, ReleasesOnDisk());
        Assert.Equal(v2["deploy"]!["releaseId"]!.GetValue<string>(), CurrentRelease());
        Assert.Equal("2", await _world.ServedVersionAsync());
    }

    private Task WaitForStepAsync(string deployId, string step) =>
        Poll.UntilAsync(async () => (await _world.Daemon.GetJsonAsync($"/deploys/{deployId}"))["deploy"]!["currentStep"]?.GetValue<string>() == step,
            TimeSpan.FromSeconds(120), $"deploy {deployId} to reach its {step} step");

    private string? CurrentRelease() => Path.GetFileName(new FileInfo(Path.Combine(_world.BackendRoot, "current")).LinkTarget);

    private List<string> ReleasesOnDisk() =>
        Directory.GetDirectories(Path.Combine(_world.BackendRoot, "releases")).Select(Path.GetFileName).OfType<string>().Order().ToList();
}
