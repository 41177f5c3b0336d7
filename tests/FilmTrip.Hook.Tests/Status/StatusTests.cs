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
        var first = (await _world.PushAsync(sha))["web"];
        await BuildSteps.WaitUntilStartedAsync(_world.Gate("web"));
        var queued = (await _world.PushAsync(_world.Commit("2", "web")))["web"];

        var during = await Daemon.GetJsonAsync("/status/web");
        Assert.Equal(first, during["running"]!["id"]!.GetValue<string>());
        Assert.StartsWith("build: node -e", during["running"]!["step"]!.GetValue<string>());
        Assert.True(during["running"]!["elapsedSeconds"]!.GetValue<double>() >= 0);
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
        Assert.All(steps, s => Assert.True(s!["durationSeconds"]!.GetValue<double>() >= 0));
        Assert.Equal(0, steps.Single(s => s!["name"]!.GetValue<string>().StartsWith("build:"))!["exitCode"]!.GetValue<int>());
        Assert.Contains(deploy["logTail"]!.AsArray(), l => l!.GetValue<string>().Contains("==> switch"));

        var full = await Daemon.GetAsync($"/deploys/{id}?log=full");
        Assert.Equal("text/plain", full.Content.Headers.ContentType!.MediaType);
        Assert.Contains("finished: succeeded", await full.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/status/nope", 404)]
    [InlineData("/deploys/20260101-000000-00000000", 404)]
    [InlineData("/deploys/..%2F..%2Fetc%2Fpasswd", 404)]
    [InlineData("/deploys?service=nope", 404)]
    [InlineData("/deploys?limit=0", 400)]
    [InlineData("/deploys?limit=100000", 400)]
    [InlineData("/deploys?state=exploded", 400)]
    public async Task Bad_status_queries_get_a_problem(string path, int status)
    {
        var response = await Daemon.GetAsync(path);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
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

public sealed class StatusTokenTests : IAsyncLifetime
{
    private StaticWorld _world = null!;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Reads_need_the_token_by_default()
    {
        var id = (await _world.PushAsync(_world.Repo.Head()))["web"];

        foreach (var path in new[] { "/status", "/status/web", "/deploys", $"/deploys/{id}", $"/deploys/{id}?log=full" })
        {
            var anonymous = await _world.Daemon.GetAsync(path, token: null);
            var wrong = await _world.Daemon.GetAsync(path, token: "not-the-token");
            var authorized = await _world.Daemon.GetAsync(path);

            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} without a token: {anonymous.StatusCode}");
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType!.MediaType);
            Assert.True(wrong.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} with a wrong token: {wrong.StatusCode}");
            Assert.True(authorized.StatusCode == HttpStatusCode.OK, $"GET {path} with the token: {authorized.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await _world.Daemon.Http.GetAsync("/healthz")).StatusCode);
    }
}

public sealed class OpenStatusTests : IAsyncLifetime
{
    private StaticWorld _world = null!;

    public async Task InitializeAsync() =>
        _world = await StaticWorld.StartAsync(configure: c => c["Hook"]!["RequireTokenForStatus"] = false);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task RequireTokenForStatus_false_opens_reads_but_not_writes()
    {
        var status = await _world.Daemon.GetAsync("/status", token: null);
        var rollback = await _world.Daemon.RollbackAsync(new { commit = _world.Repo.Head() }, token: null);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rollback.StatusCode);
    }
}
