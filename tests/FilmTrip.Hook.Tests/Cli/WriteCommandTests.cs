using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>rollback and deploy (POST /rollback, POST /deploys) against a running daemon (issue #7).</summary>
public sealed class WriteCommandTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Rollback_wait_to_a_kept_release_prints_its_steps_and_puts_it_back_live()
    {
        var (v2, _) = await _world.PushVersionAsync("2");
        await _world.PushVersionAsync("3");

        var (exit, output) = await _world.RunAsync("rollback", v2[..7], "--service", "frontend", "--wait");

        Assert.Equal(0, exit);
        Assert.Contains($"queued rollback of frontend to {v2[..12]}: deploy ", output);
        Assert.Matches(@"\n  switch\s+\d+\.\ds\s+ok", output);
        Assert.DoesNotContain("  build:", output);
        Assert.Matches(@"deploy \S+ of frontend: succeeded in \d+\.\ds", output);
        Assert.Equal("v2", _world.LiveVersion);
    }

    [Fact]
    public async Task Rollback_wait_exits_1_when_the_rollback_fails()
    {
        _world.Repo.Write("frontend/build.js", "process.exit(3);");
        var (broken, _) = await _world.PushVersionAsync("2");
        _world.Repo.Write("frontend/build.js", "const fs = require('fs'); fs.mkdirSync('dist', {recursive: true}); fs.writeFileSync('dist/index.html', 'v3');");
        await _world.PushVersionAsync("3");

        var (exit, output) = await _world.RunAsync("rollback", broken, "--wait");

        Assert.Equal(1, exit);
        Assert.Matches(@"build: node build.js\s+\d+\.\ds\s+FAILED \(exit 3\)", output);
        Assert.Matches(@"deploy \S+ of frontend: failed in .*exited with 3", output);
        Assert.Equal("v3", _world.LiveVersion);
    }

    [Fact]
    public async Task Rollback_to_an_unknown_commit_exits_4()
    {
        var (exit, output) = await _world.RunAsync("rollback", "deadbeefdeadbeef");

        Assert.Equal(4, exit);
        Assert.Contains("no commit 'deadbeefdeadbeef'", output);
    }

    [Fact]
    public async Task Deploy_wait_deploys_the_branch_head_when_the_webhook_was_missed()
    {
        _world.Repo.Write("frontend/VERSION", "7");
        var head = _world.Repo.CommitAndPush("v7, webhook lost");

        var (exit, output) = await _world.RunAsync("deploy", "frontend", "--wait");

        Assert.Equal(0, exit);
        Assert.Contains($"queued deploy of frontend to {head[..12]}: deploy ", output);
        Assert.Matches(@"\n  build: node build.js\s+\d+\.\ds\s+ok", output);
        Assert.Matches(@"deploy \S+ of frontend: succeeded", output);
        Assert.Equal("v7", _world.LiveVersion);
        var deploys = await _world.Daemon.GetJsonAsync("/deploys?service=frontend&limit=1");
        Assert.Equal("manual", deploys["deploys"]![0]!["trigger"]!.GetValue<string>());
        Assert.Equal(head, deploys["deploys"]![0]!["commit"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deploy_of_a_commit_deploys_that_commit()
    {
        var (v2, _) = await _world.PushVersionAsync("2");
        await _world.PushVersionAsync("3");

        var (exit, output) = await _world.RunAsync("deploy", "frontend", "--commit", v2[..10], "--wait");

        Assert.Equal(0, exit);
        Assert.Contains($"queued deploy of frontend to {v2[..12]}", output);
        Assert.Equal("v2", _world.LiveVersion);
    }

    [Fact]
    public async Task Deploy_of_a_commit_no_longer_on_the_branch_is_refused_with_exit_1()
    {
        var (rewritten, _) = await _world.PushVersionAsync("2");
        _world.Repo.Checkout("HEAD~1");
        await _world.PushVersionAsync("3"); // force-pushed over v2: v2 is known to the daemon but off the branch

        var (exit, output) = await _world.RunAsync("deploy", "frontend", "--commit", rewritten);

        Assert.Equal(1, exit);
        Assert.Equal($"filmtrip-hook: commit {rewritten} is not reachable from branch main; only commits of the deploy branch can go live", output.Trim());
        Assert.Equal("v3", _world.LiveVersion);
    }

    [Fact]
    public async Task Deploy_of_an_unknown_service_exits_4()
    {
        var (exit, output) = await _world.RunAsync("deploy", "nosuch");

        Assert.Equal(4, exit);
        Assert.Equal("filmtrip-hook: no service named 'nosuch'", output.Trim());
    }

    [Theory]
    [InlineData("deploy", "frontend")]
    [InlineData("rollback", "0123456789abcdef")]
    public async Task A_wrong_token_gives_one_line_and_exit_3(string command, string argument)
    {
        var config = _world.ConfigCopy("wrong-token.json", c => c["Hook"]!["ApiToken"] = "not-the-daemons-token");

        var (exit, output) = await CliInProcess.RunAsync([command, argument, "--config", config, "--url", _world.DaemonUrl]);

        Assert.Equal(3, exit);
        var line = Assert.Single(output.Trim().Split('\n'));
        Assert.StartsWith($"filmtrip-hook: the daemon at {_world.DaemonUrl}/ refused the API token (401)", line);
        Assert.DoesNotContain("not-the-daemons-token", line);
        Assert.Empty((await _world.Daemon.GetJsonAsync("/deploys"))["deploys"]!.AsArray());
    }

    [Fact]
    public async Task The_token_is_read_from_ApiTokenFile()
    {
        var tokenFile = Path.Combine(Path.GetDirectoryName(_world.Daemon.ConfigPath)!, "token");
        File.WriteAllText(tokenFile, Daemon.Token + "\n");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = _world.ConfigCopy("token-file.json", c =>
        {
            c["Hook"]!.AsObject().Remove("ApiToken");
            c["Hook"]!["ApiTokenFile"] = tokenFile;
        });

        var (exit, output) = await CliInProcess.RunAsync(["deploy", "frontend", "--wait", "--config", config, "--url", _world.DaemonUrl]);

        Assert.Equal(0, exit);
        Assert.Contains("of frontend: succeeded", output);
    }
}
