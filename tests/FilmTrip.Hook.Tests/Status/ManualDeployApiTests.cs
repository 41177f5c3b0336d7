using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Cli;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Status;

/// <summary>POST /deploys, the endpoint behind <c>filmtrip-hook deploy</c> (issue #7).</summary>
public sealed class ManualDeployApiTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Without_a_commit_the_branch_head_is_queued_as_a_manual_deploy()
    {
        var head = _world.Repo.Head();

        var response = await _world.Daemon.ManualDeployAsync(new { service = "frontend" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["deploys"]!.AsArray())!;
        Assert.Equal("frontend", queued["service"]!.GetValue<string>());
        Assert.Equal(head, queued["commit"]!.GetValue<string>());
        var deploy = await _world.Daemon.WaitForDeployAsync(queued["deployId"]!.GetValue<string>());
        DeployAssert.State("succeeded", deploy);
        Assert.Equal("manual", deploy["deploy"]!["trigger"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, "frontend", null, HttpStatusCode.Unauthorized, "unauthorized")]
    [InlineData(Daemon.Token, "frontend", "main", HttpStatusCode.BadRequest, "bad-commit")]
    [InlineData(Daemon.Token, "nosuch", null, HttpStatusCode.NotFound, "unknown-service")]
    [InlineData(Daemon.Token, "frontend", "0123456789abcdef", HttpStatusCode.NotFound, "not-found")]
    public async Task Refusals_are_problem_json_with_a_stable_type(string? token, string service, string? commit, HttpStatusCode status, string type)
    {
        var response = await _world.Daemon.ManualDeployAsync(new { service, commit }, token);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("#error-" + type, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["type"]!.GetValue<string>());
        Assert.Empty((await _world.Daemon.GetJsonAsync("/deploys"))["deploys"]!.AsArray());
    }
}
