using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.GitHub;

/// <summary>
/// GitHub deployment statuses (issue #12 point 2) against a local HTTP server standing in for the REST API: the
/// requests Octokit sends (paths, bodies, the token). "admin" deploys; "web"'s build step fails.
/// </summary>
public sealed class DeploymentStatusTests : IAsyncLifetime
{
    private const string Token = "ghp_test-token-for-the-stand-in";
    private HttpReceiver _api = null!;
    private StaticWorld _world = null!;
    private readonly TempDirectory _temp = new("github-token");

    public async Task InitializeAsync()
    {
        _api = await HttpReceiver.StartAsync();
        _api.Answer = (request, n) => request.Path.EndsWith("/deployments", StringComparison.Ordinal)
            ? (201, $"{{\"id\": {1000 + n}, \"environment\": \"{JsonNode.Parse(request.Body)!["environment"]}\"}}")
            : (201, $"{{\"id\": {n}, \"state\": \"{JsonNode.Parse(request.Body)!["state"]}\"}}");
        var tokenFile = _temp.Combine("token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _world = await StaticWorld.StartAsync(configure: c =>
        {
            c["Hook"]!["GitHub"] = new JsonObject { ["TokenFile"] = tokenFile, ["ApiUrl"] = _api.BaseUrl + "/api/v3/" };
            c["Hook"]!["Services"]!["web"]!["Build"] = new JsonArray(new JsonArray("node", "-e", "process.exit(3)"));
        });
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        await _api.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>The requests that concern one environment (service), in order: create, then its statuses.</summary>
    private List<(ReceivedRequest Request, JsonNode Body)> Of(string service)
    {
        var all = _api.Requests.Select((r, i) => (Request: r, Body: JsonNode.Parse(r.Body)!, Number: i + 1)).ToList();
        var created = all.Single(r => r.Request.Path.EndsWith("/deployments", StringComparison.Ordinal) && r.Body["environment"]!.GetValue<string>() == service);
        return all.Where(r => r == created || r.Request.Path.Contains($"/deployments/{1000 + created.Number}/statuses", StringComparison.Ordinal))
            .Select(r => (r.Request, r.Body)).ToList();
    }

    [Fact]
    public async Task Each_deploy_creates_a_deployment_for_its_commit_and_posts_in_progress_then_its_end()
    {
        var head = _world.Repo.Head();
        var ids = await _world.PushAsync(head);
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(ids["admin"]));
        var failed = await _world.Daemon.WaitForDeployAsync(ids["web"]);
        DeployAssert.State("failed", failed);
        await Poll.UntilAsync(() => _api.Requests.Count >= 6, TimeSpan.FromSeconds(30), "two deployments and four statuses");

        foreach (var request in _api.Requests)
        {
            Assert.Equal("POST", request.Method);
            Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
            Assert.StartsWith("/api/v3/repos/acme/filmtrip/deployments", request.Path);
        }
        var admin = Of("admin");
        Assert.Equal(3, admin.Count);
        var create = admin[0].Body;
        Assert.Equal(head, create["ref"]!.GetValue<string>());
        Assert.Equal("admin", create["environment"]!.GetValue<string>());
        Assert.False(create["auto_merge"]!.GetValue<bool>());
        Assert.Empty(create["required_contexts"]!.AsArray());
        Assert.Equal(["in_progress", "success"], admin.Skip(1).Select(r => r.Body["state"]!.GetValue<string>()));

        var web = Of("web");
        Assert.Equal(["in_progress", "failure"], web.Skip(1).Select(r => r.Body["state"]!.GetValue<string>()));
        var reason = failed["deploy"]!["error"]!.GetValue<string>();
        Assert.StartsWith(reason[..Math.Min(reason.Length, 100)], web[2].Body["description"]!.GetValue<string>());
        var log = _world.Daemon.LogText;
        Assert.Contains(failed["deploy"]!["id"]!.GetValue<string>(), log); // the log holds this run's deploys
        Assert.DoesNotContain(Token, log);
    }

    [Fact]
    public async Task An_api_that_fails_leaves_the_deploy_as_it_is_and_says_so_in_its_log()
    {
        _api.Answer = (_, _) => (502, "{\"message\": \"Server Error\"}");

        var id = (await _world.PushAsync(_world.Repo.Head()))["admin"];

        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(id));
        var log = await Poll.UntilAsync(async () =>
        {
            var text = await (await _world.Daemon.GetAsync($"/deploys/{id}?log=full")).Content.ReadAsStringAsync();
            return text.Contains("[github]", StringComparison.Ordinal) ? text : null;
        }, TimeSpan.FromSeconds(60), "the GitHub failure in the deploy's log");
        Assert.Contains("[github] creating the GitHub deployment for acme/filmtrip failed", log);
        DeployAssert.State("succeeded", await _world.Daemon.GetJsonAsync($"/deploys/{id}"));
    }
}
