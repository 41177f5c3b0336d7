using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Approvals;

/// <summary>RequireApproval through the real daemon over HTTP (issue #12 point 3): "web" needs approval, "admin" does not.</summary>
public sealed class ApprovalTests : IAsyncLifetime
{
    private StaticWorld _world = null!;

    public async Task InitializeAsync() =>
        _world = await StaticWorld.StartAsync(configure: c => c["Hook"]!["Services"]!["web"]!["RequireApproval"] = true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string path, string? token = Daemon.Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _world.Daemon.Http.SendAsync(request);
    }

    private async Task<List<string>> AwaitingAsync(string service) =>
        (await _world.Daemon.GetJsonAsync($"/status/{service}"))["awaiting"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()).ToList();

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["type"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_push_waits_for_approval_and_runs_as_a_push_once_approved()
    {
        var ids = await _world.PushAsync(_world.Repo.Head());

        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(ids["admin"]));
        DeployAssert.State("awaiting_approval", await _world.Daemon.WaitForDeployAsync(ids["web"]));
        Assert.Equal([ids["web"]], await AwaitingAsync("web"));
        Assert.Null(_world.Live("web"));

        var approved = await PostAsync($"/deploys/{ids["web"]}/approve");

        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        Assert.Equal("queued", JsonNode.Parse(await approved.Content.ReadAsStringAsync())!["state"]!.GetValue<string>());
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(ids["web"]));
        Assert.Equal("1", _world.LiveVersion("web"));
        Assert.Empty(await AwaitingAsync("web"));
    }

    [Fact]
    public async Task A_rejected_push_ends_rejected_runs_nothing_and_cannot_be_approved_after()
    {
        var id = (await _world.PushAsync(_world.Repo.Head()))["web"];
        DeployAssert.State("awaiting_approval", await _world.Daemon.WaitForDeployAsync(id));

        var rejected = await PostAsync($"/deploys/{id}/reject");

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        DeployAssert.State("rejected", await _world.Daemon.GetJsonAsync($"/deploys/{id}"));
        var late = await PostAsync($"/deploys/{id}/approve");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.EndsWith("#error-not-awaiting-approval", await ProblemTypeAsync(late));
        Assert.Empty(await AwaitingAsync("web"));
        Assert.Null(_world.Live("web"));
    }

    [Fact]
    public async Task A_newer_push_supersedes_a_waiting_one()
    {
        var first = (await _world.PushAsync(_world.Repo.Head()))["web"];
        var second = (await _world.PushAsync(_world.Commit("2", "web")))["web"];

        DeployAssert.State("superseded", await _world.Daemon.GetJsonAsync($"/deploys/{first}"));
        DeployAssert.State("awaiting_approval", await _world.Daemon.GetJsonAsync($"/deploys/{second}"));
        Assert.Equal([second], await AwaitingAsync("web"));
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync($"/deploys/{first}/approve")).StatusCode);
    }

    [Fact]
    public async Task Approve_and_reject_need_the_token_and_a_known_deploy()
    {
        var id = (await _world.PushAsync(_world.Repo.Head()))["web"];

        var anonymous = await PostAsync($"/deploys/{id}/approve", token: null);
        var unknown = await PostAsync("/deploys/20260101-000000-00000000/reject");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.EndsWith("#error-unauthorized", await ProblemTypeAsync(anonymous));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.EndsWith("#error-unknown-deploy", await ProblemTypeAsync(unknown));
        DeployAssert.State("awaiting_approval", await _world.Daemon.GetJsonAsync($"/deploys/{id}"));
    }
}
