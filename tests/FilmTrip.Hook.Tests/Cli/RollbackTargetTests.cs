using System.Net;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary><c>rollback --tag</c> and <c>rollback --previous</c> through the CLI and POST /rollback (issue 12).</summary>
public sealed class RollbackTargetTests : CliWorldTest
{
    /// <summary>An annotated tag (what <c>git tag -a</c> makes; it must be peeled to its commit) pushed to the remote.</summary>
    private void TagAndPush(string tag, string sha)
    {
        GitRepo.Git(World.Repo.WorkTree, "-c", "user.name=Test", "-c", "user.email=test@example.com", "tag", "-a", "-f", "-m", tag, tag, sha);
        GitRepo.Git(World.Repo.WorkTree, "push", "--quiet", "--force", "origin", $"refs/tags/{tag}");
    }

    [Fact]
    public async Task Rollback_to_a_tag_puts_its_kept_release_back_live_without_building()
    {
        var (v2, _) = await World.PushVersionAsync("2");
        TagAndPush("v1.0.0", v2);
        await World.PushVersionAsync("3");

        var (exit, output) = await World.RunAsync("rollback", "--tag", "v1.0.0", "--service", "frontend", "--wait");

        Assert.Equal(0, exit);
        Assert.Contains($"queued rollback of frontend to {v2[..12]}: deploy ", output);
        Assert.DoesNotContain("  build:", output);
        Assert.Matches(@"deploy \S+ of frontend: succeeded", output);
        Assert.Equal("v2", World.LiveVersion);
    }

    [Fact]
    public async Task A_tag_moved_on_the_remote_is_followed()
    {
        var (v2, _) = await World.PushVersionAsync("2");
        TagAndPush("stable", v2);
        var (v3, _) = await World.PushVersionAsync("3");
        await World.RunAsync("rollback", "--tag", "stable", "--wait");
        TagAndPush("stable", v3);

        var (exit, output) = await World.RunAsync("rollback", "--tag", "stable", "--wait");

        Assert.Equal(0, exit);
        Assert.Contains($"to {v3[..12]}", output);
        Assert.Equal("v3", World.LiveVersion);
    }

    [Fact]
    public async Task A_tag_off_the_deploy_branch_is_refused_with_exit_1()
    {
        await World.PushVersionAsync("2");
        World.Repo.Write("frontend/VERSION", "experiment");
        var experiment = World.Repo.CommitAndPush("experiment", branch: "experiment");
        TagAndPush("v0.9-experiment", experiment);

        var (exit, output) = await World.RunAsync("rollback", "--tag", "v0.9-experiment");

        Assert.Equal(1, exit);
        Assert.Equal($"filmtrip-hook: tag v0.9-experiment names commit {experiment}, which is not reachable from branch main; only commits of the deploy branch can go live",
            output.Trim());
        Assert.Equal("v2", World.LiveVersion);
    }

    [Fact]
    public async Task An_unknown_tag_exits_4()
    {
        await World.PushVersionAsync("2");

        var (exit, output) = await World.RunAsync("rollback", "--tag", "v9.9.9");

        Assert.Equal(4, exit);
        Assert.Equal("filmtrip-hook: no tag 'v9.9.9' in acme/filmtrip", output.Trim());
    }

    [Theory]
    [InlineData("{\"tag\": \"--upload-pack=x\"}", "bad-tag")]
    [InlineData("{\"tag\": \"../../etc\"}", "bad-tag")]
    [InlineData("{\"tag\": \"v1\", \"commit\": \"abcdef1\"}", "bad-request")]
    [InlineData("{\"previous\": true, \"tag\": \"v1\"}", "bad-request")]
    [InlineData("{\"previous\": false}", "bad-request")]
    [InlineData("{\"service\": \"frontend\"}", "bad-request")]
    public async Task A_bad_target_is_a_400_problem(string body, string type)
    {
        var response = await World.Daemon.RollbackAsync(JsonNode.Parse(body)!);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith($"#error-{type}", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rollback_previous_goes_back_one_release_instantly_and_again_forward()
    {
        await World.PushVersionAsync("2");
        var (v3, _) = await World.PushVersionAsync("3");

        var back = await World.RunAsync("rollback", "--previous", "--wait");
        var live = World.LiveVersion;
        var forward = await World.RunAsync("rollback", "--previous", "--service", "frontend", "--wait");

        Assert.Equal(0, back.ExitCode);
        Assert.DoesNotContain("  build:", back.Output);
        Assert.Equal("v2", live);
        Assert.Equal(0, forward.ExitCode);
        Assert.Contains($"to {v3[..12]}", forward.Output);
        Assert.Equal("v3", World.LiveVersion);
    }

    [Fact]
    public async Task Rollback_previous_with_nothing_before_is_refused_with_409()
    {
        await World.PushVersionAsync("2");

        var (exit, output) = await World.RunAsync("rollback", "--previous");
        var response = await World.Daemon.RollbackAsync(new { previous = true });

        Assert.Equal(1, exit);
        Assert.Equal("filmtrip-hook: no release was live before the current one of any service: nothing to go back to", output.Trim());
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.EndsWith("#error-no-previous-release", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["type"]!.GetValue<string>());
    }
}
