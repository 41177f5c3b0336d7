using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>status, deploys and log against a running daemon (issue #7).</summary>
public sealed class ReadCommandTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Status_shows_live_commit_release_last_deploy_and_kept_releases()
    {
        var (sha, deploy) = await _world.PushVersionAsync("2");
        var release = deploy["deploy"]!["releaseId"]!.GetValue<string>();
        var id = deploy["deploy"]!["id"]!.GetValue<string>();

        var (exit, output) = await _world.RunAsync("status");

        Assert.Equal(0, exit);
        var row = Assert.Single(output.Split('\n'), l => l.StartsWith("frontend ", StringComparison.Ordinal) && l.Contains(id));
        Assert.Matches($@"^frontend\s+{sha[..12]}\s+{release}\s+{id}\s+push\s+succeeded\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+\d+\.\ds\s+-\s+0$", row.TrimEnd());
        Assert.Contains("Kept releases", output);
        Assert.Matches($@"frontend\s+\* {release}\s+{sha[..12]}", output);
    }

    [Fact]
    public async Task Status_json_prints_the_api_answer()
    {
        var (sha, _) = await _world.PushVersionAsync("2");

        var (exit, output) = await _world.RunAsync("status", "frontend", "--json");

        Assert.Equal(0, exit);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("frontend", json["name"]!.GetValue<string>());
        Assert.Equal(sha, json["current"]!["commit"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("status", "nosuch", "no service named 'nosuch'")]
    [InlineData("log", "20990101-000000-deadbeef", "no deploy with id '20990101-000000-deadbeef'")]
    public async Task An_unknown_service_or_deploy_exits_4_with_the_problem_detail(string command, string name, string detail)
    {
        var (exit, output) = await _world.RunAsync(command, name);

        Assert.Equal(4, exit);
        Assert.Equal($"filmtrip-hook: {detail}", output.Trim());
    }

    [Fact]
    public async Task Deploys_lists_newest_first_and_honours_limit_and_state()
    {
        var (_, first) = await _world.PushVersionAsync("2");
        _world.Repo.Write("frontend/build.js", "process.exit(3);");
        var (_, broken) = await _world.PushVersionAsync("3");
        var firstId = first["deploy"]!["id"]!.GetValue<string>();
        var brokenId = broken["deploy"]!["id"]!.GetValue<string>();

        var all = await _world.RunAsync("deploys", "frontend");
        var latest = await _world.RunAsync("deploys", "--limit", "1");
        var failed = await _world.RunAsync("deploys", "--state", "failed", "--json");

        Assert.Equal(0, all.ExitCode);
        Assert.True(all.Output.IndexOf(brokenId, StringComparison.Ordinal) < all.Output.IndexOf(firstId, StringComparison.Ordinal), all.Output);
        Assert.Matches($@"{brokenId}\s+frontend\s+push\s+[0-9a-f]{{12}}\s+failed\s+.*exited with 3", all.Output);
        Assert.Equal(0, latest.ExitCode);
        Assert.Contains(brokenId, latest.Output);
        Assert.DoesNotContain(firstId, latest.Output);
        Assert.Equal(0, failed.ExitCode);
        Assert.Equal([brokenId], JsonNode.Parse(failed.Output)!["deploys"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deploys_with_a_bad_limit_is_a_usage_error()
    {
        var (exit, output) = await _world.RunAsync("deploys", "--limit", "many");

        Assert.Equal(64, exit);
        Assert.Contains("filmtrip-hook deploys: --limit must be a whole number from 1 to 200, not 'many'", output);
    }

    [Fact]
    public async Task Log_prints_the_full_log_of_a_deploy()
    {
        var (_, deploy) = await _world.PushVersionAsync("2");
        var id = deploy["deploy"]!["id"]!.GetValue<string>();

        var (exit, output) = await _world.RunAsync("log", id);

        Assert.Equal(0, exit);
        Assert.Contains("==> build: node build.js", output);
        Assert.EndsWith($"deploy {id} finished: succeeded", output.TrimEnd());
    }

    [Fact]
    public async Task An_unreachable_daemon_gives_one_line_and_exit_2()
    {
        var port = FreePort.Get();

        var (exit, output) = await CliInProcess.RunAsync(["status", "--config", _world.Daemon.ConfigPath, "--url", $"http://127.0.0.1:{port}"]);

        Assert.Equal(2, exit);
        Assert.Equal($"filmtrip-hook: cannot reach the daemon at http://127.0.0.1:{port} (connection refused); is the service running? (systemctl status filmtrip-hook)",
            output.Trim());
    }

    [Fact]
    public async Task The_daemon_address_comes_from_Urls_in_the_configuration()
    {
        var config = _world.ConfigCopy("with-urls.json", c => c["Urls"] = _world.DaemonUrl);

        var (exit, output) = await CliInProcess.RunAsync(["status", "--json", "--config", config]);

        Assert.Equal(0, exit);
        Assert.Equal("frontend", JsonNode.Parse(output)!["services"]![0]!["name"]!.GetValue<string>());
    }
}
