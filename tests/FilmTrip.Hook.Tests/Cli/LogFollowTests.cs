using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary><c>log --follow</c> prints a running deploy's lines as they come and stops when it ends.</summary>
public sealed class LogFollowTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync(holdBuilds: true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Log_follow_prints_lines_while_the_deploy_runs_and_exits_when_it_ends()
    {
        var deploys = await _world.Daemon.PushAsync("acme/filmtrip", _world.Repo.Head());
        var id = deploys["frontend"];
        await BuildSteps.WaitUntilStartedAsync(_world.Gate);
        await using var follow = Daemon.Spawn(["log", id, "--follow", "--config", _world.Daemon.ConfigPath, "--url", _world.DaemonUrl]);

        // The build is held at its gate, so the deploy cannot have ended: what the CLI prints now came while it ran.
        await Poll.UntilAsync(() => follow.Output.Contains("==> build: node -e"), TimeSpan.FromSeconds(30), "the first lines of the log");
        Assert.False(follow.HasExited, follow.Output);
        Assert.DoesNotContain("finished", follow.Output);
        BuildSteps.Open(_world.Gate);
        var exit = await follow.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit);
        Assert.EndsWith($"deploy {id} finished: succeeded", follow.Output.TrimEnd());
        Assert.Single(follow.Output.Split('\n'), l => l.Contains($"deploy {id}: Push of frontend"));
    }
}
