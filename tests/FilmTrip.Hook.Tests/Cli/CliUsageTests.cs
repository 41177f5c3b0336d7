using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>
/// What the command line refuses before any request (issue 12): the URL points at a port nobody listens on, so a
/// request would exit 2, not 64.
/// </summary>
public sealed class CliUsageTests : IDisposable
{
    private readonly TempDirectory _temp = new("cli-usage");

    public void Dispose() => _temp.Dispose();

    private static Task<CliProcess.Result> RunAsync(params string[] args) =>
        CliProcess.RunAsync([.. args, "--url", $"http://127.0.0.1:{FreePort.Get()}"]);

    [Fact]
    public async Task A_state_that_does_not_exist_is_refused_locally_with_64_listing_the_states()
    {
        var result = await RunAsync("deploys", "--state", "bogus");

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith("filmtrip-hook deploys: Argument 'bogus' not recognized. Must be one of:", result.Stderr);
        foreach (var state in new[] { "queued", "running", "succeeded", "failed", "rolled_back", "superseded", "interrupted", "skipped" })
            Assert.Contains($"'{state}'", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("0")]
    public async Task A_limit_outside_1_to_200_is_refused_locally_with_64(string limit)
    {
        var result = await RunAsync("deploys", "--limit", limit);

        Assert.Equal(64, result.ExitCode);
        Assert.Equal($"filmtrip-hook deploys: --limit must be a whole number from 1 to 200, not '{limit}'\nsee 'filmtrip-hook deploys --help'", result.Stderr.Trim());
    }

    [Theory]
    [InlineData("rollback")]
    [InlineData("rollback", "abcdef1", "--previous")]
    [InlineData("rollback", "--tag", "v1.0.0", "--previous")]
    public async Task A_rollback_needs_exactly_one_target(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith("filmtrip-hook rollback: give exactly one of COMMIT, --tag TAG or --previous", result.Stderr);
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("reject")]
    public async Task Approve_and_reject_need_a_deploy_id(string command)
    {
        var result = await RunAsync(command);

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith($"filmtrip-hook {command}: Required argument 'DEPLOY_ID' missing for command: '{command}'.", result.Stderr);
    }

    [Fact]
    public async Task A_near_miss_option_is_named_with_the_command()
    {
        var result = await RunAsync("approve", "20260101-000000-deadbeef", "--wiat");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("'--wiat' was not matched. Did you mean one of the following?\n--wait", result.Stderr);
    }

    [Fact]
    public async Task A_relative_config_is_read_from_the_callers_directory()
    {
        var config = Daemon.Config(_temp.Combine("data"), new JsonObject
        {
            ["web"] = new JsonObject { ["Repository"] = _temp.Combine("remote.git"), ["GitHubRepository"] = "acme/web", ["Root"] = _temp.Combine("srv", "web") },
        });
        await File.WriteAllTextAsync(_temp.Combine("hook.json"), config.ToJsonString());

        var result = await CliProcess.RunAsync(["check-config", "--config", "hook.json"], workingDirectory: _temp.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("configuration OK: 1 service", result.Stdout.Trim());
    }

    [Fact]
    public async Task A_missing_relative_config_names_the_absolute_path_tried()
    {
        var result = await CliProcess.RunAsync(["status", "--config", "conf/nope.json"], workingDirectory: _temp.Path);

        Assert.Equal(64, result.ExitCode);
        Assert.Equal($"filmtrip-hook: --config: configuration file '{_temp.Combine("conf", "nope.json")}' does not exist ('conf/nope.json' from {_temp.Path})",
            result.Stderr.Trim());
    }
}
