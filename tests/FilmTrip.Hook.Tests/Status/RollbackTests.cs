using System.Net;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Status;

[LongRunning(14)]
public sealed class RollbackTests : IAsyncLifetime
{
    private StaticWorld _world = null!;
    private Daemon Daemon => _world.Daemon;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync(configure: c =>
        c["Hook"]!["Services"]!["web"]!["KeepReleases"] = 2);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private async Task<JsonNode> RollbackAndWaitAsync(object body, string service)
    {
        var response = await Daemon.RollbackAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deploys = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["deploys"]!.AsArray();
        var id = deploys.Single(d => d!["service"]!.GetValue<string>() == service)!["deployId"]!.GetValue<string>();
        return await Daemon.WaitForDeployAsync(id);
    }

    private static List<string> StepNames(JsonNode deploy) =>
        deploy["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Rollback_to_a_kept_release_switches_without_fetching_or_building()
    {
        var v1 = _world.Repo.Head();
        await _world.DeployAsync(v1);
        await _world.DeployAsync(_world.Commit("2"));

        var rollback = await RollbackAndWaitAsync(new { commit = v1[..7], service = "web" }, "web");

        DeployAssert.State("succeeded", rollback);
        Assert.Equal("rollback", rollback["deploy"]!["trigger"]!.GetValue<string>());
        Assert.Equal(["switch", "health", "prune"], StepNames(rollback));
        Assert.Equal("1", _world.LiveVersion("web"));
        Assert.Equal("2", _world.LiveVersion("admin"));
        var status = await Daemon.GetJsonAsync("/status/web");
        Assert.Equal(v1, status["current"]!["commit"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rollback_to_a_commit_no_longer_kept_builds_it()
    {
        var v1 = _world.Repo.Head();
        await _world.DeployAsync(v1);
        await _world.DeployAsync(_world.Commit("2"));
        await _world.DeployAsync(_world.Commit("3"));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(_world.Root("web"), "releases")), r => r.EndsWith(v1[..12]));

        var rollback = await RollbackAndWaitAsync(new { commit = v1, service = "web" }, "web");

        DeployAssert.State("succeeded", rollback);
        Assert.Contains("fetch", StepNames(rollback));
        Assert.Contains(StepNames(rollback), s => s.StartsWith("build:"));
        Assert.Equal("1", _world.LiveVersion("web"));
    }

    [Fact]
    public async Task Rollback_without_a_service_moves_every_service_of_the_repository()
    {
        var v1 = _world.Repo.Head();
        await _world.DeployAsync(v1);
        await _world.DeployAsync(_world.Commit("2"));

        var response = await Daemon.RollbackAsync(new { commit = v1 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deploys = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["deploys"]!.AsArray();
        Assert.Equal(["admin", "web"], deploys.Select(d => d!["service"]!.GetValue<string>()).Order());
        foreach (var deploy in deploys)
        {
            Assert.Equal(v1, deploy!["commit"]!.GetValue<string>());
            DeployAssert.State("succeeded", await Daemon.WaitForDeployAsync(deploy["deployId"]!.GetValue<string>()));
        }
        Assert.Equal("1", _world.LiveVersion("web"));
        Assert.Equal("1", _world.LiveVersion("admin"));
    }

    [Fact]
    public async Task Rollback_during_a_deploy_runs_next_ahead_of_waiting_pushes()
    {
        var v1 = _world.Repo.Head();
        await _world.DeployAsync(v1);
        _world.CloseGate("web");
        var running = (await _world.PushAsync(_world.Commit("2", "web")))["web"];
        await BuildSteps.WaitUntilStartedAsync(_world.Gate("web"));
        var waiting = (await _world.PushAsync(_world.Commit("3", "web")))["web"];

        var response = await Daemon.RollbackAsync(new { commit = v1, service = "web" });
        var rollbackId = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["deploys"]![0]!["deployId"]!.GetValue<string>();
        Assert.Equal(2, (await Daemon.GetJsonAsync("/status/web"))["queued"]!.GetValue<int>());
        _world.OpenGate("web");

        var first = await Daemon.WaitForDeployAsync(running);
        var rollback = await Daemon.WaitForDeployAsync(rollbackId);
        var last = await Daemon.WaitForDeployAsync(waiting);
        DeployAssert.State("succeeded", first);
        DeployAssert.State("succeeded", rollback);
        DeployAssert.State("succeeded", last);
        var rollbackStarted = rollback["deploy"]!["startedAt"]!.GetValue<DateTimeOffset>();
        Assert.True(rollbackStarted >= first["deploy"]!["finishedAt"]!.GetValue<DateTimeOffset>());
        Assert.True(rollbackStarted < last["deploy"]!["startedAt"]!.GetValue<DateTimeOffset>(), "the rollback ran before the waiting push");
        Assert.Equal("3", _world.LiveVersion("web"));
    }

    [Fact]
    public async Task Rollback_to_a_commit_not_on_the_branch_is_422()
    {
        var v1 = _world.Repo.Head();
        await _world.DeployAsync(v1);
        // Fetched by a deploy, then dropped from main by a force-push: in the cache, not on the branch.
        var dropped = _world.Commit("dropped", "admin");
        _world.Repo.Write("web/VERSION", "2");
        await _world.DeployAsync(_world.Repo.CommitAndPush("v2"));
        _world.Repo.Checkout(v1);
        _world.Repo.Write("web/VERSION", "3");
        await _world.DeployAsync(_world.Repo.CommitAndPush("v3 rewrites history"));
        var before = (await _world.DeploysOfAsync("web")).Count;

        var response = await Daemon.RollbackAsync(new { commit = dropped, service = "web" });

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains("not reachable", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, (await _world.DeploysOfAsync("web")).Count);
    }
}
