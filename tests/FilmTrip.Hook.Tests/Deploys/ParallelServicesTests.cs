using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Deploys;

/// <summary>Two services of one push deploy side by side (static services: no pm2 needed; the daemon in process).</summary>
public sealed class ParallelServicesTests : IAsyncLifetime
{
    private StaticWorld _world = null!;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync(gatesOpen: false);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Two_services_deploy_in_parallel()
    {
        var deploys = await _world.Daemon.PushAsync(StaticWorld.Repository, _world.Repo.Head());

        // Both builds are inside their gate step at the same time: neither waits for the other.
        await BuildSteps.WaitUntilStartedAsync(_world.Gate("web"));
        await BuildSteps.WaitUntilStartedAsync(_world.Gate("admin"));
        var status = await _world.Daemon.GetJsonAsync("/status");
        Assert.All(status["services"]!.AsArray(), s => Assert.Equal("build: node -e", s!["running"]!["step"]!.GetValue<string>()[..14]));

        BuildSteps.Open(_world.Gate("web"));
        BuildSteps.Open(_world.Gate("admin"));
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(deploys["web"]));
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(deploys["admin"]));
    }
}
