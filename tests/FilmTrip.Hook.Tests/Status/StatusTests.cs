using System.Net;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Status;

public sealed class StatusTests : IAsyncLifetime
{
    private StaticWorld _world = null!;
    private Daemon Daemon => _world.Daemon;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync(gatesOpen: false);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Status_follows_a_deploy_from_queued_to_running_to_succeeded()
    {
        var before = await Daemon.GetJsonAsync("/status/web");
        Assert.Null(before["current"]);
        Assert.Null(before["lastDeploy"]);

        var sha = _world.Repo.Head();
        var pushedAt = DateTimeOffset.UtcNow;
        var first = (await _world.PushAsync(sha))["web"];
        await BuildSteps.WaitUntilStartedAsync(_world.Gate("web"));
        var queued = (await _world.PushAsync(_world.Commit("2", "web")))["web"];

        var during = await Daemon.GetJsonAsync("/status/web");
        Assert.Equal(first, during["running"]!["id"]!.GetValue<string>());
        Assert.StartsWith("build: node -e", during["running"]!["step"]!.GetValue<string>());
        // Its own clock since it started, not since some other moment (the exact figure: InProcess/DeployClockTests).
        Assert.InRange(during["running"]!["elapsedSeconds"]!.GetValue<double>(), 0, (DateTimeOffset.UtcNow - pushedAt).TotalSeconds + 0.5);
        Assert.Equal(1, during["queued"]!.GetValue<int>());
        Assert.Equal("queued", (await Daemon.GetJsonAsync($"/deploys/{queued}"))["deploy"]!["state"]!.GetValue<string>());

        _world.OpenGate("web");
        await Daemon.WaitForDeployAsync(first);
        var done = await Daemon.WaitForDeployAsync(queued);
        DeployAssert.State("succeeded", done);

        var after = await Daemon.GetJsonAsync("/status/web");
        Assert.Null(after["running"]);
        Assert.Equal(0, after["queued"]!.GetValue<int>());
        Assert.Equal(queued, after["lastDeploy"]!["id"]!.GetValue<string>());
        Assert.Equal("succeeded", after["lastDeploy"]!["state"]!.GetValue<string>());
        Assert.Equal(_world.Repo.Head(), after["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(2, after["releases"]!.AsArray().Count);
        Assert.Equal(2, (await Daemon.GetJsonAsync("/status"))["services"]!.AsArray().Count);
    }

    [Fact]
    public async Task Deploy_detail_has_steps_and_the_log_and_the_full_log_is_plain_text()
    {
        _world.OpenGate("web");
        _world.OpenGate("admin");
        var id = (await _world.PushAsync(_world.Repo.Head()))["web"];
        var deploy = await Daemon.WaitForDeployAsync(id);

        var steps = deploy["steps"]!.AsArray();
        var took = (deploy["deploy"]!["finishedAt"]!.GetValue<DateTimeOffset>() - deploy["deploy"]!["startedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds;
        Assert.All(steps, s => Assert.InRange(s!["durationSeconds"]!.GetValue<double>(), 0, took));
        var build = steps.Single(s => s!["name"]!.GetValue<string>().StartsWith("build:"))!;
        Assert.Equal(0, build["exitCode"]!.GetValue<int>());
        Assert.True(build["durationSeconds"]!.GetValue<double>() > 0, "a node process takes time: the build step's duration is measured");
        Assert.Contains(deploy["logTail"]!.AsArray(), l => l!.GetValue<string>().Contains("==> switch"));

        var full = await Daemon.GetAsync($"/deploys/{id}?log=full");
        Assert.Equal("text/plain", full.Content.Headers.ContentType!.MediaType);
        Assert.Contains("finished: succeeded", await full.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Deploy_history_filters_by_state_and_is_newest_first()
    {
        _world.OpenGate("web");
        _world.OpenGate("admin");
        await _world.DeployAsync(_world.Repo.Head());
        await _world.DeployAsync(_world.Commit("2"));

        var list = (await Daemon.GetJsonAsync("/deploys?service=web&state=succeeded&limit=1"))["deploys"]!.AsArray();

        Assert.Single(list);
        Assert.Equal(_world.Repo.Head(), list[0]!["commit"]!.GetValue<string>());
    }
}
