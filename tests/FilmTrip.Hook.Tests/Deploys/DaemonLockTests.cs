using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>
/// One daemon per data directory (issue #11): a second daemon on the same directory, started while a deploy runs,
/// stops at once and touches nothing. Before, it ran crash recovery on the running deploy and switched
/// <c>current</c> back under it.
/// </summary>
public sealed class DaemonLockTests : IAsyncLifetime
{
    private StaticWorld _world = null!;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync(host: DaemonHost.Process);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_second_daemon_on_the_same_data_directory_exits_2_and_leaves_the_running_deploy_alone()
    {
        await _world.DeployAsync(_world.Repo.Head());
        var live = _world.Live("web");
        _world.CloseGate("web");
        var running = (await _world.PushAsync(_world.Commit("2", "web")))["web"];
        await BuildSteps.WaitUntilStartedAsync(_world.Gate("web"));

        // A port of its own (0: the kernel picks a free one), so nothing but the lock can stop it.
        await using var second = Daemon.Spawn(["--config", _world.ConfigPath, "--urls", "http://127.0.0.1:0"]);
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        var lockFile = Path.Combine(_world.DataDirectory, "daemon.lock");
        Assert.Equal($"filmtrip-hook: another daemon (pid {_world.Daemon.Pid}) holds {lockFile}; one daemon per data directory",
            second.Errors.TrimEnd());
        Assert.Equal(second.Errors, second.Output);
        Assert.Equal("running", (await _world.Daemon.GetJsonAsync($"/deploys/{running}"))["deploy"]!["state"]!.GetValue<string>());
        Assert.Equal(live, _world.Live("web"));

        _world.OpenGate("web");
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(running));
        Assert.Equal("2", _world.LiveVersion("web"));
    }
}
